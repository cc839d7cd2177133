//! `accord qdpx …` and `accord qdc …`: REFI-QDA exchange with NVivo,
//! ATLAS.ti, MAXQDA, QualCoder and other programs.
//!
//! Each command is one engine call; what it prints is the engine's
//! [`ExchangeReport`]: what was written, what the format (or Accord) could
//! not carry, and what looked wrong in the file.

use std::path::PathBuf;

use accord_engine::{ExchangeAction, ExchangeCounts, ExchangeReport, Project};
use clap::Subcommand;

/// `accord qdpx …`
#[derive(Subcommand)]
pub enum QdpxCommand {
    /// Write a whole project as a REFI-QDA project (.qdpx) for other programs.
    Export {
        /// The project file.
        project: PathBuf,
        /// The .qdpx file to write (replaced if it exists).
        out: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read a REFI-QDA project (.qdpx, or a bare .qde) into a new project file.
    Import {
        /// The .qdpx or .qde file.
        input: PathBuf,
        /// The project file to create; it must not exist.
        new_project: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `accord qdc …`
#[derive(Subcommand)]
pub enum QdcCommand {
    /// Write the codebook as a REFI-QDA codebook (.qdc).
    Export {
        /// The project file.
        project: PathBuf,
        /// The .qdc file to write (replaced if it exists).
        out: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add the codes of a REFI-QDA codebook (.qdc); codes already there are updated.
    Import {
        /// The project file.
        project: PathBuf,
        /// The .qdc file.
        input: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `accord qdpx …`.
pub fn run_qdpx(command: QdpxCommand) -> anyhow::Result<()> {
    match command {
        QdpxCommand::Export { project, out, json } => {
            let report = Project::open(&project)?.export_qdpx(&out)?;
            print_report(&report, json)
        }
        QdpxCommand::Import {
            input,
            new_project,
            json,
        } => {
            let (_, report) = Project::import_qdpx(&input, &new_project)?;
            if !json {
                say!("created {}", new_project.display());
            }
            print_report(&report, json)
        }
    }
}

/// Runs `accord qdc …`.
pub fn run_qdc(command: QdcCommand) -> anyhow::Result<()> {
    match command {
        QdcCommand::Export { project, out, json } => {
            let report = Project::open(&project)?.export_qdc(&out)?;
            print_report(&report, json)
        }
        QdcCommand::Import {
            project,
            input,
            json,
        } => {
            let report = Project::open(&project)?.import_qdc(&input)?;
            print_report(&report, json)
        }
    }
}

fn counts(c: &ExchangeCounts) -> String {
    let mut parts = Vec::new();
    let mut add = |n: i64, one: &str, many: &str| {
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    };
    add(c.sources, "source", "sources");
    add(c.units, "unit", "units");
    add(c.codes, "code", "codes");
    add(c.coders, "coder", "coders");
    add(c.codings, "coding", "codings");
    add(c.consensus_codings, "consensus coding", "consensus codings");
    add(c.cases, "case", "cases");
    add(c.attributes, "attribute", "attributes");
    add(c.attribute_values, "attribute value", "attribute values");
    add(c.memos, "memo", "memos");
    if parts.is_empty() {
        "nothing".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Prints an exchange report for people, or as JSON. Also for `accord merge`
/// of a `.qdpx` (see [`Project::merge_qdpx`]).
pub fn print_report(report: &ExchangeReport, json: bool) -> anyhow::Result<()> {
    if json {
        say!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    let file = report.file.display();
    let (done, written_label, matched_label) = match report.action {
        ExchangeAction::ExportQdpx => (format!("exported to {file}"), "written", ""),
        ExchangeAction::ExportQdc => (format!("codebook exported to {file}"), "written", ""),
        ExchangeAction::ImportQdpx => (format!("imported {file}"), "imported", ""),
        ExchangeAction::MergeQdpx => (format!("merged {file}"), "added", "already present"),
        ExchangeAction::ImportQdc => (format!("codebook imported from {file}"), "added", "updated"),
    };
    say!("{done}");
    if let Some(origin) = &report.origin {
        say!("written by      {origin}");
    }
    say!("{written_label:<15} {}", counts(&report.written));
    if !matched_label.is_empty() {
        say!("{matched_label:<15} {}", counts(&report.matched));
    }
    if !report.not_carried.is_empty() {
        say!("not carried:");
        for n in &report.not_carried {
            say!("  - {n}");
        }
    }
    if !report.warnings.is_empty() {
        say!("warnings:");
        for w in &report.warnings {
            say!("  - {w}");
        }
    }
    Ok(())
}
