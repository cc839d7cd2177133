//! Coders, phases and coding on behalf of a coder.

use accord_engine::{
    CodeId, Coder, CoderId, Coding, CodingChange, CodingFilter, CodingId, Phase, SourceId,
    SpanKind, UndoState, UnitId,
};
use tauri::AppHandle;

use crate::error::CommandResult;
use crate::state::with_project;

/// The project's coders.
#[tauri::command]
pub async fn coders_list(app: AppHandle) -> CommandResult<Vec<Coder>> {
    with_project(&app, |p| p.coders()).await
}

/// Adds a coder.
#[tauri::command]
pub async fn coder_add(app: AppHandle, name: String) -> CommandResult<Coder> {
    with_project(&app, move |p| p.add_coder(&name)).await
}

/// Moves the project to another phase.
#[tauri::command]
pub async fn phase_set(app: AppHandle, phase: Phase) -> CommandResult<()> {
    with_project(&app, move |p| p.set_phase(phase)).await
}

/// The coder's codings.
#[tauri::command]
pub async fn codings_list(
    app: AppHandle,
    coder: CoderId,
    filter: CodingFilter,
) -> CommandResult<Vec<Coding>> {
    with_project(&app, move |p| p.codings(coder, &filter)).await
}

/// Applies codes to a span, snapping to whole words.
#[tauri::command]
pub async fn coding_apply(
    app: AppHandle,
    coder: CoderId,
    source: SourceId,
    start: i64,
    end: i64,
    codes: Vec<CodeId>,
) -> CommandResult<Vec<Coding>> {
    with_project(&app, move |p| {
        p.apply_codes(coder, source, start, end, &codes, true)
    })
    .await
}

/// Codes whole units (e.g. search hits) with one code.
#[tauri::command]
pub async fn coding_apply_units(
    app: AppHandle,
    coder: CoderId,
    code: CodeId,
    units: Vec<UnitId>,
) -> CommandResult<Vec<Coding>> {
    with_project(&app, move |p| p.apply_code_to_units(coder, code, &units)).await
}

/// Changes one of the coder's codings.
#[tauri::command]
pub async fn coding_update(
    app: AppHandle,
    coder: CoderId,
    coding: CodingId,
    change: CodingChange,
) -> CommandResult<Coding> {
    with_project(&app, move |p| p.update_coding(coder, coding, &change)).await
}

/// Removes one of the coder's codings.
#[tauri::command]
pub async fn coding_remove(app: AppHandle, coder: CoderId, coding: CodingId) -> CommandResult<()> {
    with_project(&app, move |p| p.remove_coding(coder, coding)).await
}

/// Takes back the coder's last coding action.
#[tauri::command]
pub async fn coding_undo(app: AppHandle, coder: CoderId) -> CommandResult<Option<String>> {
    with_project(&app, move |p| p.undo(coder)).await
}

/// Does again the coder's last undone action.
#[tauri::command]
pub async fn coding_redo(app: AppHandle, coder: CoderId) -> CommandResult<Option<String>> {
    with_project(&app, move |p| p.redo(coder)).await
}

/// What undo and redo would do.
#[tauri::command]
pub async fn undo_state(app: AppHandle, coder: CoderId) -> CommandResult<UndoState> {
    with_project(&app, move |p| Ok(p.undo_state(coder))).await
}

/// The sentence or unit around a position.
#[tauri::command]
pub async fn span_at(
    app: AppHandle,
    source: SourceId,
    at: i64,
    kind: SpanKind,
) -> CommandResult<(i64, i64)> {
    with_project(&app, move |p| p.span_at(source, at, kind)).await
}

/// A span widened to whole words (for moving a coding's boundaries to a selection).
#[tauri::command]
pub async fn span_snap(
    app: AppHandle,
    source: SourceId,
    start: i64,
    end: i64,
) -> CommandResult<(i64, i64)> {
    with_project(&app, move |p| p.snap_span(source, start, end)).await
}
