//! Accord's desktop shell: a Tauri 2 window over the engine.
//!
//! Nothing here is domain logic. Commands (in `commands/`) adapt the
//! engine's calls to IPC; the UI in `ui/` is served from the binary.

mod commands;
mod error;
mod recent;
mod state;

use tauri::Manager;

pub use error::CommandError;
pub use recent::RecentProject;
pub use state::Launch;

/// Starts the app. `accord-desktop --demo` opens the demo study and
/// `accord-desktop FILE` opens a project.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ACCORD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let launch = Launch::from_args(std::env::args());
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let data_dir = app.path().app_data_dir()?;
            app.manage(state::AppState::new(launch.clone(), data_dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::project::project_create,
            commands::project::project_open,
            commands::project::project_close,
            commands::project::project_info,
            commands::project::recent_projects,
            commands::project::recent_forget,
            commands::project::default_project_folder,
            commands::project::launch_request,
            commands::project::demo_open,
        ])
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
