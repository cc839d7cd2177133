//! What the shell keeps between commands: the open project, the recent
//! list's location, cancellation flags of running tasks, and what the app
//! was asked to open at launch.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use accord_engine::Project;
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};

/// What the app was asked to open when it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// Nothing: show the start screen.
    Start,
    /// `--demo`: open the demo study.
    Demo,
    /// A project file given on the command line ("Open with Accord").
    File(PathBuf),
}

impl Launch {
    /// Reads the process arguments: `accord-desktop [--demo | FILE]`.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Launch {
        let mut launch = Launch::Start;
        for arg in args.into_iter().skip(1) {
            if arg == "--demo" {
                launch = Launch::Demo;
            } else if !arg.starts_with('-') {
                launch = Launch::File(PathBuf::from(arg));
            }
        }
        launch
    }
}

/// The shell's state, managed by Tauri.
pub struct AppState {
    project: Mutex<Option<Project>>,
    launch: Mutex<Launch>,
    tasks: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Where the recent-projects list and the demo study live.
    pub data_dir: PathBuf,
}

impl AppState {
    pub fn new(launch: Launch, data_dir: PathBuf) -> Self {
        AppState {
            project: Mutex::new(None),
            launch: Mutex::new(launch),
            tasks: Mutex::new(HashMap::new()),
            data_dir,
        }
    }

    /// The open project slot. A panic in an earlier command must not lock
    /// the user out of their project, so poisoning is ignored.
    pub fn project(&self) -> MutexGuard<'_, Option<Project>> {
        self.project.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes what the app was asked to open at launch (only once).
    pub fn take_launch(&self) -> Launch {
        std::mem::replace(
            &mut self.launch.lock().unwrap_or_else(PoisonError::into_inner),
            Launch::Start,
        )
    }

    /// Registers a cancellable task and returns its flag.
    pub fn start_task(&self, id: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.to_owned(), flag.clone());
        flag
    }

    /// Forgets a finished task.
    pub fn end_task(&self, id: &str) {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
    }

    /// Asks a running task to stop; returns whether it was running.
    pub fn cancel_task(&self, id: &str) -> bool {
        match self
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
        {
            Some(flag) => {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

/// Runs `f` on the open project on a blocking thread, so the UI's event loop
/// never waits for SQLite or tantivy.
pub async fn with_project<T, F>(app: &AppHandle, f: F) -> CommandResult<T>
where
    F: FnOnce(&mut Project) -> accord_engine::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let mut slot = state.project();
        let project = slot.as_mut().ok_or_else(CommandError::no_project)?;
        f(project).map_err(CommandError::from)
    })
    .await
    .map_err(|e| CommandError::new("internal", e.to_string()))?
}

/// Runs `f` on a blocking thread without needing an open project.
pub async fn blocking<T, F>(app: &AppHandle, f: F) -> CommandResult<T>
where
    F: FnOnce(&AppHandle) -> CommandResult<T> + Send + 'static,
    T: Send + 'static,
{
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| CommandError::new("internal", e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(Launch::from_args(args(&["app"])), Launch::Start);
        assert_eq!(Launch::from_args(args(&["app", "--demo"])), Launch::Demo);
        assert_eq!(
            Launch::from_args(args(&["app", "/tmp/x.accord"])),
            Launch::File(PathBuf::from("/tmp/x.accord")),
            "a bare argument is a project to open, as a file manager passes it"
        );
    }
}
