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
            commands::project::demo_reset,
            commands::import::import_preview,
            commands::import::import_preview_sheet,
            commands::import::import_files,
            commands::import::source_remove,
            commands::agreement::agreement,
            commands::agreement::agreement_consensus,
            commands::agreement::agreement_export,
            commands::exchange::qdpx_export,
            commands::exchange::qdpx_import,
            commands::exchange::qdpx_merge,
            commands::exchange::merge_copy,
            commands::exchange::qdc_export,
            commands::exchange::qdc_import,
            commands::exchange::theme_table_export,
            commands::exchange::codebook_export,
            commands::exchange::codebook_import,
            commands::sources::sources_list,
            commands::sources::source_text,
            commands::sources::cases_list,
            commands::sources::attributes_list,
            commands::sources::case_set_attribute,
            commands::search::search,
            commands::search::index_status,
            commands::search::index_rebuild,
            commands::search::task_cancel,
            commands::codebook::codes_list,
            commands::codebook::code_create,
            commands::codebook::code_update,
            commands::codebook::code_move,
            commands::codebook::code_merge,
            commands::codebook::code_delete,
            commands::codebook::code_counts,
            commands::coding::coders_list,
            commands::coding::coder_add,
            commands::coding::phase_set,
            commands::coding::codings_list,
            commands::coding::coding_apply,
            commands::coding::coding_apply_units,
            commands::coding::coding_update,
            commands::coding::coding_remove,
            commands::coding::coding_undo,
            commands::coding::coding_redo,
            commands::coding::undo_state,
            commands::coding::span_at,
            commands::coding::span_snap,
            commands::reconcile::reconcile_start,
            commands::reconcile::discrepancies,
            commands::reconcile::discrepancy_view,
            commands::reconcile::decide,
            commands::reconcile::decision_undo,
            commands::reconcile::consensus_list,
            commands::reconcile::audit_log,
            commands::themes::theme_board,
            commands::themes::theme_create,
            commands::themes::theme_update,
            commands::themes::theme_move,
            commands::themes::theme_delete,
            commands::themes::theme_set_attribute,
            commands::themes::theme_assign_code,
            commands::themes::theme_passages,
            commands::themes::quote_star,
            commands::themes::quote_edit,
            commands::themes::quote_move,
            commands::themes::theme_table,
        ])
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
