//! The demo study: a synthetic mentorship-program evaluation (see
//! `fixtures/demo/README.md`), built into a new project through the same
//! engine calls a team would make — import, codebook, two coders' blind
//! codings, reconciliation, themes and starred quotes.
//!
//! The files are compiled in, so the desktop app and `accord demo` need
//! nothing beside the binary. Codings and quotes are anchored by their text
//! (not offsets), so the analysis files stay readable and survive importer
//! changes; an anchor that no longer matches is an error, caught by tests.

use std::collections::HashMap;
use std::path::Path;

use crate::import::ImportRequest;
use crate::import::survey::FileAttribute;
use crate::progress::{Cancel, Progress};
use crate::reconcile::{DecisionKind, DecisionRequest, DiscrepancyFilter, DiscrepancyKind};
use crate::store::{CodeId, CoderId, SourceId};
use crate::themes::ThemeFields;
use crate::{Error, Phase, Project, Result};

macro_rules! demo_file {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!("../../../fixtures/demo/", $path)) as &[u8],
        )
    };
}

/// Every file of the demo study, by its path under `fixtures/demo/`.
pub const FILES: &[(&str, &[u8])] = &[
    demo_file!("surveys/mentee-mid-program.csv"),
    demo_file!("surveys/mentee-end-of-program.csv"),
    demo_file!("surveys/mentor-end-of-program.csv"),
    demo_file!("surveys/mentee-six-months-after.csv"),
    demo_file!("interviews/interview-mentee-ME-014.docx"),
    demo_file!("interviews/interview-mentor-MR-03.md"),
    demo_file!("focus-group/focus-group.vtt"),
    demo_file!("codebook.csv"),
    demo_file!("codings.csv"),
    demo_file!("themes.csv"),
    demo_file!("quotes.csv"),
];

/// How many discrepancies the demo leaves undecided, so that a new user can
/// try reconciliation on it.
pub const UNDECIDED: usize = 12;

/// Survey questions of the demo that are closed-ended (checkboxes, short
/// position titles) though their answers vary in wording.
const CLOSED_QUESTIONS: &[&str] = &[
    "Type of training institution",
    "How do you usually communicate",
    "What came out of the mentorship",
    "What is your current academic rank",
    "What is your current position",
];

fn file(path: &str) -> &'static [u8] {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, b)| *b)
        .expect("demo file is compiled in")
}

fn csv_rows(path: &str) -> Result<Vec<HashMap<String, String>>> {
    let mut reader = csv::Reader::from_reader(file(path));
    let headers = reader
        .headers()
        .map_err(|e| Error::Invalid(format!("demo {path}: {e}")))?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Invalid(format!("demo {path}: {e}")))?;
        rows.push(
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect(),
        );
    }
    Ok(rows)
}

