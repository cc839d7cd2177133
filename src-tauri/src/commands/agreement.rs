//! Inter-coder agreement and its report files.

use std::path::Path;

use accord_engine::agreement::{AgreementOptions, AgreementReport, ReportFormat, write_reports};
use tauri::AppHandle;

use crate::error::CommandResult;
use crate::state::with_project;

/// The agreement report of the chosen coders.
#[tauri::command]
pub async fn agreement(
    app: AppHandle,
    options: AgreementOptions,
) -> CommandResult<AgreementReport> {
    with_project(&app, move |p| p.agreement(&options)).await
}

/// Each coder compared with the consensus.
#[tauri::command]
pub async fn agreement_consensus(
    app: AppHandle,
    options: AgreementOptions,
) -> CommandResult<Vec<AgreementReport>> {
    with_project(&app, move |p| p.agreement_with_consensus(&options)).await
}

/// Writes the report as Markdown, HTML or CSV.
#[tauri::command]
pub async fn agreement_export(
    app: AppHandle,
    options: AgreementOptions,
    format: ReportFormat,
    path: String,
) -> CommandResult<()> {
    with_project(&app, move |p| {
        let report = p.agreement(&options)?;
        write_reports(&[report], format, Path::new(&path))
    })
    .await
}
