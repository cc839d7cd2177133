//! Opening, creating and closing projects; the recent list; the launch request.

use std::path::{Path, PathBuf};

use accord_engine::{Project, ProjectInfo};
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};
use crate::recent::{self, RecentProject};
use crate::state::{AppState, Launch, blocking, with_project};

/// Puts `project` in the state, names the window after it and remembers it.
fn install(app: &AppHandle, project: Project) -> CommandResult<ProjectInfo> {
    let info = project.info()?;
    let state = app.state::<AppState>();
    recent::remember(&state.data_dir, project.path(), &info.name, &time_now());
    *state.project() = Some(project);
    if let Some(window) = app.get_webview_window("main") {
        window.set_title(&format!("{} — Accord", info.name))?;
    }
    Ok(info)
}

fn time_now() -> String {
    // Seconds are enough for "last opened"; the engine owns real timestamps.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    secs.to_string()
}

/// Opens the project at `path`, closing the one that is open.
pub fn open_path(app: &AppHandle, path: &Path) -> CommandResult<ProjectInfo> {
    // Close first so the old project's file is released even if the new one fails.
    *app.state::<AppState>().project() = None;
    let project = Project::open(path)?;
    install(app, project)
}

/// Creates `<folder>/<name>.accord` and opens it.
#[tauri::command]
pub async fn project_create(
    app: AppHandle,
    folder: String,
    name: String,
) -> CommandResult<ProjectInfo> {
    blocking(&app, move |app| {
        let name = name.trim();
        if name.is_empty() {
            return Err(CommandError::new("invalid", "Give the project a name."));
        }
        if name.contains(['/', '\\']) {
            return Err(CommandError::new(
                "invalid",
                "A project name cannot contain / or \\.",
            ));
        }
        let folder = PathBuf::from(folder);
        std::fs::create_dir_all(&folder)
            .map_err(|e| CommandError::from(accord_engine::Error::io(&folder, e)))?;
        let file = if name.ends_with(".accord") {
            folder.join(name)
        } else {
            folder.join(format!("{name}.accord"))
        };
        *app.state::<AppState>().project() = None;
        let project = Project::create(&file)?;
        install(app, project)
    })
    .await
}

/// Opens an existing project file.
#[tauri::command]
pub async fn project_open(app: AppHandle, path: String) -> CommandResult<ProjectInfo> {
    blocking(&app, move |app| open_path(app, Path::new(&path))).await
}

/// Closes the open project and returns to the start screen.
#[tauri::command]
pub async fn project_close(app: AppHandle) -> CommandResult<()> {
    blocking(&app, |app| {
        *app.state::<AppState>().project() = None;
        if let Some(window) = app.get_webview_window("main") {
            window.set_title("Accord")?;
        }
        Ok(())
    })
    .await
}

/// Counts and format version of the open project.
#[tauri::command]
pub async fn project_info(app: AppHandle) -> CommandResult<ProjectInfo> {
    with_project(&app, |p| p.info()).await
}

/// The recent projects, newest first.
#[tauri::command]
pub async fn recent_projects(app: AppHandle) -> CommandResult<Vec<RecentProject>> {
    blocking(&app, |app| {
        Ok(recent::load(&app.state::<AppState>().data_dir))
    })
    .await
}

/// Removes a project from the recent list (the file is not touched).
#[tauri::command]
pub async fn recent_forget(app: AppHandle, path: String) -> CommandResult<()> {
    blocking(&app, move |app| {
        recent::forget(&app.state::<AppState>().data_dir, &path);
        Ok(())
    })
    .await
}

/// The folder new projects go in unless the user picks another.
#[tauri::command]
pub async fn default_project_folder(app: AppHandle) -> CommandResult<String> {
    // Without XDG user dirs configured (common on fresh Linux installs),
    // ~/Documents is still where people look for their files.
    let documents = match app.path().document_dir() {
        Ok(dir) => dir,
        Err(_) => {
            let home = app.path().home_dir().map_err(CommandError::from)?;
            let documents = home.join("Documents");
            if documents.is_dir() { documents } else { home }
        }
    };
    Ok(documents.join("Accord").to_string_lossy().into_owned())
}

/// Performs what the app was asked to open at launch, once: nothing, the
/// demo study, or a project file. Errors reach the start screen as messages.
#[tauri::command]
pub async fn launch_request(app: AppHandle) -> CommandResult<Option<ProjectInfo>> {
    blocking(&app, |app| match app.state::<AppState>().take_launch() {
        Launch::Start => Ok(None),
        Launch::File(path) => open_path(app, &path).map(Some),
        Launch::Demo => crate::commands::project::open_demo(app).map(Some),
    })
    .await
}

/// Opens the demo study, building it first if it is not there yet. It
/// lives in the app's data folder, so the user's changes to it are kept
/// until they choose "Start the demo over".
pub fn open_demo(app: &AppHandle) -> CommandResult<ProjectInfo> {
    let dir = app.state::<AppState>().data_dir.join("demo");
    let path = dir.join("Bridges mentorship evaluation (demo).accord");
    *app.state::<AppState>().project() = None;
    if path.exists()
        && let Ok(info) = open_path(app, &path)
    {
        return Ok(info);
    }
    reset_demo_files(&path)?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| CommandError::from(accord_engine::Error::io(&dir, e)))?;
    let project = accord_engine::demo::create(&path, &mut |_| {}, &accord_engine::Cancel::new())?;
    install(app, project)
}

fn reset_demo_files(path: &Path) -> CommandResult<()> {
    let index = PathBuf::from(format!("{}.index", path.display()));
    for p in [
        path.to_path_buf(),
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
    ] {
        if p.exists() {
            std::fs::remove_file(&p)
                .map_err(|e| CommandError::from(accord_engine::Error::io(&p, e)))?;
        }
    }
    if index.exists() {
        std::fs::remove_dir_all(&index)
            .map_err(|e| CommandError::from(accord_engine::Error::io(&index, e)))?;
    }
    Ok(())
}

/// Rebuilds the demo study from scratch, discarding changes made to it.
#[tauri::command]
pub async fn demo_reset(app: AppHandle) -> CommandResult<ProjectInfo> {
    blocking(&app, |app| {
        let path = app
            .state::<AppState>()
            .data_dir
            .join("demo")
            .join("Bridges mentorship evaluation (demo).accord");
        *app.state::<AppState>().project() = None;
        reset_demo_files(&path)?;
        open_demo(app)
    })
    .await
}

/// Opens the demo study.
#[tauri::command]
pub async fn demo_open(app: AppHandle) -> CommandResult<ProjectInfo> {
    blocking(&app, open_demo).await
}
