//! The everyday commands: import, list, search, code, merge, agreement.
//!
//! Each is one or a few engine calls. Commands that read codings take the
//! coder they act for (`--as`); the engine refuses the rest during
//! independent coding, so the CLI cannot see past the blind either.

use std::path::{Path, PathBuf};

use accord_engine::agreement::{
    AgreementOptions, AgreementReport, ReportFormat, UnitOfAnalysis, format_statistic,
};
use accord_engine::import::survey::FileAttribute;
use accord_engine::import::{FileStatus, ImportRequest};
use accord_engine::progress::{Cancel, Progress};
use accord_engine::search::SearchQuery;
use accord_engine::{CodingFilter, Phase, Project};
use anyhow::{Context, bail};
use serde::Serialize;

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    say!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn parse_pairs(pairs: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    pairs
        .iter()
        .map(|p| {
            let (k, v) = p.split_once('=').with_context(|| {
                format!("\"{p}\": write attributes as KEY=VALUE, e.g. role=mentor")
            })?;
            Ok((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

fn stderr_progress(p: Progress) {
    if p.files_total > 1 && p.files_done < p.files_total {
        eprintln!("[{}/{}] {}", p.files_done + 1, p.files_total, p.message);
    } else if p.files_total > 1 {
        eprintln!("{}", p.message);
    }
}

/// `accord import`.
pub fn import(
    project: &Path,
    files: &[PathBuf],
    attrs: &[String],
    case: Option<String>,
    moderators: Vec<String>,
    json: bool,
) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    let attributes: Vec<FileAttribute> = parse_pairs(attrs)?
        .into_iter()
        .map(|(name, value)| FileAttribute { name, value })
        .collect();
    let requests: Vec<ImportRequest> = files
        .iter()
        .map(|f| ImportRequest {
            path: f.to_string_lossy().into_owned(),
            attributes: attributes.clone(),
            case: case.clone(),
            moderators: moderators.clone(),
            ..ImportRequest::default()
        })
        .collect();
    let report = project.import_files(&requests, &mut stderr_progress, &Cancel::new())?;
    if json {
        print_json(&report)?;
    } else {
        for f in &report.files {
            let mark = match f.status {
                FileStatus::Imported => "imported ",
                FileStatus::Duplicate => "duplicate",
                FileStatus::Failed => "FAILED   ",
            };
            match f.status {
                FileStatus::Failed => say!("{mark} {}", f.message),
                _ => say!("{mark} {}: {}", f.file, f.message),
            }
            for w in &f.warnings {
                say!(
                    "          note: {}{}",
                    if w.place.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", w.place)
                    },
                    w.message
                );
            }
        }
    }
    let failed = report.count(FileStatus::Failed);
    if failed > 0 {
        bail!(
            "{failed} of {} files could not be imported; the others were",
            report.files.len()
        );
    }
    Ok(())
}

/// `accord sources`.
pub fn sources(project: &Path, json: bool) -> anyhow::Result<()> {
    let project = Project::open(project)?;
    let sources = project.sources()?;
    if json {
        return print_json(&sources);
    }
    say!(
        "{:>5}  {:<10}  {:>9}  {:>6}  {:>5}  title",
        "id",
        "kind",
        "length",
        "units",
        "cases"
    );
    for s in sources {
        say!(
            "{:>5}  {:<10}  {:>9}  {:>6}  {:>5}  {}",
            s.id.0,
            s.kind.as_str(),
            s.length,
            s.units,
            s.cases,
            s.title
        );
    }
    Ok(())
}

/// `accord cases`.
pub fn cases(project: &Path, json: bool) -> anyhow::Result<()> {
    let project = Project::open(project)?;
    let cases = project.cases()?;
    if json {
        return print_json(&cases);
    }
    for c in cases {
        let attrs: Vec<String> = c
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        say!(
            "{:<28} {:<12} {:>4} units  {}",
            c.name,
            c.role.as_str(),
            c.units,
            attrs.join("; ")
        );
    }
    Ok(())
}

/// `accord search`.
#[allow(clippy::too_many_arguments)]
pub fn search(
    project: &Path,
    query: String,
    attrs: &[String],
    kinds: &[String],
    coder: Option<String>,
    code: Option<String>,
    limit: Option<usize>,
    json: bool,
) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    let coder = coder.map(|c| project.coder_by_name(&c)).transpose()?;
    let code = code.map(|c| project.resolve_code(&c)).transpose()?;
    let kinds = kinds
        .iter()
        .map(|k| {
            accord_engine::import::SourceKind::parse(k)
                .with_context(|| format!("unknown kind \"{k}\"; use survey, notes or transcript"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let q = SearchQuery {
        text: query,
        kinds,
        attributes: parse_pairs(attrs)?,
        code: code.map(|c| c.id),
        limit,
        ..SearchQuery::default()
    };
    let results = project.search(coder.map(|c| c.id), &q)?;
    if json {
        return print_json(&results);
    }
    for w in &results.warnings {
        eprintln!("note: {w}");
    }
    say!(
        "{} units in {} sources ({} cases), {} matches",
        results.units,
        results.sources,
        results.cases,
        results.matches
    );
    for h in &results.hits {
        let who = h
            .case_name
            .as_deref()
            .or(h.speaker.as_deref())
            .unwrap_or("");
        say!(
            "\n{} · {} [{}..{}]",
            h.source_title,
            who,
            h.unit_start,
            h.unit_end
        );
        say!("  {}", h.snippet.replace('\n', " "));
    }
    Ok(())
}

/// `accord demo`.
pub fn demo(file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!(
            "{} exists; the demo study is built into a new file",
            file.display()
        );
    }
    let project = accord_engine::demo::create(file, &mut |_| {}, &Cancel::new())?;
    let info = project.info()?;
    say!(
        "built the demo study in {}: {} sources, {} cases, {} coders, {} codes, {} codings",
        file.display(),
        info.sources,
        info.cases,
        info.coders,
        info.codes,
        info.codings
    );
    Ok(())
}

/// `accord coder add`.
pub fn coder_add(project: &Path, name: &str) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    let coder = project.add_coder(name)?;
    say!("added coder {} (id {})", coder.name, coder.id.0);
    Ok(())
}

/// `accord code`.
#[allow(clippy::too_many_arguments)]
pub fn code(
    project: &Path,
    coder: &str,
    source: &str,
    start: i64,
    end: i64,
    codes: &[String],
    memo: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    let coder = project.coder_by_name(coder)?;
    let source = project.resolve_source(source)?;
    let code_ids = codes
        .iter()
        .map(|c| project.resolve_code(c).map(|c| c.id))
        .collect::<Result<Vec<_>, _>>()?;
    let mut applied = project.apply_codes(coder.id, source, start, end, &code_ids, false)?;
    if let Some(memo) = memo {
        for c in &mut applied {
            *c = project.update_coding(
                coder.id,
                c.id,
                &accord_engine::CodingChange {
                    memo: Some(memo.clone()),
                    ..Default::default()
                },
            )?;
        }
    }
    if json {
        return print_json(&applied);
    }
    for c in applied {
        say!(
            "coded {}..{} in source {} with code {} (coding {})",
            c.start,
            c.end,
            c.source.0,
            c.code.0,
            c.id.0
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct CodingRow {
    id: i64,
    coder: String,
    source: i64,
    source_title: String,
    code: String,
    start: i64,
    end: i64,
    text: String,
    memo: String,
}

/// `accord codings`.
pub fn codings(project: &Path, coder: Option<String>, json: bool) -> anyhow::Result<()> {
    let project = Project::open(project)?;
    let titles: std::collections::HashMap<_, _> = project
        .sources()?
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect();
    let codes: std::collections::HashMap<_, _> = project
        .codes()?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let rows: Vec<CodingRow> = match coder {
        Some(name) => {
            let coder = project.coder_by_name(&name)?;
            let list = project.codings(coder.id, &CodingFilter::default())?;
            let texts = project.coding_texts(coder.id, &list)?;
            list.into_iter()
                .zip(texts)
                .map(|(c, text)| CodingRow {
                    id: c.id.0,
                    coder: coder.name.clone(),
                    source: c.source.0,
                    source_title: titles.get(&c.source).cloned().unwrap_or_default(),
                    code: codes.get(&c.code).cloned().unwrap_or_default(),
                    start: c.start,
                    end: c.end,
                    text,
                    memo: c.memo,
                })
                .collect()
        }
        None => match project.phase()? {
            Phase::Reconciliation | Phase::Themes => {
                let mut texts = std::collections::HashMap::new();
                let mut text_of = |source, start: i64, end: i64| -> anyhow::Result<String> {
                    if let std::collections::hash_map::Entry::Vacant(e) = texts.entry(source) {
                        e.insert(project.source_text(source)?.text);
                    }
                    Ok(
                        accord_engine::text::slice(&texts[&source], start as usize, end as usize)
                            .to_owned(),
                    )
                };
                project
                    .consensus(&CodingFilter::default())?
                    .into_iter()
                    .map(|c| {
                        Ok(CodingRow {
                            id: c.id,
                            coder: "consensus".into(),
                            source: c.source.0,
                            source_title: titles.get(&c.source).cloned().unwrap_or_default(),
                            code: codes.get(&c.code).cloned().unwrap_or_default(),
                            start: c.start,
                            end: c.end,
                            text: text_of(c.source, c.start, c.end)?,
                            memo: c.memo,
                        })
                    })
                    .collect::<anyhow::Result<_>>()?
            }
            phase => bail!(
                "name the coder with --as: during {} each coder's codings are seen only on their behalf",
                phase.as_str()
            ),
        },
    };
    if json {
        return print_json(&rows);
    }
    for r in rows {
        say!(
            "{}\t{}\t{}..{}\t{}\t{}",
            r.source_title,
            r.code,
            r.start,
            r.end,
            r.coder,
            r.text.replace('\n', " ")
        );
    }
    Ok(())
}

/// `accord phase`.
pub fn phase(project: &Path, phase: &str) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    let phase = Phase::parse(phase)?;
    project.set_phase(phase)?;
    if phase == Phase::Reconciliation {
        project.start_reconciliation(None)?;
    }
    say!("the project is now in {}", phase.as_str());
    Ok(())
}

/// `accord merge`.
pub fn merge(project: &Path, copy: &Path, coder: Option<String>, json: bool) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    let is_qdpx = copy
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("qdpx"));
    if is_qdpx {
        let report = project.merge_qdpx(copy)?;
        return crate::exchange::print_report(&report, json);
    }
    let report = project.merge_copy(copy, coder.as_deref())?;
    if json {
        return print_json(&report);
    }
    if report.coders.is_empty() {
        say!("nothing to merge: {} holds no codings", copy.display());
    }
    for c in &report.coders {
        say!(
            "{}: {} codings added, {} already here",
            c.name,
            c.added,
            c.present
        );
    }
    if report.memos > 0 {
        say!("{} memos added", report.memos);
    }
    for c in &report.codes_created {
        say!("code created: {c}");
    }
    Ok(())
}

/// `accord agreement`.
#[allow(clippy::too_many_arguments)]
pub fn agreement(
    project: &Path,
    unit: &str,
    coders: Option<String>,
    coded_only: bool,
    threshold: f64,
    consensus: bool,
    out: Option<PathBuf>,
    json: bool,
) -> anyhow::Result<()> {
    let project = Project::open(project)?;
    let coders = match coders {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|n| project.coder_by_name(n.trim()).map(|c| c.id))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let options = AgreementOptions {
        unit: UnitOfAnalysis::parse(unit)?,
        coders,
        coded_only,
        threshold,
    };
    let reports: Vec<AgreementReport> = if consensus {
        project.agreement_with_consensus(&options)?
    } else {
        vec![project.agreement(&options)?]
    };
    if let Some(out) = out {
        let ext = out
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let format = ReportFormat::from_extension(&ext)?;
        accord_engine::agreement::write_reports(&reports, format, &out)?;
        say!("wrote {}", out.display());
        return Ok(());
    }
    if json {
        return if consensus {
            print_json(&reports)
        } else {
            print_json(&reports[0])
        };
    }
    for r in &reports {
        crate::out(format_args!("{}", r.render(ReportFormat::Markdown)));
        say!(
            "\nPooled: agreement {}, Cohen's kappa {}, Krippendorff's alpha {}; mean kappa {}",
            format_statistic(&r.pooled.percent_agreement),
            format_statistic(&r.pooled.kappa),
            format_statistic(&r.pooled.krippendorff_alpha),
            format_statistic(&r.mean_kappa)
        );
    }
    Ok(())
}
