//! REFI-QDA exchange, merging a coder's copy, and the manuscript exports.

use accord_engine::merge::MergeReport;
use accord_engine::{
    Cancel, CodebookCounts, CodebookFormat, CodebookImportReport, ExchangeReport, Progress,
    ProjectInfo, TableFormat, ThemeTableOptions, write_theme_table,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::error::CommandResult;
use crate::state::{AppState, blocking, with_project};

/// Exports the project as a .qdpx, streaming progress; cancellable as `task`.
#[tauri::command]
pub async fn qdpx_export(
    app: AppHandle,
    task: String,
    path: String,
    on_progress: Channel<Progress>,
) -> CommandResult<ExchangeReport> {
    let cancel = Cancel::from_flag(app.state::<AppState>().start_task(&task));
    let result = with_project(&app, move |p| {
        p.export_qdpx_with_progress(
            &path,
            &mut |pr| {
                let _ = on_progress.send(pr);
            },
            &cancel,
        )
    })
    .await;
    app.state::<AppState>().end_task(&task);
    result
}

/// Imports a .qdpx into a new project file and opens it.
#[tauri::command]
pub async fn qdpx_import(
    app: AppHandle,
    qdpx: String,
    project: String,
) -> CommandResult<(ProjectInfo, ExchangeReport)> {
    blocking(&app, move |app| {
        // The open project stays open until the new one exists, so a refused
        // file leaves the user where they were.
        // The default projects folder (~/Documents/Accord) may not exist yet.
        if let Some(folder) = std::path::Path::new(&project).parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder).map_err(|e| accord_engine::Error::io(folder, e))?;
        }
        let (p, report) = accord_engine::Project::import_qdpx(&qdpx, &project)?;
        drop(p);
        let info = crate::commands::project::open_path(app, std::path::Path::new(&project))?;
        Ok((info, report))
    })
    .await
}

/// Merges another program's coding (.qdpx) into the open project.
#[tauri::command]
pub async fn qdpx_merge(app: AppHandle, path: String) -> CommandResult<ExchangeReport> {
    with_project(&app, move |p| p.merge_qdpx(&path)).await
}

/// Merges a coder's copy (.accord) into the open project.
#[tauri::command]
pub async fn merge_copy(
    app: AppHandle,
    path: String,
    coder: Option<String>,
) -> CommandResult<MergeReport> {
    with_project(&app, move |p| {
        p.merge_copy(std::path::Path::new(&path), coder.as_deref())
    })
    .await
}

/// Exports the codebook as a REFI-QDA .qdc.
#[tauri::command]
pub async fn qdc_export(app: AppHandle, path: String) -> CommandResult<ExchangeReport> {
    with_project(&app, move |p| p.export_qdc(&path)).await
}

/// Imports codes from a REFI-QDA .qdc.
#[tauri::command]
pub async fn qdc_import(app: AppHandle, path: String) -> CommandResult<ExchangeReport> {
    with_project(&app, move |p| p.import_qdc(&path)).await
}

/// Writes the theme table in `format`.
#[tauri::command]
pub async fn theme_table_export(
    app: AppHandle,
    options: ThemeTableOptions,
    format: TableFormat,
    path: String,
    title: Option<String>,
) -> CommandResult<()> {
    with_project(&app, move |p| {
        let table = p.theme_table(&options)?;
        write_theme_table(
            &table,
            format,
            std::path::Path::new(&path),
            title.as_deref(),
        )
    })
    .await
}

/// Writes the codebook in `format`.
#[tauri::command]
pub async fn codebook_export(
    app: AppHandle,
    format: CodebookFormat,
    counts: CodebookCounts,
    path: String,
) -> CommandResult<()> {
    with_project(&app, move |p| {
        p.export_codebook(std::path::Path::new(&path), format, counts)
    })
    .await
}

/// Adds or updates codes from a CSV file.
#[tauri::command]
pub async fn codebook_import(app: AppHandle, path: String) -> CommandResult<CodebookImportReport> {
    with_project(&app, move |p| {
        p.import_codebook_csv(std::path::Path::new(&path))
    })
    .await
}
