//! `accord`: the command-line face of Accord's engine.
//!
//! Every subcommand is one or a few engine calls; output is human-readable
//! text by default and the engine's own types as JSON with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_engine::Project;
use clap::{Parser, Subcommand};

mod exchange;
mod export;

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "Qualitative coding with two coders, agreement and themes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new, empty project file.
    New {
        /// The project file to create (conventionally `*.accord`).
        file: PathBuf,
    },
    /// Show a project's format version and counts.
    Info {
        /// The project file.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// REFI-QDA projects (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder: export, import.
    Qdpx {
        #[command(subcommand)]
        command: exchange::QdpxCommand,
    },
    /// REFI-QDA codebooks (.qdc): export, import.
    Qdc {
        #[command(subcommand)]
        command: exchange::QdcCommand,
    },
    // --- export (crates/cli/src/export.rs) ---
    /// Theme tables: export as Word, Excel, CSV, Markdown or HTML.
    Themes {
        #[command(subcommand)]
        command: export::ThemesCommand,
    },
    /// The codebook: export as CSV, Markdown or Word; import from CSV.
    Codebook {
        #[command(subcommand)]
        command: export::CodebookCommand,
    },
    // --- end export ---
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ACCORD_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("accord: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::New { file } => {
            let project = Project::create(&file)?;
            println!("created {}", project.path().display());
        }
        Command::Info { file, json } => {
            let project = Project::open(&file)?;
            let info = project.info()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                println!("project         {}", info.name);
                println!("file            {}", info.path.display());
                println!("format version  {}", info.schema_version);
                println!("phase           {}", info.phase.as_str());
                println!("sources         {}", info.sources);
                println!("units           {}", info.units);
                println!("cases           {}", info.cases);
                println!("coders          {}", info.coders);
                println!("codes           {}", info.codes);
                println!("codings         {}", info.codings);
            }
        }
        Command::Qdpx { command } => exchange::run_qdpx(command)?,
        Command::Qdc { command } => exchange::run_qdc(command)?,
        // --- export (crates/cli/src/export.rs) ---
        Command::Themes { command } => export::themes(command)?,
        Command::Codebook { command } => export::codebook(command)?,
        // --- end export ---
    }
    Ok(())
}