/// Creates the demo study at `path` (which must not exist yet): sources,
/// codebook, both coders' codings, reconciliation with [`UNDECIDED`]
/// discrepancies left open, themes and starred quotes.
pub fn create(path: &Path, progress: &mut dyn FnMut(Progress), cancel: &Cancel) -> Result<Project> {
    let mut project = Project::create(path)?;
    let user = project.actor().to_owned();
    // The study's own history is recorded as the demo's; what the user does
    // next is theirs.
    project.set_actor("Demo study");
    let folder = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut requests = Vec::new();
    for (name, bytes) in FILES.iter().filter(|(p, _)| p.contains('/')) {
        let target = folder.path().join(name.rsplit('/').next().unwrap_or(name));
        std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
        let mut request = ImportRequest::new(target.to_string_lossy());
        let role = if name.contains("mentor") {
            "mentor"
        } else {
            "mentee"
        };
        request.attributes.push(FileAttribute {
            name: "role".into(),
            value: role.into(),
        });
        if name.contains("interview-") {
            request.case = name
                .rsplit_once("-")
                .map(|(head, tail)| {
                    let id = tail.split('.').next().unwrap_or(tail);
                    let prefix = head.rsplit('-').next().unwrap_or("");
                    format!("{prefix}-{id}")
                })
                .filter(|c| c.len() > 3);
        }
        if name.ends_with(".csv") {
            // Short closed answers that the detector, seeing varied wording,
            // takes for free text; a researcher would set these by hand in
            // the column preview.
            let preview = crate::import::survey::preview(name, bytes)?;
            let columns = preview
                .columns
                .iter()
                .map(|c| {
                    if CLOSED_QUESTIONS.iter().any(|q| c.name.starts_with(q)) {
                        crate::import::survey::ColumnType::Categorical
                    } else {
                        c.detected.clone()
                    }
                })
                .collect();
            request.survey = Some(crate::import::survey::SurveyOptions {
                columns,
                ..Default::default()
            });
        }
        if name.ends_with(".vtt") {
            request.moderators = vec!["Rachel Goldberg".into(), "Tomás Ibarra".into()];
            request.title = Some("Mentee focus group, 17 July 2024".into());
        }
        requests.push(request);
    }
    let report = project.import_files(&requests, progress, cancel)?;
    if let Some(failed) = report
        .files
        .iter()
        .find(|f| f.message.is_empty() || f.status != crate::import::FileStatus::Imported)
    {
        return Err(Error::Invalid(format!(
            "demo file {} did not import: {}",
            failed.file, failed.message
        )));
    }
    cancel.check()?;

    let codebook = folder.path().join("codebook.csv");
    std::fs::write(&codebook, file("codebook.csv")).map_err(|e| Error::io(&codebook, e))?;
    project.import_codebook_csv(&codebook)?;

    code_independently(&mut project, progress, cancel)?;
    reconcile(&mut project)?;
    build_themes(&mut project)?;
    project.set_actor(user);
    Ok(project)
}

/// Sources by the demo path of the file they came from.
fn sources_by_file(project: &Project) -> Result<HashMap<String, Vec<(SourceId, String)>>> {
    let mut map: HashMap<String, Vec<(SourceId, String)>> = HashMap::new();
    for source in project.sources()? {
        let text = project.source_text(source.id)?.text;
        map.entry(source.file_name.clone())
            .or_default()
            .push((source.id, text));
    }
    Ok(map)
}

/// Finds `quote` in the sources of `file`: the source and the code-point span.
fn anchor(
    sources: &HashMap<String, Vec<(SourceId, String)>>,
    file: &str,
    quote: &str,
) -> Result<(SourceId, i64, i64)> {
    let base = file.rsplit('/').next().unwrap_or(file);
    let candidates = sources
        .get(base)
        .ok_or_else(|| Error::Invalid(format!("demo: no source from {file}")))?;
    let quote = quote.trim();
    for (id, text) in candidates {
        if let Some(byte) = text.find(quote) {
            let start = text[..byte].chars().count() as i64;
            return Ok((*id, start, start + quote.chars().count() as i64));
        }
    }
    Err(Error::Invalid(format!(
        "demo: \u{201c}{quote}\u{201d} is not in {file}"
    )))
}

fn code_by_name(project: &Project) -> Result<HashMap<String, CodeId>> {
    Ok(project
        .codes()?
        .into_iter()
        .map(|c| (c.name.clone(), c.id))
        .collect())
}

fn code_independently(
    project: &mut Project,
    progress: &mut dyn FnMut(Progress),
    cancel: &Cancel,
) -> Result<()> {
    let rows = csv_rows("codings.csv")?;
    let sources = sources_by_file(project)?;
    let codes = code_by_name(project)?;
    let mut coders: HashMap<String, CoderId> = HashMap::new();
    for row in &rows {
        if !coders.contains_key(&row["coder"]) {
            let coder = project.add_coder(&row["coder"])?;
            coders.insert(row["coder"].clone(), coder.id);
        }
    }
    project.set_phase(Phase::Independent)?;
    for (i, row) in rows.iter().enumerate() {
        if i % 50 == 0 {
            cancel.check()?;
            progress(Progress {
                message: "Coding the demo study".into(),
                done: i as u64,
                total: rows.len() as u64,
                files_done: 0,
                files_total: 0,
            });
        }
        let (source, start, end) = anchor(&sources, &row["file"], &row["quote"])?;
        let code = *codes
            .get(row["code"].trim())
            .ok_or_else(|| Error::Invalid(format!("demo: unknown code {}", row["code"])))?;
        let coder = coders[&row["coder"]];
        let applied = project.apply_codes(coder, source, start, end, &[code], false)?;
        let memo = row.get("memo").map(|m| m.trim()).unwrap_or("");
        if !memo.is_empty()
            && let Some(coding) = applied.first()
        {
            project.update_coding(
                coder,
                coding.id,
                &crate::CodingChange {
                    memo: Some(memo.to_owned()),
                    ..Default::default()
                },
            )?;
        }
    }
    Ok(())
}

