//! The codebook.

use accord_engine::{Code, CodeCount, CodeFields, CodeId, CodeMergeSummary, CoderId};
use tauri::AppHandle;

use crate::error::CommandResult;
use crate::state::with_project;

/// Every code in tree order.
#[tauri::command]
pub async fn codes_list(app: AppHandle) -> CommandResult<Vec<Code>> {
    with_project(&app, |p| p.codes()).await
}

/// Adds a code.
#[tauri::command]
pub async fn code_create(
    app: AppHandle,
    parent: Option<CodeId>,
    fields: CodeFields,
) -> CommandResult<Code> {
    with_project(&app, move |p| p.create_code(parent, &fields)).await
}

/// Edits a code.
#[tauri::command]
pub async fn code_update(app: AppHandle, code: CodeId, fields: CodeFields) -> CommandResult<Code> {
    with_project(&app, move |p| p.update_code(code, &fields)).await
}

/// Moves or reorders a code.
#[tauri::command]
pub async fn code_move(
    app: AppHandle,
    code: CodeId,
    parent: Option<CodeId>,
    index: usize,
) -> CommandResult<()> {
    with_project(&app, move |p| p.move_code(code, parent, index)).await
}

/// Merges one code into another.
#[tauri::command]
pub async fn code_merge(
    app: AppHandle,
    from: CodeId,
    into: CodeId,
) -> CommandResult<CodeMergeSummary> {
    with_project(&app, move |p| p.merge_codes(from, into)).await
}

/// Deletes a code with its sub-codes and codings.
#[tauri::command]
pub async fn code_delete(app: AppHandle, code: CodeId) -> CommandResult<()> {
    with_project(&app, move |p| p.delete_code(code)).await
}

/// Per-code counts for one coder.
#[tauri::command]
pub async fn code_counts(app: AppHandle, coder: CoderId) -> CommandResult<Vec<CodeCount>> {
    with_project(&app, move |p| p.code_counts(coder)).await
}
