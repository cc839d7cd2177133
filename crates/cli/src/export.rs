//! `accord themes export`, `accord codebook export` and `accord codebook import`.
//!
//! Each command builds its options from the flags, makes one or two engine
//! calls and prints a one-line summary.

use std::path::{Path, PathBuf};

use accord_engine::{
    CodebookCounts, CodebookFormat, Project, QuoteSelection, TableFormat, ThemeTableOptions,
    write_theme_table,
};
use anyhow::Context;
use clap::{Args, Subcommand};

/// `accord themes …`
#[derive(Subcommand)]
pub enum ThemesCommand {
    /// Write the theme table (Theme | Description of theme | Representative quotes)
    /// as Word, Excel, CSV, Markdown or HTML.
    Export(ThemesExport),
}

/// The flags of `accord themes export`.
#[derive(Args)]
pub struct ThemesExport {
    /// The project file.
    project: PathBuf,
    /// docx, xlsx, csv, md or html (default: from the extension of --out).
    #[arg(long)]
    format: Option<String>,
    /// The file to write; an existing file is replaced once the new one is complete.
    #[arg(long)]
    out: PathBuf,
    /// Group rows by this case attribute, e.g. "role" (Mentee response, Mentor response).
    #[arg(long, value_name = "ATTRIBUTE")]
    group_by: Option<String>,
    /// Then split them by this theme attribute, e.g. "influence" (positive, negative).
    #[arg(long, value_name = "THEME_ATTRIBUTE")]
    split_by: Option<String>,
    /// Which quotes: "starred", "all" (every consensus passage) or N (at most N starred per row).
    #[arg(long, default_value = "starred", value_parser = parse_quotes)]
    quotes: QuoteSelection,
    /// Add a column with passage, source and case counts.
    #[arg(long)]
    counts: bool,
    /// Print each quote's source and case after it.
    #[arg(long)]
    sources: bool,
    /// A title above the table, e.g. "Table 1. Themes and representative quotes".
    #[arg(long)]
    title: Option<String>,
}

/// `accord codebook …`
#[derive(Subcommand)]
pub enum CodebookCommand {
    /// Write the codebook (definitions, optionally usage counts) as CSV, Markdown or Word.
    Export(CodebookExport),
    /// Add or update codes from a CSV file whose first row names the columns
    /// (name, parent, description, inclusion, exclusion, example, color).
    Import {
        /// The project file.
        project: PathBuf,
        /// The CSV file.
        file: PathBuf,
    },
}

/// The flags of `accord codebook export`.
#[derive(Args)]
pub struct CodebookExport {
    /// The project file.
    project: PathBuf,
    /// The file to write.
    file: PathBuf,
    /// csv, md or docx (default: from the file's extension).
    #[arg(long)]
    format: Option<String>,
    /// Add this coder's own counts (allowed during independent coding).
    #[arg(long = "as", value_name = "CODER", group = "counts")]
    coder: Option<String>,
    /// Add every coder's counts (not during independent coding).
    #[arg(long, group = "counts")]
    all_coders: bool,
    /// Add consensus counts (not during independent coding).
    #[arg(long, group = "counts")]
    consensus: bool,
}

fn parse_quotes(s: &str) -> Result<QuoteSelection, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "starred" => Ok(QuoteSelection::Starred),
        "all" => Ok(QuoteSelection::All),
        n => n
            .parse::<usize>()
            .map(QuoteSelection::Top)
            .map_err(|_| format!("\"{s}\" is not starred, all or a number")),
    }
}

fn table_format(flag: Option<&str>, out: &Path) -> anyhow::Result<TableFormat> {
    match flag {
        Some(f) => TableFormat::from_extension(f)
            .with_context(|| format!("unknown format \"{f}\"; use docx, xlsx, csv, md or html")),
        None => TableFormat::from_path(out).with_context(|| {
            format!(
                "cannot tell the format from \"{}\"; add --format docx|xlsx|csv|md|html",
                out.display()
            )
        }),
    }
}

fn codebook_format(flag: Option<&str>, file: &Path) -> anyhow::Result<CodebookFormat> {
    match flag {
        Some(f) => CodebookFormat::from_extension(f)
            .with_context(|| format!("unknown codebook format \"{f}\"; use csv, md or docx")),
        None => CodebookFormat::from_path(file).with_context(|| {
            format!(
                "cannot tell the format from \"{}\"; add --format csv|md|docx",
                file.display()
            )
        }),
    }
}

/// Runs `accord themes …`.
pub fn themes(command: ThemesCommand) -> anyhow::Result<()> {
    match command {
        ThemesCommand::Export(args) => {
            let format = table_format(args.format.as_deref(), &args.out)?;
            let project = Project::open(&args.project)?;
            let options = ThemeTableOptions {
                group_by: args.group_by,
                split_by: args.split_by,
                quotes: args.quotes,
                counts: args.counts,
                quote_sources: args.sources,
                ..Default::default()
            };
            let table = project.theme_table(&options)?;
            write_theme_table(&table, format, &args.out, args.title.as_deref())?;
            let rows: usize = table
                .groups
                .iter()
                .flat_map(|g| &g.sections)
                .map(|s| s.rows.len())
                .sum();
            let quotes: usize = table
                .groups
                .iter()
                .flat_map(|g| &g.sections)
                .flat_map(|s| &s.rows)
                .map(|r| r.quotes.len())
                .sum();
            say!(
                "wrote {}: {rows} theme row{}, {quotes} quote{}, {} group{}",
                args.out.display(),
                plural(rows),
                plural(quotes),
                table.groups.len(),
                plural(table.groups.len())
            );
        }
    }
    Ok(())
}

/// Runs `accord codebook …`.
pub fn codebook(command: CodebookCommand) -> anyhow::Result<()> {
    match command {
        CodebookCommand::Export(args) => {
            let format = codebook_format(args.format.as_deref(), &args.file)?;
            let project = Project::open(&args.project)?;
            let counts = match (&args.coder, args.all_coders, args.consensus) {
                (Some(name), _, _) => CodebookCounts::Coder(project.coder_by_name(name)?.id),
                (None, true, _) => CodebookCounts::Coders,
                (None, false, true) => CodebookCounts::Consensus,
                (None, false, false) => CodebookCounts::None,
            };
            project.export_codebook(&args.file, format, counts)?;
            let codes = project.codes()?.len();
            say!(
                "wrote {}: {codes} code{}",
                args.file.display(),
                plural(codes)
            );
        }
        CodebookCommand::Import { project, file } => {
            let mut project = Project::open(&project)?;
            let report = project.import_codebook_csv(&file)?;
            for w in &report.warnings {
                eprintln!("accord: warning: {}: {w}", file.display());
            }
            say!(
                "imported {}: {} created, {} updated, {} unchanged",
                file.display(),
                report.created,
                report.updated,
                report.unchanged
            );
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