fn reconcile(project: &mut Project) -> Result<()> {
    project.set_phase(Phase::Reconciliation)?;
    project.start_reconciliation(None)?;
    let list = project.discrepancies(&DiscrepancyFilter::default())?;
    let total = list.items.len();
    for (i, d) in list.items.iter().enumerate() {
        // Leave a few open, spread over the list, for the user to try.
        let step = (total / UNDECIDED).max(1);
        if i % step == step / 2 && i / step < UNDECIDED {
            continue;
        }
        let (kind, note) = match d.kind {
            DiscrepancyKind::Boundaries => (
                DecisionKind::Union,
                "Both coded it; keep the whole passage.",
            ),
            _ if i % 4 == 3 => (DecisionKind::Drop, "Does not meet the inclusion criteria."),
            _ => (
                DecisionKind::KeepBoth,
                "Meets the definition; the other coder missed it.",
            ),
        };
        project.decide(
            &d.key,
            &DecisionRequest {
                kind,
                span: None,
                code: None,
                note: note.into(),
            },
        )?;
    }
    Ok(())
}

fn build_themes(project: &mut Project) -> Result<()> {
    let codes = code_by_name(project)?;
    let mut themes = HashMap::new();
    for row in csv_rows("themes.csv")? {
        let parent =
            match row["parent"].trim() {
                "" => None,
                p => Some(*themes.get(p).ok_or_else(|| {
                    Error::Invalid(format!("demo: parent theme {p} comes later"))
                })?),
            };
        let theme = project.create_theme(
            parent,
            &ThemeFields {
                name: Some(row["theme"].clone()),
                description: Some(row["description"].clone()),
            },
        )?;
        project.set_theme_attribute(theme.id, "influence", Some(&row["influence"]))?;
        for (i, code) in row["codes"]
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .enumerate()
        {
            let code = *codes.get(code).ok_or_else(|| {
                Error::Invalid(format!("demo: theme code {code} is not in the codebook"))
            })?;
            project.assign_code(code, Some(theme.id), i)?;
        }
        themes.insert(row["theme"].clone(), theme.id);
    }
    let sources = sources_by_file(project)?;
    for row in csv_rows("quotes.csv")? {
        let theme = *themes.get(row["theme"].trim()).ok_or_else(|| {
            Error::Invalid(format!("demo: quote for unknown theme {}", row["theme"]))
        })?;
        let (source, start, end) = anchor(&sources, &row["file"], &row["quote"])?;
        let passages = project.theme_passages(theme, None)?;
        let Some(passage) = passages
            .iter()
            .filter(|p| p.source == source && p.start <= start && end <= p.end)
            .min_by_key(|p| p.end - p.start)
            .or_else(|| {
                passages
                    .iter()
                    .find(|p| p.source == source && p.start < end && start < p.end)
            })
        else {
            // The consensus dropped this passage, or it is one of the
            // discrepancies left for the user: no quote then.
            continue;
        };
        let quote = project.star_passage(theme, passage.consensus_id, true)?;
        let edited = row.get("edited").map(|e| e.trim()).unwrap_or("");
        if !edited.is_empty() {
            project.edit_quote(quote.id, Some(edited))?;
        }
    }
    Ok(())
}
