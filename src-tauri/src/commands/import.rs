//! Importing files: a preview of each file, then the batch with progress.

use accord_engine::import::survey::SurveyPreview;
use accord_engine::import::{Detected, ImportReport, ImportRequest};
use accord_engine::{Cancel, Progress, SourceId};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::error::CommandResult;
use crate::state::{AppState, blocking, with_project};

/// What the import screen shows of a file before importing it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct FilePreview {
    /// The path as given.
    pub path: String,
    /// The file name.
    pub file: String,
    /// Size in bytes.
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes: u64,
    /// The parser that applies, or `None` when the file cannot be imported.
    pub detected: Option<Detected>,
    /// For surveys, the columns with detected types.
    pub survey: Option<SurveyPreview>,
    /// For transcripts, the speakers in order of first turn (to mark moderators).
    pub speakers: Vec<String>,
    /// Why the file cannot be imported, naming the place.
    pub error: Option<String>,
}

/// Reads each file and says what it would become.
#[tauri::command]
pub async fn import_preview(app: AppHandle, paths: Vec<String>) -> CommandResult<Vec<FilePreview>> {
    blocking(&app, move |_| {
        Ok(paths.iter().map(|p| preview_one(p)).collect())
    })
    .await
}

fn preview_one(path: &str) -> FilePreview {
    let p = std::path::Path::new(path);
    let file = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned());
    let bytes = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut preview = FilePreview {
        path: path.to_owned(),
        file: file.clone(),
        bytes,
        detected: None,
        survey: None,
        speakers: Vec::new(),
        error: None,
    };
    let result = (|| -> accord_engine::Result<()> {
        let data = accord_engine::import::read_for_import(p)?;
        let detected = accord_engine::import::detect(&file, &data)?;
        preview.detected = Some(detected);
        match detected.kind {
            accord_engine::import::SourceKind::Survey => {
                preview.survey = Some(accord_engine::import::survey::preview(&file, &data)?);
            }
            accord_engine::import::SourceKind::Transcript => {
                let parsed =
                    accord_engine::import::parse_file(&file, &data, &ImportRequest::new(path))?;
                preview.speakers = parsed.cases.into_iter().map(|c| c.name).collect();
            }
            accord_engine::import::SourceKind::Notes => {}
        }
        Ok(())
    })();
    if let Err(e) = result {
        preview.error = Some(e.to_string());
    }
    preview
}

/// A survey preview of another sheet of a workbook.
#[tauri::command]
pub async fn import_preview_sheet(
    app: AppHandle,
    path: String,
    sheet: String,
) -> CommandResult<SurveyPreview> {
    blocking(&app, move |_| {
        let p = std::path::Path::new(&path);
        let file = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data = accord_engine::import::read_for_import(p)?;
        Ok(accord_engine::import::survey::preview_sheet(
            &file,
            &data,
            Some(&sheet),
        )?)
    })
    .await
}

/// Imports a batch, streaming progress; cancellable as task `task`.
#[tauri::command]
pub async fn import_files(
    app: AppHandle,
    task: String,
    requests: Vec<ImportRequest>,
    on_progress: Channel<Progress>,
) -> CommandResult<ImportReport> {
    let flag = app.state::<AppState>().start_task(&task);
    let cancel = Cancel::from_flag(flag);
    let result = with_project(&app, move |p| {
        p.import_files(
            &requests,
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

/// Removes a source that nobody has coded.
#[tauri::command]
pub async fn source_remove(app: AppHandle, source: SourceId) -> CommandResult<()> {
    with_project(&app, move |p| p.remove_source(source)).await
}
