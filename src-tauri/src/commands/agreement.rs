//! Inter-coder agreement and its report files.

use std::io::Write;
use std::path::Path;

use accord_engine::agreement::{AgreementOptions, AgreementReport, ReportFormat};
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
        let mut bytes = Vec::new();
        if format == ReportFormat::Csv {
            // Excel reads CSV without a byte-order mark in the legacy code
            // page, as every other CSV export of Accord knows.
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        bytes.extend_from_slice(report.render(format).as_bytes());
        write_whole(Path::new(&path), &bytes)
    })
    .await
}

/// Writes `bytes` beside `path` and renames the file over it, so a failed
/// export never leaves half a report where the user asked for one.
fn write_whole(path: &Path, bytes: &[u8]) -> accord_engine::Result<()> {
    let io = |e: std::io::Error| accord_engine::Error::io(path, e);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_owned());
    let temp = path.with_file_name(format!(".{name}.accord-export.tmp"));
    let written = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_report_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agreement.md");
        std::fs::write(&path, "old").unwrap();
        write_whole(&path, b"# Inter-coder agreement\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# Inter-coder agreement\n"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left beside the report");
    }

    #[test]
    fn a_report_into_a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no such folder").join("agreement.csv");
        assert!(
            write_whole(&path, b"x").is_err(),
            "the folder does not exist"
        );
        assert!(!path.exists());
    }
}
