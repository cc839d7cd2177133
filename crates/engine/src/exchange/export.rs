//! Writing a project as a `.qdpx` archive.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;

use super::extra::{self, Extra};
use super::xml::XmlWriter;
use super::{ExchangeAction, ExchangeReport, definition, project_derived_guid, step};
use crate::store::cases::AttributeType;
use crate::store::codes::Code;
use crate::store::codings::CodingFilter;
use crate::store::{self, CaseId, CodeId, CoderId, SourceId, coders, codes, codings, sources};
use crate::text::CharIndex;
use crate::{Cancel, Error, Phase, Progress, Project, Result};

/// A coding of a coder or of the consensus layer, as written.
struct Applied {
    guid: String,
    /// The REFI user GUID.
    user: String,
    code: CodeId,
    source: SourceId,
    start: i64,
    end: i64,
    memo: String,
    created_at: String,
    updated_at: String,
}

/// A memo, as a REFI `Note`.
struct NoteOut {
    guid: String,
    name: String,
    user: Option<String>,
    created: String,
    modified: String,
    text: String,
}

/// A row of the memos table.
struct Memo {
    guid: String,
    target_kind: String,
    target_id: Option<i64>,
    coder: Option<CoderId>,
    title: String,
    text: String,
    created_at: String,
    updated_at: String,
}

/// The REFI type of an attribute and, when a value forced plain text, why.
fn variable_type(kind: AttributeType, values: &[&str]) -> (&'static str, Option<&'static str>) {
    let integer = |v: &str| {
        let d = v.strip_prefix(['+', '-']).unwrap_or(v);
        !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())
    };
    let decimal = |v: &str| {
        let d = v.strip_prefix(['+', '-']).unwrap_or(v);
        let (a, b) = d.split_once('.').unwrap_or((d, ""));
        (!a.is_empty() || !b.is_empty())
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
    };
    let date = |v: &str| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        v.len() == 10 && time::Date::parse(v, &format).is_ok()
    };
    match kind {
        AttributeType::Number if values.iter().all(|v| integer(v)) && !values.is_empty() => {
            ("Integer", None)
        }
        AttributeType::Number if values.iter().all(|v| decimal(v)) => ("Float", None),
        AttributeType::Number => ("Text", Some("some values are not plain numbers")),
        AttributeType::Date if values.iter().all(|v| date(v)) => ("Date", None),
        AttributeType::Date => (
            "Text",
            Some("some values are not dates of the form YYYY-MM-DD"),
        ),
        _ => ("Text", None),
    }
}

/// A selection's text as its name: white space collapsed, at most 60 characters.
fn excerpt(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 60 {
        format!("{}…", collapsed.chars().take(59).collect::<String>())
    } else {
        collapsed
    }
}

fn value_element(kind: &str) -> &'static str {
    match kind {
        "Integer" => "IntegerValue",
        "Float" => "FloatValue",
        "Date" => "DateValue",
        _ => "TextValue",
    }
}

