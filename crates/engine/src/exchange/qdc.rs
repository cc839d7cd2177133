//! Codebooks as `.qdc` files.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::definition::{self, Definition};
use super::import::free_guid;
use super::safety::{self, LIMITS};
use super::xml::{self, XmlWriter};
use super::{ExchangeAction, ExchangeReport, refi};
use crate::store::CodeId;
use crate::store::codes::{self, Code, CodeFields};
use crate::{Error, Project, Result};

pub(crate) fn export_qdc(project: &Project, path: &Path) -> Result<ExchangeReport> {
    let conn = &project.conn;
    let all = codes::list(conn)?;
    if all.is_empty() {
        return Err(Error::Invalid(
            "the codebook has no codes; a .qdc file must hold at least one code".into(),
        ));
    }
    let mut report = ExchangeReport::new(ExchangeAction::ExportQdc, path);
    let mut children: HashMap<Option<CodeId>, Vec<&Code>> = HashMap::new();
    for c in &all {
        children.entry(c.parent).or_default().push(c);
    }
    fn write_code(w: &mut XmlWriter, code: &Code, children: &HashMap<Option<CodeId>, Vec<&Code>>) {
        let description = definition::compose(&Definition {
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
        if description.is_empty() && kids.is_empty() {
            w.empty("Code", &attrs);
            return;
        }
        w.open("Code", &attrs);
        if !description.is_empty() {
            w.text("Description", &[], &description);
        }
        for k in kids {
            write_code(w, k, children);
        }
        w.close();
    }
    let origin = super::origin();
    let location = format!("{} {}", super::CODEBOOK_NS, super::CODEBOOK_SCHEMA);
    let mut w = XmlWriter::new();
    w.open(
        "CodeBook",
        &[
            ("xmlns", super::CODEBOOK_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", &location),
            ("origin", &origin),
        ],
    );
    w.open("Codes", &[]);
    for c in children.get(&None).map(Vec::as_slice).unwrap_or_default() {
        write_code(&mut w, c, &children);
    }
    let (xml_text, replaced) = w.finish();

    let partial = super::export::partial_path(path);
    let result = std::fs::write(&partial, xml_text.as_bytes())
        .map_err(|e| Error::io(&partial, e))
        .and_then(|_| std::fs::rename(&partial, path).map_err(|e| Error::io(path, e)));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    report.written.codes = all.len() as i64;
    let memos: i64 = conn.query_row(
        "SELECT count(*) FROM memos WHERE target_kind = 'code'",
        [],
        |r| r.get(0),
    )?;
    if memos > 0 {
        report.not_carried.push(format!(
            "{memos} code memo{}: a codebook file holds no notes (export the project as .qdpx to keep them)",
            if memos == 1 { "" } else { "s" }
        ));
    }
    if replaced > 0 {
        report.not_carried.push(format!(
            "{replaced} character{} that XML cannot hold (control characters) replaced by \u{FFFD}",
            if replaced == 1 { "" } else { "s" }
        ));
    }
    Ok(report)
}

pub(crate) fn import_qdc(project: &mut Project, path: &Path) -> Result<ExchangeReport> {
    let label = super::file_label(path);
    let bytes = safety::read_file(path, &label, LIMITS)?;
    let text = xml::decode(&bytes, &label, "")?;
    let root = xml::parse(&text, &label, "")?;
    let ns = root.namespace.as_deref().unwrap_or("");
    if root.name != "CodeBook" || !(ns.is_empty() || ns.starts_with("urn:QDA-XML:codebook")) {
        let what = if root.name == "Project" {
            "it is a REFI-QDA project; import it as a project (.qdpx)".to_owned()
        } else {
            format!("its root element is <{}> in namespace \"{ns}\"", root.name)
        };
        return Err(Error::import(
            &label,
            "",
            format!("not a REFI-QDA codebook: {what}"),
        ));
    }
    let mut report = ExchangeReport::new(ExchangeAction::ImportQdc, path);
    report.origin = root.attr("origin").map(str::to_owned);
    let accord = super::is_accord_origin(report.origin.as_deref());
    let mut warnings = Vec::new();
    let (codes_in_file, sets, odd) = refi::read_codebook(&root, &mut warnings);
    report.warnings.extend(warnings);
    if codes_in_file.is_empty() {
        return Err(Error::import(&label, "", "the codebook holds no codes"));
    }

    let (written, matched) = project.change(None, |c| {
        let mut written = 0i64;
        let mut matched = 0i64;
        let mut stack: Vec<(&refi::Code, Option<CodeId>)> = codes_in_file.iter().rev().map(|x| (x, None)).collect();
        let mut warn = Vec::new();
        while let Some((k, parent)) = stack.pop() {
            let name = k.name.trim();
            let name = if name.is_empty() { "Unnamed code" } else { name };
            let mut fields = CodeFields::default();
            if let Some(d) = &k.description {
                if accord {
                    let d = definition::parse(d);
                    fields.description = Some(d.description);
                    fields.inclusion = Some(d.inclusion);
                    fields.exclusion = Some(d.exclusion);
                    fields.example = Some(d.example);
                } else {
                    fields.description = Some(super::read::normalize_newlines(d).0);
                }
            }
            if let Some(color) = &k.color {
                match codes::valid_color(&expand_short_color(color)) {
                    Ok(c) => fields.color = Some(c),
                    Err(_) => warn.push((format!("code \"{name}\""), format!("its colour \"{color}\" is not #rgb or #rrggbb; it was ignored"))),
                }
            }
            let by_guid = codes::by_guid(c, &k.guid)?.map(|x| x.id);
            let existing = match by_guid {
                Some(id) => Some(id),
                None => c
                    .query_row(
                        "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2 COLLATE NOCASE",
                        params![parent, name],
                        |r| r.get(0),
                    )
                    .optional()?,
            };
            let id = match existing {
                Some(id) => {
                    let current = codes::get(c, id)?;
                    // A code matched by GUID was renamed in the other
                    // program; one matched by name keeps its own spelling.
                    if by_guid.is_some() && current.name != name {
                        if codes::name_taken(c, current.parent, name, Some(id))? {
                            warn.push((
                                format!("code \"{}\"", current.name),
                                format!("the file calls it \"{name}\", a name already used beside it; it kept its name"),
                            ));
                        } else {
                            fields.name = Some(name.to_owned());
                        }
                    }
                    codes::update(c, id, &fields)?;
                    matched += 1;
                    id
                }
                None => {
                    fields.name = Some(name.to_owned());
                    let guid = free_guid(c, "codes", &k.guid)?;
                    written += 1;
                    codes::insert(c, parent, &fields, Some(&guid))?
                }
            };
            for child in k.children.iter().rev() {
                stack.push((child, Some(id)));
            }
        }
        c.log(
            "exchange.import_qdc",
            serde_json::json!({ "file": label, "origin": report.origin, "created": written, "updated": matched }),
        )?;
        Ok((written, matched, warn))
    })
    .map(|(w, m, warn)| {
        for (place, message) in warn {
            report.warn(place, message);
        }
        (w, m)
    })?;
    report.written.codes = written;
    report.matched.codes = matched;
    if !sets.is_empty() {
        report.not_carried.push(format!(
            "{} of codes ({}); Accord has no sets",
            if sets.len() == 1 {
                "1 set".to_owned()
            } else {
                format!("{} sets", sets.len())
            },
            sets.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if odd > 0 {
        report.warn(
            "GUIDs",
            format!("{odd} identifiers were not of the form 8-4-4-4-12; Accord gave them stable GUIDs derived from them"),
        );
    }
    Ok(report)
}

fn expand_short_color(raw: &str) -> String {
    let t = raw.trim();
    match t.strip_prefix('#') {
        Some(h) if h.len() == 3 => {
            format!("#{}", h.chars().flat_map(|c| [c, c]).collect::<String>())
        }
        _ => t.to_owned(),
    }
}
