//! Themes, quotes and the theme table.

use accord_engine::{
    CodeId, Passage, Quote, Theme, ThemeBoard, ThemeFields, ThemeId, ThemeTable, ThemeTableOptions,
};
use tauri::AppHandle;

use crate::error::CommandResult;
use crate::state::with_project;

/// The themes board with counts.
#[tauri::command]
pub async fn theme_board(app: AppHandle, group_by: Option<String>) -> CommandResult<ThemeBoard> {
    with_project(&app, move |p| p.theme_board(group_by.as_deref())).await
}

/// Adds a theme.
#[tauri::command]
pub async fn theme_create(
    app: AppHandle,
    parent: Option<ThemeId>,
    fields: ThemeFields,
) -> CommandResult<Theme> {
    with_project(&app, move |p| p.create_theme(parent, &fields)).await
}

/// Edits a theme.
#[tauri::command]
pub async fn theme_update(
    app: AppHandle,
    theme: ThemeId,
    fields: ThemeFields,
) -> CommandResult<Theme> {
    with_project(&app, move |p| p.update_theme(theme, &fields)).await
}

/// Moves, reorders or nests a theme.
#[tauri::command]
pub async fn theme_move(
    app: AppHandle,
    theme: ThemeId,
    parent: Option<ThemeId>,
    index: usize,
) -> CommandResult<()> {
    with_project(&app, move |p| p.move_theme(theme, parent, index)).await
}

/// Deletes a theme.
#[tauri::command]
pub async fn theme_delete(app: AppHandle, theme: ThemeId) -> CommandResult<()> {
    with_project(&app, move |p| p.delete_theme(theme)).await
}

/// Sets or clears a theme attribute.
#[tauri::command]
pub async fn theme_set_attribute(
    app: AppHandle,
    theme: ThemeId,
    name: String,
    value: Option<String>,
) -> CommandResult<()> {
    with_project(&app, move |p| {
        p.set_theme_attribute(theme, &name, value.as_deref())
    })
    .await
}

/// Puts a code into a theme (or out of themes).
#[tauri::command]
pub async fn theme_assign_code(
    app: AppHandle,
    code: CodeId,
    theme: Option<ThemeId>,
    index: usize,
) -> CommandResult<()> {
    with_project(&app, move |p| p.assign_code(code, theme, index)).await
}

/// A theme's consensus passages.
#[tauri::command]
pub async fn theme_passages(
    app: AppHandle,
    theme: ThemeId,
    attribute: Option<String>,
    value: Option<String>,
) -> CommandResult<Vec<Passage>> {
    with_project(&app, move |p| {
        let only = attribute.as_deref().zip(value.as_deref());
        p.theme_passages(theme, only)
    })
    .await
}

/// Stars or un-stars a passage as a quote.
#[tauri::command]
pub async fn quote_star(
    app: AppHandle,
    theme: ThemeId,
    consensus: i64,
    starred: bool,
) -> CommandResult<Quote> {
    with_project(&app, move |p| p.star_passage(theme, consensus, starred)).await
}

/// Stores an edited version of a quote.
#[tauri::command]
pub async fn quote_edit(
    app: AppHandle,
    quote: i64,
    edited: Option<String>,
) -> CommandResult<Quote> {
    with_project(&app, move |p| p.edit_quote(quote, edited.as_deref())).await
}

/// Reorders a starred quote.
#[tauri::command]
pub async fn quote_move(app: AppHandle, quote: i64, index: usize) -> CommandResult<()> {
    with_project(&app, move |p| p.move_quote(quote, index)).await
}

/// The theme table, for the preview.
#[tauri::command]
pub async fn theme_table(app: AppHandle, options: ThemeTableOptions) -> CommandResult<ThemeTable> {
    with_project(&app, move |p| p.theme_table(&options)).await
}
