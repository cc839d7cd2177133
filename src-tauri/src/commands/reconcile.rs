//! Reconciliation: discrepancies, decisions, the consensus layer.

use accord_engine::{
    AuditEntry, CoderPair, CodingFilter, ConsensusCoding, Decision, DecisionRequest,
    DiscrepancyFilter, DiscrepancyList, DiscrepancyView,
};
use tauri::AppHandle;

use crate::error::CommandResult;
use crate::state::with_project;

/// Starts reconciliation of two coders (the only two by default).
#[tauri::command]
pub async fn reconcile_start(app: AppHandle, pair: Option<CoderPair>) -> CommandResult<usize> {
    with_project(&app, move |p| p.start_reconciliation(pair)).await
}

/// The discrepancy list with progress.
#[tauri::command]
pub async fn discrepancies(
    app: AppHandle,
    filter: DiscrepancyFilter,
) -> CommandResult<DiscrepancyList> {
    with_project(&app, move |p| p.discrepancies(&filter)).await
}

/// The side-by-side view of a discrepancy.
#[tauri::command]
pub async fn discrepancy_view(app: AppHandle, key: String) -> CommandResult<DiscrepancyView> {
    with_project(&app, move |p| p.discrepancy_view(&key)).await
}

/// Records a decision.
#[tauri::command]
pub async fn decide(
    app: AppHandle,
    key: String,
    request: DecisionRequest,
) -> CommandResult<Decision> {
    with_project(&app, move |p| p.decide(&key, &request)).await
}

/// Undoes the decision on a discrepancy.
#[tauri::command]
pub async fn decision_undo(app: AppHandle, key: String) -> CommandResult<()> {
    with_project(&app, move |p| p.undo_decision(&key)).await
}

/// The consensus layer.
#[tauri::command]
pub async fn consensus_list(
    app: AppHandle,
    filter: CodingFilter,
) -> CommandResult<Vec<ConsensusCoding>> {
    with_project(&app, move |p| p.consensus(&filter)).await
}

/// The newest entries of the audit log.
#[tauri::command]
pub async fn audit_log(app: AppHandle, limit: usize) -> CommandResult<Vec<AuditEntry>> {
    with_project(&app, move |p| p.audit_log(limit)).await
}
