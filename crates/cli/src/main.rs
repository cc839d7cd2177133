//! `accord`: the command-line face of Accord's engine.
//!
//! Every subcommand is one or a few engine calls; output is human-readable
//! text by default and the engine's own types as JSON with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_engine::Project;
use clap::{Parser, Subcommand};

/// Prints to standard output like `println!`, through [`out`].
macro_rules! say {
    ($($arg:tt)*) => { $crate::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Writes to standard output. Output piped into a program that stops
/// reading (`accord cases study.accord | head`) ends `accord` quietly, as
/// with other Unix tools, instead of the panic `println!` gives; writes
/// happen only after the engine's transactions have committed.
pub(crate) fn out(args: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("accord: cannot write the output: {e}");
        std::process::exit(1);
    }
}

mod exchange;
mod export;
mod work;

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
    /// Import surveys (CSV, XLSX), interview notes (TXT, MD, DOCX) and transcripts (VTT, SRT, TXT, DOCX).
    Import {
        /// The project file.
        project: PathBuf,
        /// The files to import; each imports whole or not at all.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// An attribute for every case of these files, e.g. --attr role=mentor (repeatable).
        #[arg(long = "attr", value_name = "KEY=VALUE")]
        attrs: Vec<String>,
        /// For interview notes: the interviewee (case) the paragraphs belong to.
        #[arg(long)]
        case: Option<String>,
        /// For transcripts: a speaker who moderated (repeatable).
        #[arg(long = "moderator")]
        moderators: Vec<String>,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the sources: id, kind, title, length in code points, units, cases.
    Sources {
        /// The project file.
        project: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the cases with their attributes.
    Cases {
        /// The project file.
        project: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search: words, "phrases", AND/OR/NOT, prefix*, fuzzy~.
    Search {
        /// The project file.
        project: PathBuf,
        /// The query.
        query: String,
        /// Only cases with this attribute value, e.g. --attr role=mentor (repeatable).
        #[arg(long = "attr", value_name = "KEY=VALUE")]
        attrs: Vec<String>,
        /// Only sources of this kind: survey, notes or transcript (repeatable).
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// The coder the search is made for (needed with --code).
        #[arg(long = "as", value_name = "CODER")]
        coder: Option<String>,
        /// Only units the coder coded with this code.
        #[arg(long)]
        code: Option<String>,
        /// At most this many hits.
        #[arg(long)]
        limit: Option<usize>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Build the demo study (a synthetic mentorship-program evaluation) into a new file.
    Demo {
        /// The project file to create.
        file: PathBuf,
    },
    /// Coders: add.
    Coder {
        #[command(subcommand)]
        command: CoderCommand,
    },
    /// Apply codes to a span of a source, on behalf of a coder.
    Code {
        /// The project file.
        project: PathBuf,
        /// The coder acting.
        #[arg(long = "as", value_name = "CODER")]
        coder: String,
        /// The source: its id or title.
        #[arg(long)]
        source: String,
        /// First code point of the span.
        #[arg(long)]
        start: i64,
        /// One past the last code point.
        #[arg(long)]
        end: i64,
        /// The code (name or path "Parent/Child"); repeatable.
        #[arg(long = "code", required = true)]
        codes: Vec<String>,
        /// A memo on the coding.
        #[arg(long)]
        memo: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a coder's codings (or, after independent coding, the consensus).
    Codings {
        /// The project file.
        project: PathBuf,
        /// The coder whose codings to list.
        #[arg(long = "as", value_name = "CODER")]
        coder: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Move the project to the next phase: independent, reconciliation, themes.
    Phase {
        /// The project file.
        project: PathBuf,
        /// setup, independent, reconciliation or themes.
        phase: String,
    },
    /// Bring in a coder's copy (.accord) or another program's coding (.qdpx).
    Merge {
        /// The project file.
        project: PathBuf,
        /// The coder's copy of the project, or a .qdpx file.
        copy: PathBuf,
        /// Merge only this coder's work from the copy.
        #[arg(long)]
        coder: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Inter-coder agreement: percent, Cohen's kappa, Krippendorff's alpha, segment matching.
    Agreement {
        /// The project file.
        project: PathBuf,
        /// Unit of analysis: source, unit, sentence or character.
        #[arg(long, default_value = "unit")]
        unit: String,
        /// The coders to compare, comma-separated (default: the project's two coders).
        #[arg(long)]
        coders: Option<String>,
        /// Count only units that at least one coder coded.
        #[arg(long)]
        coded_only: bool,
        /// Segment matching: least overlap ÷ union for two codings to match.
        #[arg(long, default_value_t = 0.9)]
        threshold: f64,
        /// Compare each coder with the consensus instead.
        #[arg(long)]
        consensus: bool,
        /// Write the report to a .md, .html or .csv file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print JSON.
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

#[derive(Subcommand)]
enum CoderCommand {
    /// Add a named coder to the project.
    Add {
        /// The project file.
        project: PathBuf,
        /// The coder's name.
        name: String,
    },
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
            say!("created {}", project.path().display());
        }
        Command::Info { file, json } => {
            let project = Project::open(&file)?;
            let info = project.info()?;
            if json {
                say!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                say!("project         {}", info.name);
                say!("file            {}", info.path.display());
                say!("format version  {}", info.schema_version);
                say!("phase           {}", info.phase.as_str());
                say!("sources         {}", info.sources);
                say!("units           {}", info.units);
                say!("cases           {}", info.cases);
                say!("coders          {}", info.coders);
                say!("codes           {}", info.codes);
                say!("codings         {}", info.codings);
            }
        }
        Command::Import {
            project,
            files,
            attrs,
            case,
            moderators,
            json,
        } => work::import(&project, &files, &attrs, case, moderators, json)?,
        Command::Sources { project, json } => work::sources(&project, json)?,
        Command::Cases { project, json } => work::cases(&project, json)?,
        Command::Search {
            project,
            query,
            attrs,
            kinds,
            coder,
            code,
            limit,
            json,
        } => work::search(&project, query, &attrs, &kinds, coder, code, limit, json)?,
        Command::Demo { file } => work::demo(&file)?,
        Command::Coder {
            command: CoderCommand::Add { project, name },
        } => work::coder_add(&project, &name)?,
        Command::Code {
            project,
            coder,
            source,
            start,
            end,
            codes,
            memo,
            json,
        } => work::code(&project, &coder, &source, start, end, &codes, memo, json)?,
        Command::Codings {
            project,
            coder,
            json,
        } => work::codings(&project, coder, json)?,
        Command::Phase { project, phase } => work::phase(&project, &phase)?,
        Command::Merge {
            project,
            copy,
            coder,
            json,
        } => work::merge(&project, &copy, coder, json)?,
        Command::Agreement {
            project,
            unit,
            coders,
            coded_only,
            threshold,
            consensus,
            out,
            json,
        } => work::agreement(
            &project, &unit, coders, coded_only, threshold, consensus, out, json,
        )?,
        Command::Qdpx { command } => exchange::run_qdpx(command)?,
        Command::Qdc { command } => exchange::run_qdc(command)?,
        // --- export (crates/cli/src/export.rs) ---
        Command::Themes { command } => export::themes(command)?,
        Command::Codebook { command } => export::codebook(command)?,
        // --- end export ---
    }
    Ok(())
}
