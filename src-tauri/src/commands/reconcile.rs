//! Reconciliation: discrepancies, decisions, the consensus layer.

use accord_engine::{
    AuditEntry, CoderId, CoderPair, CodingFilter, ConsensusCoding, Decision, DecisionRequest,
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

/// Records a decision. With `coder`, the decision and its log entry name
/// that coder (the investigator at the keyboard) instead of the system user.
#[tauri::command]
pub async fn decide(
    app: AppHandle,
    key: String,
    request: DecisionRequest,
    coder: Option<CoderId>,
) -> CommandResult<Decision> {
    with_project(&app, move |p| {
        let name = match coder {
            Some(id) => p.coders()?.into_iter().find(|c| c.id == id).map(|c| c.name),
            None => None,
        };
        let Some(name) = name else {
            return p.decide(&key, &request);
        };
        let before = p.actor().to_owned();
        p.set_actor(name);
        let decided = p.decide(&key, &request);
        p.set_actor(before);
        decided
    })
    .await
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
