//! Full-text search and the index behind it.

use accord_engine::{Cancel, CoderId, IndexStatus, Progress, SearchQuery, SearchResults};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::error::CommandResult;
use crate::state::{AppState, with_project};

/// Searches units; a code filter acts on behalf of `coder`.
#[tauri::command]
pub async fn search(
    app: AppHandle,
    coder: Option<CoderId>,
    query: SearchQuery,
) -> CommandResult<SearchResults> {
    with_project(&app, move |p| p.search(coder, &query)).await
}

/// Whether the index must be rebuilt before searching.
#[tauri::command]
pub async fn index_status(app: AppHandle) -> CommandResult<IndexStatus> {
    with_project(&app, |p| p.index_status()).await
}

/// Rebuilds the index, streaming progress; cancellable as task `task`.
#[tauri::command]
pub async fn index_rebuild(
    app: AppHandle,
    task: String,
    on_progress: Channel<Progress>,
) -> CommandResult<()> {
    let flag = app.state::<AppState>().start_task(&task);
    let cancel = Cancel::from_flag(flag);
    let result = with_project(&app, move |p| {
        p.rebuild_index(
            &mut |progress| {
                let _ = on_progress.send(progress);
            },
            &cancel,
        )
    })
    .await;
    app.state::<AppState>().end_task(&task);
    result
}

/// Asks a running task (import, rebuild, export) to stop.
#[tauri::command]
pub async fn task_cancel(app: AppHandle, task: String) -> CommandResult<bool> {
    Ok(app.state::<AppState>().cancel_task(&task))
}
