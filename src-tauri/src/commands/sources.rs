//! Sources, units, cases and attributes.

use accord_engine::{Attribute, Case, CaseId, Source, SourceId, SourceText};
use tauri::AppHandle;

use crate::error::CommandResult;
use crate::state::with_project;

/// Every source.
#[tauri::command]
pub async fn sources_list(app: AppHandle) -> CommandResult<Vec<Source>> {
    with_project(&app, |p| p.sources()).await
}

/// A source's text and units.
#[tauri::command]
pub async fn source_text(app: AppHandle, source: SourceId) -> CommandResult<SourceText> {
    with_project(&app, move |p| p.source_text(source)).await
}

/// Every case with attributes.
#[tauri::command]
pub async fn cases_list(app: AppHandle) -> CommandResult<Vec<Case>> {
    with_project(&app, |p| p.cases()).await
}

/// Every attribute with the values that occur.
#[tauri::command]
pub async fn attributes_list(app: AppHandle) -> CommandResult<Vec<Attribute>> {
    with_project(&app, |p| p.attributes()).await
}

/// Sets or clears one attribute value of a case.
#[tauri::command]
pub async fn case_set_attribute(
    app: AppHandle,
    case: CaseId,
    attribute: String,
    value: Option<String>,
) -> CommandResult<()> {
    with_project(&app, move |p| {
        p.set_case_attribute(case, &attribute, value.as_deref())
    })
    .await
}