fn count(conn: &rusqlite::Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

pub(crate) fn export_qdpx(
    project: &Project,
    path: &Path,
    progress: &mut dyn FnMut(Progress),
    cancel: &Cancel,
) -> Result<ExchangeReport> {
    if project.phase()? == Phase::Independent {
        return Err(Error::NotAllowed(
            "a whole project cannot be exported during independent coding: the file would show every coder's codings to whoever opens it. Export the codebook (.qdc) instead, or move the project to reconciliation first".into(),
        ));
    }
    let conn = &project.conn;
    let mut report = ExchangeReport::new(ExchangeAction::ExportQdpx, path);
    step(progress, "Reading the project", 0, 0);

    let meta = |key: &str| -> Result<String> {
        Ok(conn
            .query_row(
                "SELECT value FROM project_meta WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default())
    };
    let project_guid = meta("guid")?;
    let created_at = meta("created_at")?;
    let consensus_user = project_derived_guid(&project_guid, "consensus-user");

    // ----- read everything but source texts --------------------------------
    let all_coders = coders::list(conn)?;
    let coder_guid: HashMap<CoderId, String> =
        all_coders.iter().map(|c| (c.id, c.guid.clone())).collect();
    let all_codes = codes::list(conn)?;
    let code_guid: HashMap<CodeId, String> =
        all_codes.iter().map(|c| (c.id, c.guid.clone())).collect();
    let attributes = crate::store::cases::attributes(conn)?;

    let mut stmt = conn.prepare(
        "SELECT id, guid, name, role, created_at FROM cases ORDER BY name COLLATE NOCASE, id",
    )?;
    let cases: Vec<(CaseId, String, String, String, String)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let case_guid: HashMap<CaseId, String> = cases.iter().map(|c| (c.0, c.1.clone())).collect();
    let mut stmt = conn.prepare("SELECT case_id, attribute_id, value FROM case_attributes")?;
    let mut values: HashMap<(CaseId, crate::AttributeId), String> = HashMap::new();
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
        let (c, a, v) = row?;
        values.insert((c, a), v);
    }
    let mut stmt = conn.prepare(
        "SELECT DISTINCT u.case_id, s.guid, s.position, s.id FROM units u JOIN sources s ON s.id = u.source_id
         WHERE u.case_id IS NOT NULL ORDER BY u.case_id, s.position, s.id",
    )?;
    let mut case_sources: HashMap<CaseId, Vec<String>> = HashMap::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, CaseId>(0)?, r.get::<_, String>(1)?)))? {
        let (c, s) = row?;
        case_sources.entry(c).or_default().push(s);
    }

    let all_sources = sources::list(conn)?;
    let source_guid: HashMap<SourceId, String> =
        all_sources.iter().map(|s| (s.id, s.guid.clone())).collect();

    let coder_ids: Vec<CoderId> = all_coders.iter().map(|c| c.id).collect();
    let mut applied: Vec<Applied> =
        codings::for_coders(conn, &coder_ids, &CodingFilter::default())?
            .into_iter()
            .map(|c| Applied {
                guid: c.guid,
                user: coder_guid[&c.coder].clone(),
                code: c.code,
                source: c.source,
                start: c.start,
                end: c.end,
                memo: c.memo,
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
            .collect();
    let coder_codings = applied.len() as i64;
    let mut stmt = conn.prepare(
        "SELECT guid, code_id, source_id, start, end, memo, created_at FROM consensus_codings ORDER BY source_id, start, end, id",
    )?;
    let consensus: Vec<Applied> = stmt
        .query_map([], |r| {
            let created: String = r.get(6)?;
            Ok(Applied {
                guid: r.get(0)?,
                user: consensus_user.clone(),
                code: r.get(1)?,
                source: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                memo: r.get(5)?,
                created_at: created.clone(),
                updated_at: created,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let consensus_count = consensus.len() as i64;
    applied.extend(consensus);

    let mut stmt = conn.prepare(
        "SELECT guid, target_kind, target_id, coder_id, title, text, created_at, updated_at FROM memos ORDER BY id",
    )?;
    let memos: Vec<Memo> = stmt
        .query_map([], |r| {
            Ok(Memo {
                guid: r.get(0)?,
                target_kind: r.get(1)?,
                target_id: r.get(2)?,
                coder: r.get(3)?,
                title: r.get(4)?,
                text: r.get(5)?,
                created_at: r.get(6)?,
                updated_at: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    cancel.check()?;

    // ----- memos as notes ---------------------------------------------------
    let mut notes: Vec<NoteOut> = Vec::new();
    let mut project_notes: Vec<String> = Vec::new();
    let mut source_notes: HashMap<i64, Vec<String>> = HashMap::new();
    let mut code_notes: HashMap<i64, Vec<String>> = HashMap::new();
    let mut case_links: Vec<(String, String)> = Vec::new(); // (note, case)
    for m in &memos {
        let target_exists = match (m.target_kind.as_str(), m.target_id) {
            ("source", Some(id)) => source_guid.contains_key(&SourceId(id)),
            ("code", Some(id)) => code_guid.contains_key(&CodeId(id)),
            ("case", Some(id)) => case_guid.contains_key(&CaseId(id)),
            ("project", _) => true,
            _ => false,
        };
        match (m.target_kind.as_str(), m.target_id) {
            ("source", Some(id)) if target_exists => {
                source_notes.entry(id).or_default().push(m.guid.clone())
            }
            ("code", Some(id)) if target_exists => {
                code_notes.entry(id).or_default().push(m.guid.clone())
            }
            ("case", Some(id)) if target_exists => {
                case_links.push((m.guid.clone(), case_guid[&CaseId(id)].clone()))
            }
            _ => {
                if m.target_kind != "project" {
                    report.warn(
                        format!("memo \"{}\"", m.title),
                        format!(
                            "its {} no longer exists; it was written as a memo of the project",
                            m.target_kind
                        ),
                    );
                }
                project_notes.push(m.guid.clone());
            }
        }
        notes.push(NoteOut {
            guid: m.guid.clone(),
            name: m.title.clone(),
            user: m.coder.and_then(|c| coder_guid.get(&c).cloned()),
            created: m.created_at.clone(),
            modified: m.updated_at.clone(),
            text: m.text.clone(),
        });
    }

    // ----- selections: one per coder (or consensus) and span ---------------
    // A stable sort: a coder's codings of one span keep their stored order,
    // so an import stores them in the same order again.
    applied.sort_by(|a, b| {
        (a.source, a.start, a.end, &a.user).cmp(&(b.source, b.start, b.end, &b.user))
    });
    let mut selections: HashMap<SourceId, Vec<Vec<&Applied>>> = HashMap::new();
    for a in &applied {
        let groups = selections.entry(a.source).or_default();
        match groups.last_mut() {
            Some(g) if g[0].user == a.user && g[0].start == a.start && g[0].end == a.end => {
                g.push(a)
            }
            _ => groups.push(vec![a]),
        }
    }
    let memo_note =
        |a: &Applied| project_derived_guid(&project_guid, &format!("coding-memo:{}", a.guid));
    for a in applied.iter().filter(|a| !a.memo.is_empty()) {
        notes.push(NoteOut {
            guid: memo_note(a),
            name: "Coding memo".into(),
            user: Some(a.user.clone()),
            created: a.created_at.clone(),
            modified: a.updated_at.clone(),
            text: a.memo.clone(),
        });
    }

    // ----- the XML ---------------------------------------------------------
    let mut w = XmlWriter::new();
    let schema_location = format!("{} {}", super::PROJECT_NS, super::PROJECT_SCHEMA);
    let origin = super::origin();
    let now = store::now();
    let name = project.name();
    let mut root_attrs: Vec<(&str, &str)> = vec![
        ("xmlns", super::PROJECT_NS),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xsi:schemaLocation", &schema_location),
        ("name", &name),
        ("origin", &origin),
    ];
    if super::utc_time(&created_at).is_some() {
        root_attrs.push(("creationDateTime", &created_at));
    }
    root_attrs.push(("modifiedDateTime", &now));
    w.open("Project", &root_attrs);

    if !all_coders.is_empty() || consensus_count > 0 {
        w.open("Users", &[]);
        for c in &all_coders {
            w.empty("User", &[("guid", &c.guid), ("name", &c.name)]);
        }
        if consensus_count > 0 {
            w.empty(
                "User",
                &[("guid", &consensus_user), ("name", super::CONSENSUS_USER)],
            );
            if all_coders
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(super::CONSENSUS_USER))
            {
                report.warn(
                    "coders",
                    "a coder is named \"Consensus\", like the user that stands for the consensus layer; Accord tells them apart by GUID (accord/extra.json), other programs may not",
                );
            }
        }
        w.close();
    }

    if !all_codes.is_empty() {
        let mut children: HashMap<Option<CodeId>, Vec<&Code>> = HashMap::new();
        for c in &all_codes {
            children.entry(c.parent).or_default().push(c);
        }
        fn write_code(
            w: &mut XmlWriter,
            code: &Code,
            children: &HashMap<Option<CodeId>, Vec<&Code>>,
            notes: &HashMap<i64, Vec<String>>,
        ) {
            let description = definition::compose(&definition::Definition {
                description: code.description.clone(),
                inclusion: code.inclusion.clone(),
                exclusion: code.exclusion.clone(),
                example: code.example.clone(),
            });
            let mut attrs: Vec<(&str, &str)> = vec![
                ("guid", &code.guid),
                ("name", &code.name),
                ("isCodable", "true"),
            ];
            if codes::valid_color(&code.color).is_ok() {
                attrs.push(("color", &code.color));
            }
            let kids = children
                .get(&Some(code.id))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let code_notes = notes.get(&code.id.0).map(Vec::as_slice).unwrap_or_default();
            if description.is_empty() && kids.is_empty() && code_notes.is_empty() {
                w.empty("Code", &attrs);
                return;
            }
            w.open("Code", &attrs);
            if !description.is_empty() {
                w.text("Description", &[], &description);
            }
            for n in code_notes {
                w.empty("NoteRef", &[("targetGUID", n)]);
            }
            for k in kids {
                write_code(w, k, children, notes);
            }
            w.close();
        }
        w.open("CodeBook", &[]);
        w.open("Codes", &[]);
        for c in children.get(&None).map(Vec::as_slice).unwrap_or_default() {
            write_code(&mut w, c, &children, &code_notes);
        }
        w.close();
        w.close();
    }

    let mut var_types: HashMap<crate::AttributeId, &'static str> = HashMap::new();
    let mut plain_text_attributes = 0;
    let mut ordinal = 0;
    if !attributes.is_empty() {
        w.open("Variables", &[]);
        for a in &attributes {
            let vals: Vec<&str> = values
                .iter()
                .filter(|((_, attr), _)| *attr == a.id)
                .map(|(_, v)| v.as_str())
                .collect();
            let (kind, why) = variable_type(a.kind, &vals);
            if let Some(why) = why {
                report.not_carried.push(format!(
                    "the {} attribute \"{}\" was written as a Text variable because {why} (its type is kept in accord/extra.json for Accord)",
                    a.kind.as_str(),
                    a.name
                ));
            }
            if matches!(
                a.kind,
                AttributeType::Categorical | AttributeType::Ordinal | AttributeType::Text
            ) {
                plain_text_attributes += 1;
            }
            var_types.insert(a.id, kind);
            let attrs = [
                ("guid", a.guid.as_str()),
                ("name", a.name.as_str()),
                ("typeOfVariable", kind),
            ];
            if a.kind == AttributeType::Ordinal && !a.levels.is_empty() {
                ordinal += 1;
                w.open("Variable", &attrs);
                w.text(
                    "Description",
                    &[],
                    &format!("Ordered levels, lowest to highest: {}", a.levels.join("; ")),
                );
                w.close();
            } else {
                w.empty("Variable", &attrs);
            }
        }
        w.close();
    }

    let mut value_count = 0;
    if !cases.is_empty() {
        w.open("Cases", &[]);
        for (id, guid, name, _, _) in &cases {
            let refs = case_sources.get(id).map(Vec::as_slice).unwrap_or_default();
            let case_values: Vec<(&crate::Attribute, &String)> = attributes
                .iter()
                .filter_map(|a| values.get(&(*id, a.id)).map(|v| (a, v)))
                .collect();
            let attrs = [("guid", guid.as_str()), ("name", name.as_str())];
            if refs.is_empty() && case_values.is_empty() {
                w.empty("Case", &attrs);
                continue;
            }
            w.open("Case", &attrs);
            for (a, v) in case_values {
                value_count += 1;
                w.open("VariableValue", &[]);
                w.empty("VariableRef", &[("targetGUID", &a.guid)]);
                w.text(value_element(var_types[&a.id]), &[], v);
                w.close();
            }
            for s in refs {
                w.empty("SourceRef", &[("targetGUID", s)]);
            }
            w.close();
        }
        w.close();
    }

    let mut unit_count = 0;
    let mut extra_sources = Vec::with_capacity(all_sources.len());
    if !all_sources.is_empty() {
        w.open("Sources", &[]);
        for s in &all_sources {
            let path = format!("internal://{}.txt", s.guid);
            let mut attrs: Vec<(&str, &str)> = vec![
                ("guid", &s.guid),
                ("name", &s.title),
                ("plainTextPath", &path),
            ];
            if super::utc_time(&s.imported_at).is_some() {
                attrs.push(("creationDateTime", &s.imported_at));
            }
            let groups = selections.get(&s.id).map(Vec::as_slice).unwrap_or_default();
            let notes_here = source_notes
                .get(&s.id.0)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if groups.is_empty() && notes_here.is_empty() {
                w.empty("TextSource", &attrs);
            } else {
                w.open("TextSource", &attrs);
                let text = sources::text(conn, s.id)?;
                let chars = CharIndex::new(&text);
                for g in groups {
                    let first = g[0];
                    // Other programs show a selection by its name; ATLAS.ti and
                    // QualCoder use the selected text, which is what is written.
                    let name =
                        excerpt(chars.slice(&text, first.start as usize, first.end as usize));
                    let created = g
                        .iter()
                        .map(|a| a.created_at.as_str())
                        .min()
                        .unwrap_or_default();
                    let modified = g
                        .iter()
                        .map(|a| a.updated_at.as_str())
                        .max()
                        .unwrap_or_default();
                    let guid =
                        project_derived_guid(&project_guid, &format!("selection:{}", first.guid));
                    let (start, end) = (first.start.to_string(), first.end.to_string());
                    w.open(
                        "PlainTextSelection",
                        &[
                            ("guid", &guid),
                            ("name", &name),
                            ("startPosition", &start),
                            ("endPosition", &end),
                            ("creatingUser", &first.user),
                            ("creationDateTime", created),
                            ("modifiedDateTime", modified),
                        ],
                    );
                    for a in g {
                        w.open(
                            "Coding",
                            &[
                                ("guid", &a.guid),
                                ("creatingUser", &a.user),
                                ("creationDateTime", &a.created_at),
                            ],
                        );
                        w.empty("CodeRef", &[("targetGUID", &code_guid[&a.code])]);
                        if g.len() > 1 && !a.memo.is_empty() {
                            w.empty("NoteRef", &[("targetGUID", &memo_note(a))]);
                        }
                        w.close();
                    }
                    if g.len() == 1 && !first.memo.is_empty() {
                        w.empty("NoteRef", &[("targetGUID", &memo_note(first))]);
                    }
                    w.close();
                }
                for n in notes_here {
                    w.empty("NoteRef", &[("targetGUID", n)]);
                }
                w.close();
            }
            let units = sources::units(conn, s.id)?;
            unit_count += units.len() as i64;
            extra_sources.push(extra::ExtraSource {
                guid: s.guid.clone(),
                kind: s.kind.as_str().to_owned(),
                file_name: s.file_name.clone(),
                units: units
                    .into_iter()
                    .map(|u| extra::ExtraUnit {
                        start: u.start,
                        end: u.end,
                        kind: u.kind.as_str().to_owned(),
                        case: u.case_id.and_then(|c| case_guid.get(&c).cloned()),
                        speaker: u.speaker,
                        start_ms: u.start_ms,
                        end_ms: u.end_ms,
                        question: u.question,
                    })
                    .collect(),
            });
        }
        w.close();
    }

    if !notes.is_empty() {
        w.open("Notes", &[]);
        for n in &notes {
            let mut attrs: Vec<(&str, &str)> = vec![("guid", &n.guid), ("name", &n.name)];
            if let Some(u) = &n.user {
                attrs.push(("creatingUser", u));
            }
            if super::utc_time(&n.created).is_some() {
                attrs.push(("creationDateTime", &n.created));
            }
            if super::utc_time(&n.modified).is_some() {
                attrs.push(("modifiedDateTime", &n.modified));
            }
            w.open("Note", &attrs);
            w.text("PlainTextContent", &[], &n.text);
            w.close();
        }
        w.close();
    }
    if !case_links.is_empty() {
        w.open("Links", &[]);
        for (note, case) in &case_links {
            let guid = project_derived_guid(&project_guid, &format!("memo-link:{note}"));
            w.empty(
                "Link",
                &[
                    ("guid", &guid),
                    ("name", "Memo"),
                    ("direction", "OneWay"),
                    ("originGUID", note),
                    ("targetGUID", case),
                ],
            );
        }
        w.close();
    }
    for n in &project_notes {
        w.empty("NoteRef", &[("targetGUID", n)]);
    }
    let (qde, replaced) = w.finish();

    // ----- accord/extra.json -----------------------------------------------
    let extra = Extra {
        format: extra::FORMAT.into(),
        version: 1,
        accord: env!("CARGO_PKG_VERSION").into(),
        project: extra::ExtraProject {
            guid: project_guid.clone(),
            phase: project.phase()?.as_str().into(),
            created_at: created_at.clone(),
        },
        consensus_user: (consensus_count > 0).then(|| consensus_user.clone()),
        coders: all_coders
            .iter()
            .map(|c| -> Result<extra::ExtraCoder> {
                Ok(extra::ExtraCoder {
                    guid: c.guid.clone(),
                    created_at: conn.query_row(
                        "SELECT created_at FROM coders WHERE id = ?1",
                        [c.id],
                        |r| r.get(0),
                    )?,
                })
            })
            .collect::<Result<_>>()?,
        codes: {
            let mut stmt = conn.prepare("SELECT guid, created_at FROM codes ORDER BY id")?;
            stmt.query_map([], |r| {
                Ok(extra::ExtraCode {
                    guid: r.get(0)?,
                    created_at: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?
        },
        sources: extra_sources,
        cases: cases
            .iter()
            .map(|(_, guid, _, role, created)| extra::ExtraCase {
                guid: guid.clone(),
                role: role.clone(),
                created_at: created.clone(),
            })
            .collect(),
        attributes: attributes
            .iter()
            .map(|a| extra::ExtraAttribute {
                guid: a.guid.clone(),
                kind: a.kind.as_str().into(),
                levels: a.levels.clone(),
            })
            .collect(),
        codings: applied
            .iter()
            .filter(|a| a.user != consensus_user)
            .map(|a| extra::ExtraCoding {
                guid: a.guid.clone(),
                updated_at: a.updated_at.clone(),
            })
            .collect(),
    };
    let extra_json = serde_json::to_vec_pretty(&extra)
        .map_err(|e| Error::Invalid(format!("accord/extra.json: {e}")))?;

    // ----- the archive, written beside the target and renamed --------------
    let partial = partial_path(path);
    let result = (|| -> Result<()> {
        let file = std::fs::File::create(&partial).map_err(|e| Error::io(&partial, e))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        let io = |e: std::io::Error| Error::io(&partial, e);
        let zerr = |e: zip::result::ZipError| Error::io(&partial, std::io::Error::other(e));
        zip.start_file("project.qde", options).map_err(zerr)?;
        zip.write_all(qde.as_bytes()).map_err(io)?;
        let total = all_sources.len() as u64;
        for (i, s) in all_sources.iter().enumerate() {
            cancel.check()?;
            step(progress, &format!("Writing {}", s.title), i as u64, total);
            let text = sources::text(conn, s.id)?;
            zip.start_file(format!("sources/{}.txt", s.guid), options)
                .map_err(zerr)?;
            zip.write_all(text.as_bytes()).map_err(io)?;
        }
        zip.start_file(extra::ENTRY, options).map_err(zerr)?;
        zip.write_all(&extra_json).map_err(io)?;
        let mut inner = zip.finish().map_err(zerr)?;
        inner.flush().map_err(io)?;
        inner
            .into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        cancel.check()?;
        std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    step(
        progress,
        "Exported",
        all_sources.len() as u64,
        all_sources.len() as u64,
    );

    // ----- the report ------------------------------------------------------
    report.written = super::ExchangeCounts {
        sources: all_sources.len() as i64,
        units: unit_count,
        codes: all_codes.len() as i64,
        coders: all_coders.len() as i64,
        codings: coder_codings,
        consensus_codings: consensus_count,
        cases: cases.len() as i64,
        attributes: attributes.len() as i64,
        attribute_values: value_count,
        memos: memos.len() as i64,
    };
    not_carried(
        conn,
        &mut report,
        unit_count,
        plain_text_attributes,
        ordinal,
        consensus_count,
        case_links.len(),
        replaced,
    )?;
    Ok(report)
}

/// Lists what the format cannot hold, with counts; only what the project has.
#[allow(clippy::too_many_arguments)]
fn not_carried(
    conn: &rusqlite::Connection,
    report: &mut ExchangeReport,
    units: i64,
    plain_text_attributes: i64,
    ordinal: i64,
    consensus: i64,
    case_memos: usize,
    replaced: usize,
) -> Result<()> {
    let w = &report.written;
    let mut out: Vec<String> = Vec::new();
    if units > 0 {
        out.push(format!(
            "unit boundaries of {} (answers, paragraphs, speaker turns) with their kinds, cases, speakers, timestamps and survey questions: other programs see each source as plain text (kept in accord/extra.json for Accord)",
            crate::text::plural(units, "unit", "units")
        ));
    }
    if w.sources > 0 {
        out.push(format!(
            "source kinds (survey, notes, transcript) and original file names of {} (kept in accord/extra.json for Accord)",
            crate::text::plural(w.sources, "source", "sources")
        ));
    }
    if w.cases > 0 {
        out.push(format!(
            "roles (respondent, participant, moderator, interviewee) of {}; a case refers to whole sources rather than to its units (kept in accord/extra.json for Accord)",
            crate::text::plural(w.cases, "case", "cases")
        ));
    }
    if plain_text_attributes > 0 {
        out.push(format!(
            "types of {}: REFI-QDA has no categorical, ordinal or free-text type, so they are Text variables (kept in accord/extra.json for Accord)",
            crate::text::plural(plain_text_attributes, "attribute", "attributes")
        ));
    }
    if ordinal > 0 {
        out.push(format!(
            "Likert scale order of {} (the levels are listed in each variable's description; kept in accord/extra.json for Accord)",
            crate::text::plural(ordinal, "attribute", "attributes")
        ));
    }
    if consensus > 0 {
        out.push(format!(
            "the consensus layer ({}) is written as the user \"Consensus\"; other programs show it as one more coder",
            crate::text::plural(consensus, "coding", "codings")
        ));
    }
    if case_memos > 0 {
        out.push(format!(
            "{}: each is a note linked to its case with a Link (a REFI-QDA case cannot hold a note); some programs list them only as free notes",
            crate::text::plural(case_memos as i64, "case memo", "case memos")
        ));
    }
    let themes = count(conn, "SELECT count(*) FROM themes")?;
    let theme_attributes = count(conn, "SELECT count(*) FROM theme_attributes")?;
    let quotes = count(conn, "SELECT count(*) FROM quotes")?;
    if themes + quotes > 0 {
        let attrs = if theme_attributes > 0 {
            format!(" with their attributes ({theme_attributes})")
        } else {
            String::new()
        };
        out.push(format!(
            "{}{attrs} and {}",
            crate::text::plural(themes, "theme", "themes"),
            crate::text::plural(quotes, "quote", "quotes")
        ));
    }
    let decisions = count(conn, "SELECT count(*) FROM decisions")?;
    if decisions > 0 {
        let noted = count(conn, "SELECT count(*) FROM decisions WHERE note != ''")?;
        out.push(format!(
            "reconciliation decisions and their notes ({}, {noted} with a note); the consensus codings they produced are exported",
            crate::text::plural(decisions, "decision", "decisions")
        ));
    }
    let audit = count(conn, "SELECT count(*) FROM audit_log")?;
    if audit > 0 {
        out.push(format!(
            "the audit log ({})",
            crate::text::plural(audit, "entry", "entries")
        ));
    }
    if replaced > 0 {
        out.push(format!(
            "{} that XML cannot hold (control characters in names, definitions or memos) were replaced by \u{FFFD}",
            crate::text::plural(replaced as i64, "character", "characters")
        ));
    }
    report.not_carried.splice(0..0, out);
    Ok(())
}

/// The temporary file an export is written to before it is renamed into place.
pub(crate) fn partial_path(path: &Path) -> PathBuf {
    let name = super::file_label(path);
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_types_follow_their_values() {
        assert_eq!(
            variable_type(AttributeType::Number, &["1", "-20", "+3"]).0,
            "Integer"
        );
        assert_eq!(
            variable_type(AttributeType::Number, &["1", "2.5", ".5"]).0,
            "Float"
        );
        assert_eq!(variable_type(AttributeType::Number, &["1e3"]).0, "Text");
        assert_eq!(variable_type(AttributeType::Number, &["."]).0, "Text");
        assert_eq!(
            variable_type(AttributeType::Date, &["2024-02-29"]).0,
            "Date"
        );
        assert_eq!(
            variable_type(AttributeType::Date, &["2023-02-29"]).0,
            "Text"
        );
        assert_eq!(variable_type(AttributeType::Ordinal, &["Agree"]).0, "Text");
    }
}
