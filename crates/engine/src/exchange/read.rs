//! Reading a `.qdpx` (or bare `.qde`) into what Accord will store.
//!
//! Two steps, both before the project is touched: [`load`] opens the file
//! safely and collects the project XML, source texts, note texts and
//! `accord/extra.json`; [`prepare`] turns them into [`Prepared`] — coders,
//! codes, sources with normalised text and units, codings with offsets
//! checked against that text, cases, attributes and memos — and records in
//! the report everything that could not come along. Importing into a new
//! project and merging into an existing one both start from [`Prepared`].

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::definition::{self, Definition};
use super::extra::{self, Extra};
use super::refi::{self, Coding as RefiCoding};
use super::safety::{self, Archive, LIMITS};
use super::{ExchangeReport, derived_guid_for, step, utc_time, xml};
use crate::import::{SourceKind, UnitKind};
use crate::store::cases::{AttributeType, CaseRole};
use crate::text::{CharIndex, char_len};
use crate::{Cancel, Error, Phase, Progress, Result};

/// How many individual warnings of one kind the report lists before it
/// only counts the rest.
const WARN_EACH: usize = 20;

/// What the file holds, read safely and not yet interpreted.
pub(crate) struct Loaded {
    pub project: refi::Project,
    /// Problems found while reading the XML.
    pub warnings: Vec<crate::Problem>,
    /// Text of each source by GUID, or why there is none.
    pub texts: HashMap<String, std::result::Result<String, String>>,
    /// Text of each note kept in its own file, by GUID.
    pub note_texts: HashMap<String, String>,
    pub extra: Option<Extra>,
}

/// A coder of the file.
#[derive(Debug, Clone)]
pub(crate) struct PCoder {
    pub guid: String,
    pub name: String,
    pub created_at: String,
}

/// A code, parents before children.
#[derive(Debug, Clone)]
pub(crate) struct PCode {
    pub guid: String,
    pub parent: Option<usize>,
    pub name: String,
    pub definition: Definition,
    pub color: Option<String>,
    pub created_at: String,
}

/// An attribute.
#[derive(Debug, Clone)]
pub(crate) struct PAttribute {
    pub guid: String,
    pub name: String,
    pub kind: AttributeType,
    pub levels: Vec<String>,
}

/// A case with its values (attribute index, value).
#[derive(Debug, Clone)]
pub(crate) struct PCase {
    pub guid: String,
    pub name: String,
    pub role: CaseRole,
    pub created_at: String,
    pub values: Vec<(usize, String)>,
}

/// A unit; offsets are code points into the source's text.
#[derive(Debug, Clone)]
pub(crate) struct PUnit {
    pub start: i64,
    pub end: i64,
    pub kind: UnitKind,
    pub case: Option<usize>,
    pub speaker: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub question: Option<String>,
}

/// A source with its normalised text.
#[derive(Debug, Clone)]
pub(crate) struct PSource {
    pub guid: String,
    pub title: String,
    pub kind: SourceKind,
    pub file_name: String,
    pub text: String,
    pub imported_at: String,
    pub units: Vec<PUnit>,
    /// Whether the file had codings on this source.
    pub coded: bool,
}

/// A coding of a coder (`coder: Some`) or of the consensus layer.
#[derive(Debug, Clone)]
pub(crate) struct PCoding {
    pub guid: String,
    pub coder: Option<usize>,
    pub code: usize,
    pub source: usize,
    pub start: i64,
    pub end: i64,
    pub memo: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What a memo belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemoTarget {
    Project,
    Source(usize),
    Case(usize),
    Code(usize),
}

/// A memo.
#[derive(Debug, Clone)]
pub(crate) struct PMemo {
    pub guid: String,
    pub target: MemoTarget,
    pub coder: Option<usize>,
    pub title: String,
    pub text: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Everything to store, checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prepared {
    pub phase: Option<Phase>,
    pub coders: Vec<PCoder>,
    pub codes: Vec<PCode>,
    pub attributes: Vec<PAttribute>,
    pub cases: Vec<PCase>,
    pub sources: Vec<PSource>,
    pub codings: Vec<PCoding>,
    pub consensus: Vec<PCoding>,
    pub memos: Vec<PMemo>,
}

/// Opens `path` (a zip `.qdpx` or a bare `.qde`) and reads what Accord needs.
pub(crate) fn load(
    path: &Path,
    progress: &mut dyn FnMut(Progress),
    cancel: &Cancel,
) -> Result<Loaded> {
    let label = super::file_label(path);
    step(progress, &format!("Reading {label}"), 0, 0);
    if !safety::looks_like_zip(path)? {
        // A bare project.qde: the XML alone, without source texts.
        let bytes = safety::read_file(path, &label, LIMITS)?;
        let text = xml::decode(&bytes, &label, "")?;
        let root = xml::parse(&text, &label, "")?;
        let (project, warnings) = project_root(&root, &label, "")?;
        let texts = project
            .sources
            .iter()
            .map(|s| match &s.content {
                Some(content) => (s.guid.clone(), Ok(content.clone())),
                None => (
                    s.guid.clone(),
                    Err("the file is a bare project (.qde) without its sources folder".to_owned()),
                ),
            })
            .collect();
        return Ok(Loaded {
            project,
            warnings,
            texts,
            note_texts: HashMap::new(),
            extra: None,
        });
    }

    let mut archive = Archive::open(path, &label, LIMITS)?;
    let qde = find_qde(&archive, &label)?;
    let place = qde.name.clone();
    let bytes = archive.read(&qde)?;
    let text = xml::decode(&bytes, &label, &place)?;
    drop(bytes);
    let root = xml::parse(&text, &label, &place)?;
    drop(text);
    let (project, warnings) = project_root(&root, &label, &place)?;
    drop(root);

    let mut texts = HashMap::new();
    let total = project.sources.len() as u64;
    for (i, s) in project.sources.iter().enumerate() {
        cancel.check()?;
        step(
            progress,
            &format!("Reading {}", s.name.as_deref().unwrap_or("a source")),
            i as u64,
            total,
        );
        let result = if let Some(content) = &s.content {
            Ok(content.clone())
        } else {
            match s.plain_text_path.as_deref() {
                Some(p) => match internal_entry(&archive, p) {
                    Ok(entry) => {
                        let bytes = archive.read(&entry)?;
                        Ok(decode_text(&bytes))
                    }
                    Err(why) => Err(why),
                },
                None => Err(match s.rich_text_path.as_deref() {
                    Some(r) => format!(
                        "the file holds only its rich text ({}), which Accord does not read; export it with plain text from the other program",
                        r.rsplit('/').next().unwrap_or(r)
                    ),
                    None => "the file names no plain text for it".to_owned(),
                }),
            }
        };
        texts.insert(s.guid.clone(), result);
    }
    let mut note_texts = HashMap::new();
    for n in &project.notes {
        if n.content.is_some() {
            continue;
        }
        if let Some(entry) = n
            .plain_text_path
            .as_deref()
            .and_then(|p| internal_entry(&archive, p).ok())
        {
            let bytes = archive.read(&entry)?;
            note_texts.insert(n.guid.clone(), normalize_newlines(&decode_text(&bytes)).0);
        }
    }
    let extra = match archive.find(extra::ENTRY).cloned() {
        Some(entry) if super::is_accord_origin(project.origin.as_deref()) => {
            let bytes = archive.read(&entry)?;
            serde_json::from_slice::<Extra>(&bytes)
                .ok()
                .filter(|x| x.format == extra::FORMAT)
        }
        _ => None,
    };
    Ok(Loaded {
        project,
        warnings,
        texts,
        note_texts,
        extra,
    })
}

/// Checks the root is a REFI-QDA project and reads it.
fn project_root(
    root: &xml::Element,
    label: &str,
    place: &str,
) -> Result<(refi::Project, Vec<crate::Problem>)> {
    let ns = root.namespace.as_deref().unwrap_or("");
    if root.name != "Project" || !(ns.is_empty() || ns.starts_with("urn:QDA-XML:project")) {
        let what = if root.name == "CodeBook" {
            "it is a REFI-QDA codebook; import it as a codebook (.qdc)".to_owned()
        } else {
            format!("its root element is <{}> in namespace \"{ns}\"", root.name)
        };
        return Err(Error::import(
            label,
            place,
            format!("not a REFI-QDA project: {what}"),
        ));
    }
    let mut warnings = Vec::new();
    let project = refi::read_project(root, &mut warnings);
    Ok((project, warnings))
}

/// The project XML entry: `project.qde` at the root, else the one `.qde` at the root.
fn find_qde(archive: &Archive, label: &str) -> Result<safety::Entry> {
    let at_root: Vec<&safety::Entry> = archive
        .entries()
        .iter()
        .filter(|e| {
            !e.is_dir && !e.name.contains('/') && e.name.to_ascii_lowercase().ends_with(".qde")
        })
        .collect();
    if let Some(e) = at_root
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case("project.qde"))
    {
        return Ok((*e).clone());
    }
    match at_root.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::import(
            label,
            "",
            "the archive has no project.qde at its root; it is not a REFI-QDA project (.qdpx)",
        )),
        many => Err(Error::import(
            label,
            "",
            format!(
                "the archive has {} .qde files at its root and none is called project.qde ({}); Accord cannot tell which is the project",
                many.len(),
                many.iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The archive entry an `internal://` path names: `sources/NAME` (any case
/// of the folder and name), or `NAME` itself when it already has a folder.
fn internal_entry(archive: &Archive, path: &str) -> std::result::Result<safety::Entry, String> {
    let Some(name) = path.strip_prefix("internal://") else {
        return Err(format!(
            "its text is outside the file ({path}); Accord reads only text inside the .qdpx"
        ));
    };
    let name = name.trim_start_matches('/');
    archive
        .find(&format!("sources/{name}"))
        .or_else(|| archive.find(name))
        .cloned()
        .ok_or_else(|| format!("its text file sources/{name} is missing from the archive"))
}

/// Decodes a source's bytes: UTF-8 (the byte-order mark dropped), UTF-16
/// with a byte-order mark, and otherwise UTF-8 with damaged bytes replaced.
fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if (bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF"))
        && let Ok(s) = xml::decode(bytes, "", "")
    {
        return s;
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Normalises line ends to `\n` and returns, for remapping offsets, the
/// code point positions (in the original) of the `\r`s removed from `\r\n`.
pub(crate) fn normalize_newlines(s: &str) -> (String, Vec<usize>) {
    if !s.contains('\r') {
        return (s.to_owned(), Vec::new());
    }
    let mut out = String::with_capacity(s.len());
    let mut removed = Vec::new();
    let mut chars = s.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\r' {
            if matches!(chars.peek(), Some((_, '\n'))) {
                removed.push(i);
            } else {
                out.push('\n');
            }
        } else {
            out.push(c);
        }
    }
    (out, removed)
}

/// Maps a code point offset of the original text to the normalised one.
fn remap(offset: i64, removed: &[usize]) -> i64 {
    if offset <= 0 || removed.is_empty() {
        return offset;
    }
    offset - removed.partition_point(|&r| (r as i64) < offset) as i64
}

/// The plain-text rule: every line holding non-whitespace text is a unit
/// (paragraph), without the line's leading and trailing white space.
pub(crate) fn plain_text_units(text: &str) -> Vec<PUnit> {
    let mut units = Vec::new();
    let mut pos: i64 = 0;
    for line in text.split('\n') {
        let n = line.chars().count() as i64;
        let lead = line.chars().take_while(|c| c.is_whitespace()).count() as i64;
        if lead < n {
            let trail = line.chars().rev().take_while(|c| c.is_whitespace()).count() as i64;
            units.push(PUnit {
                start: pos + lead,
                end: pos + n - trail,
                kind: UnitKind::Paragraph,
                case: None,
                speaker: None,
                start_ms: None,
                end_ms: None,
                question: None,
            });
        }
        pos += n + 1;
    }
    units
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a selection's own copy of its text agrees with the text at its offsets.
fn text_agrees(claimed: &str, actual: &str) -> bool {
    let claimed = collapse(claimed);
    if claimed.is_empty() {
        return true;
    }
    let actual = collapse(actual);
    let stem = claimed
        .strip_suffix('…')
        .or_else(|| claimed.strip_suffix("..."))
        .unwrap_or(&claimed)
        .trim_end();
    actual == claimed || (!stem.is_empty() && actual.starts_with(stem))
}

fn normalize_color(raw: &str) -> Option<String> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            hex.chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase()
        )),
        _ => None,
    }
}

fn unique_name(taken: &mut HashSet<String>, wanted: &str, fold_case: bool) -> String {
    let key = |s: &str| {
        if fold_case {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let mut name = wanted.to_owned();
    let mut n = 2;
    while taken.contains(&key(&name)) {
        name = format!("{wanted} ({n})");
        n += 1;
    }
    taken.insert(key(&name));
    name
}

/// Counts warnings of one kind, listing the first few.
struct Tally<'r> {
    report: &'r mut ExchangeReport,
    seen: HashMap<&'static str, usize>,
}

impl Tally<'_> {
    fn warn(&mut self, kind: &'static str, place: String, message: String) {
        let n = self.seen.entry(kind).or_default();
        *n += 1;
        if *n <= WARN_EACH {
            self.report.warn(place, message);
        }
    }

    fn finish(self) {
        for (kind, n) in self.seen {
            if n > WARN_EACH {
                self.report
                    .warn("", format!("and {} more: {kind}", n - WARN_EACH));
            }
        }
    }
}

fn list_names(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(10).map(|n| format!("\"{n}\"")).collect();
    let more = names.len().saturating_sub(10);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Turns what the file holds into what Accord stores, recording the rest.
pub(crate) fn prepare(loaded: Loaded, report: &mut ExchangeReport) -> Prepared {
    let Loaded {
        project: p,
        warnings,
        mut texts,
        note_texts,
        extra,
    } = loaded;
    report.warnings.extend(warnings);
    let accord = super::is_accord_origin(p.origin.as_deref());
    let extra = if accord { extra } else { None };
    report.origin = p.origin.clone();
    let now = crate::store::now();
    let file_name = super::file_label(&report.file);
    let mut out = Prepared {
        phase: extra
            .as_ref()
            .and_then(|x| Phase::parse(&x.project.phase).ok()),
        ..Prepared::default()
    };
    let mut not_carried: Vec<String> = Vec::new();
    let mut tally = Tally {
        report,
        seen: HashMap::new(),
    };
    let time_or = |value: Option<&str>, fallback: &str| -> String {
        value
            .and_then(utc_time)
            .unwrap_or_else(|| fallback.to_owned())
    };

    // ----- notes' texts, for memos and coding memos -----------------------
    let note_by_guid: HashMap<&str, &refi::TextSource> =
        p.notes.iter().map(|n| (n.guid.as_str(), n)).collect();
    let note_text = |guid: &str| -> Option<String> {
        let n = note_by_guid.get(guid)?;
        Some(
            // XML already turned literal line ends into \n; a \r that is
            // still there was written as &#13; on purpose.
            n.content
                .clone()
                .or_else(|| note_texts.get(guid).cloned())
                .unwrap_or_default(),
        )
    };
    let mut used_notes: HashSet<String> = HashSet::new();

    // ----- users → coders ---------------------------------------------------
    enum Who {
        Coder(usize),
        Consensus,
    }
    let mut users: HashMap<String, Who> = HashMap::new();
    let mut coder_by_name: HashMap<String, usize> = HashMap::new();
    let extra_coder: HashMap<&str, &str> = extra
        .iter()
        .flat_map(|x| x.coders.iter())
        .map(|c| (c.guid.as_str(), c.created_at.as_str()))
        .collect();
    for u in &p.users {
        let name = u
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .or(u.id.as_deref().map(str::trim).filter(|n| !n.is_empty()))
            .map(str::to_owned)
            .unwrap_or_else(|| format!("User {}", &u.guid[..8]));
        let is_consensus = accord
            && name == super::CONSENSUS_USER
            && extra
                .as_ref()
                .is_none_or(|x| x.consensus_user.as_deref() == Some(u.guid.as_str()));
        if is_consensus {
            users.insert(u.guid.clone(), Who::Consensus);
            continue;
        }
        if users.contains_key(&u.guid) {
            continue;
        }
        let key = name.to_lowercase();
        if let Some(&i) = coder_by_name.get(&key) {
            tally.warn(
                "users sharing a name",
                format!("user \"{name}\""),
                "another user has the same name; both became one coder".into(),
            );
            users.insert(u.guid.clone(), Who::Coder(i));
            continue;
        }
        out.coders.push(PCoder {
            guid: u.guid.clone(),
            name: name.clone(),
            created_at: time_or(extra_coder.get(u.guid.as_str()).copied(), &now),
        });
        coder_by_name.insert(key, out.coders.len() - 1);
        users.insert(u.guid.clone(), Who::Coder(out.coders.len() - 1));
    }
    // The coder of a coding whose user is not given: the project's creator,
    // the only user, or a coder made for the purpose.
    let mut fallback_coder: Option<usize> = p
        .creating_user
        .as_ref()
        .and_then(|g| match users.get(g) {
            Some(Who::Coder(i)) => Some(*i),
            _ => None,
        })
        .or((out.coders.len() == 1).then_some(0));
    let mut unknown_users: HashMap<String, usize> = HashMap::new();
    let mut who = |guid: Option<&String>,
                   out: &mut Prepared,
                   tally: &mut Tally<'_>|
     -> Option<usize> {
        match guid.and_then(|g| users.get(g)) {
            Some(Who::Coder(i)) => return Some(*i),
            Some(Who::Consensus) => return None,
            None => {}
        }
        if let Some(g) = guid {
            if let Some(&i) = unknown_users.get(g) {
                return Some(i);
            }
            let name = format!("User {}", &g[..g.len().min(8)]);
            tally.warn(
                "unknown users",
                format!("user {g}"),
                format!("codings name a user the file does not list; they were given to a new coder \"{name}\""),
            );
            out.coders.push(PCoder {
                guid: g.clone(),
                name,
                created_at: now.clone(),
            });
            unknown_users.insert(g.clone(), out.coders.len() - 1);
            return Some(out.coders.len() - 1);
        }
        if let Some(i) = fallback_coder {
            return Some(i);
        }
        tally.warn(
            "codings without a user",
            String::new(),
            "some codings name no user; they were given to a new coder \"Imported\"".into(),
        );
        out.coders.push(PCoder {
            guid: crate::store::new_guid(),
            name: "Imported".into(),
            created_at: now.clone(),
        });
        fallback_coder = Some(out.coders.len() - 1);
        fallback_coder
    };

    // ----- codes ------------------------------------------------------------
    let mut code_index: HashMap<String, usize> = HashMap::new();
    let mut code_memo_refs: Vec<(String, MemoTarget)> = Vec::new();
    let mut sibling_names: HashMap<Option<usize>, HashSet<String>> = HashMap::new();
    let mut not_codable = 0;
    let extra_code: HashMap<&str, &str> = extra
        .iter()
        .flat_map(|x| x.codes.iter())
        .map(|c| (c.guid.as_str(), c.created_at.as_str()))
        .collect();
    let mut stack: Vec<(&refi::Code, Option<usize>)> =
        p.codes.iter().rev().map(|c| (c, None)).collect();
    while let Some((c, parent)) = stack.pop() {
        let wanted = c.name.trim();
        let wanted = if wanted.is_empty() {
            "Unnamed code"
        } else {
            wanted
        };
        let name = unique_name(sibling_names.entry(parent).or_default(), wanted, true);
        if name != wanted {
            tally.warn(
                "codes renamed",
                format!("code \"{wanted}\""),
                format!("another code of the same name has the same parent; this one is called \"{name}\""),
            );
        }
        if !c.codable {
            not_codable += 1;
        }
        let mut guid = c.guid.clone();
        if code_index.contains_key(&guid) {
            tally.warn(
                "duplicate GUIDs",
                format!("code \"{name}\""),
                "its GUID is used twice in the file; it was given a new one".into(),
            );
            guid = crate::store::new_guid();
        }
        let definition = match &c.description {
            Some(d) if accord => definition::parse(d),
            Some(d) => Definition {
                description: d.clone(),
                ..Definition::default()
            },
            None => Definition::default(),
        };
        let color = c.color.as_deref().and_then(normalize_color);
        if c.color.is_some() && color.is_none() {
            tally.warn(
                "colours",
                format!("code \"{name}\""),
                format!(
                    "its colour \"{}\" is not #rgb or #rrggbb; a palette colour was used",
                    c.color.as_deref().unwrap_or("")
                ),
            );
        }
        out.codes.push(PCode {
            guid: guid.clone(),
            parent,
            name,
            definition,
            color,
            created_at: time_or(extra_code.get(c.guid.as_str()).copied(), &now),
        });
        let index = out.codes.len() - 1;
        code_index.entry(c.guid.clone()).or_insert(index);
        for n in &c.note_refs {
            code_memo_refs.push((n.clone(), MemoTarget::Code(index)));
        }
        for child in c.children.iter().rev() {
            stack.push((child, Some(index)));
        }
    }
    if not_codable > 0 {
        tally.report.warn(
            "codebook",
            format!(
                "{} marked as not codable (isCodable=\"false\") in the file; Accord has no such mark, they are ordinary codes",
                crate::text::plural(not_codable, "code is", "codes are")
            ),
        );
    }

    // ----- variables → attributes ---------------------------------------------
    let mut attribute_index: HashMap<String, usize> = HashMap::new();
    let mut attribute_names: HashSet<String> = HashSet::new();
    let extra_attr: HashMap<&str, &extra::ExtraAttribute> = extra
        .iter()
        .flat_map(|x| x.attributes.iter())
        .map(|a| (a.guid.as_str(), a))
        .collect();
    let mut date_times = 0;
    for (i, v) in p.variables.iter().enumerate() {
        let wanted = v.name.trim();
        let wanted = if wanted.is_empty() {
            format!("Variable {}", i + 1)
        } else {
            wanted.to_owned()
        };
        let name = unique_name(&mut attribute_names, &wanted, false);
        let (kind, levels) = match extra_attr.get(v.guid.as_str()) {
            Some(a) => (AttributeType::parse(&a.kind), a.levels.clone()),
            None => (
                match v.kind.as_str() {
                    "Integer" | "Float" => AttributeType::Number,
                    "Date" => AttributeType::Date,
                    "DateTime" => {
                        date_times += 1;
                        AttributeType::Text
                    }
                    _ => AttributeType::Categorical,
                },
                Vec::new(),
            ),
        };
        let mut guid = v.guid.clone();
        if attribute_index.contains_key(&guid) {
            guid = crate::store::new_guid();
        }
        out.attributes.push(PAttribute {
            guid,
            name,
            kind,
            levels,
        });
        attribute_index
            .entry(v.guid.clone())
            .or_insert(out.attributes.len() - 1);
    }
    if date_times > 0 {
        tally.report.warn(
            "variables",
            format!(
                "{} of type DateTime became text attributes (Accord's dates have no time of day)",
                crate::text::plural(date_times, "variable", "variables")
            ),
        );
    }

    // ----- cases --------------------------------------------------------------
    let mut case_index: HashMap<String, usize> = HashMap::new();
    let mut case_names: HashSet<String> = HashSet::new();
    let extra_case: HashMap<&str, &extra::ExtraCase> = extra
        .iter()
        .flat_map(|x| x.cases.iter())
        .map(|c| (c.guid.as_str(), c))
        .collect();
    let mut case_code_refs = 0;
    for (i, c) in p.cases.iter().enumerate() {
        let wanted = c.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let wanted = wanted
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Case {}", i + 1));
        let name = unique_name(&mut case_names, &wanted, false);
        if name != wanted {
            tally.warn(
                "cases renamed",
                format!("case \"{wanted}\""),
                format!("another case has the same name; this one is called \"{name}\""),
            );
        }
        let mut values = Vec::new();
        for v in &c.values {
            match attribute_index.get(&v.variable) {
                Some(&a) if !v.value.is_empty() => values.push((a, v.value.clone())),
                Some(_) => {}
                None => tally.warn(
                    "unknown variables",
                    format!("case \"{name}\""),
                    format!("a value refers to variable {} that the file does not define; it was skipped", v.variable),
                ),
            }
        }
        case_code_refs += c.code_refs;
        let x = extra_case.get(c.guid.as_str());
        let mut guid = c.guid.clone();
        if case_index.contains_key(&guid) {
            guid = crate::store::new_guid();
        }
        out.cases.push(PCase {
            guid,
            name,
            role: x.map_or(CaseRole::Participant, |x| CaseRole::parse(&x.role)),
            created_at: time_or(x.map(|x| x.created_at.as_str()), &now),
            values,
        });
        let index = out.cases.len() - 1;
        case_index.entry(c.guid.clone()).or_insert(index);
        if let Some(d) = c.description.as_deref().filter(|d| !d.trim().is_empty()) {
            out.memos.push(PMemo {
                guid: derived_guid_for(&format!("case-description:{}", c.guid)),
                target: MemoTarget::Case(index),
                coder: None,
                title: "Description".into(),
                text: normalize_newlines(d).0,
                created_at: now.clone(),
                updated_at: now.clone(),
            });
        }
    }

    // ----- sources, selections, codings ------------------------------------
    let extra_source: HashMap<&str, &extra::ExtraSource> = extra
        .iter()
        .flat_map(|x| x.sources.iter())
        .map(|s| (s.guid.as_str(), s))
        .collect();
    let extra_updated: HashMap<&str, &str> = extra
        .iter()
        .flat_map(|x| x.codings.iter())
        .map(|c| (c.guid.as_str(), c.updated_at.as_str()))
        .collect();
    let mut source_index: HashMap<String, usize> = HashMap::new();
    let mut selection_spans: HashMap<String, (usize, i64, i64)> = HashMap::new();
    let mut source_memo_refs: Vec<(String, MemoTarget)> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    // Why texts are missing, each reason once with the sources it applies to.
    let mut missing_why: Vec<(String, Vec<String>)> = Vec::new();
    let mut missing_codings = 0;
    let mut source_values = 0;
    let mut line_ends_fixed = 0;
    let mut coding_guids: HashSet<String> = HashSet::new();
    let mut coding_notes: HashSet<String> = HashSet::new();
    for (i, s) in p.sources.iter().enumerate() {
        let title = s
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Source {}", i + 1));
        source_values += s.values;
        let raw = match texts.remove(&s.guid) {
            Some(Ok(t)) => t,
            other => {
                let why = match other {
                    Some(Err(why)) => why,
                    _ => "its text was not found".to_owned(),
                };
                match missing_why.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, titles)) => titles.push(title.clone()),
                    None => missing_why.push((why, vec![title.clone()])),
                }
                missing.push(title.clone());
                missing_codings +=
                    s.selections.iter().map(|x| x.codings.len()).sum::<usize>() + s.codings.len();
                continue;
            }
        };
        let (text, removed) = normalize_newlines(&raw);
        drop(raw);
        if !removed.is_empty() {
            line_ends_fixed += 1;
        }
        let length = char_len(&text) as i64;
        let x = extra_source.get(s.guid.as_str());
        let mut guid = s.guid.clone();
        if source_index.contains_key(&guid) {
            guid = crate::store::new_guid();
        }
        let units = match x {
            Some(x) => match extra_units(&x.units, length, &case_index) {
                Some(units) => units,
                None => {
                    tally.warn(
                        "units rebuilt",
                        format!("source \"{title}\""),
                        "its units in accord/extra.json do not fit its text; they were rebuilt from the lines of the text".into(),
                    );
                    plain_text_units(&text)
                }
            },
            None => plain_text_units(&text),
        };
        let index = out.sources.len();
        source_index.entry(s.guid.clone()).or_insert(index);
        for n in &s.note_refs {
            source_memo_refs.push((n.clone(), MemoTarget::Source(index)));
        }
        if let Some(d) = s.description.as_deref().filter(|d| !d.trim().is_empty()) {
            out.memos.push(PMemo {
                guid: derived_guid_for(&format!("source-description:{}", s.guid)),
                target: MemoTarget::Source(index),
                coder: None,
                title: "Description".into(),
                text: normalize_newlines(d).0,
                created_at: now.clone(),
                updated_at: now.clone(),
            });
        }

        let chars = CharIndex::new(&text);
        let mut coded = false;
        let whole = refi::Selection {
            guid: String::new(),
            name: None,
            text: None,
            start: 0,
            end: length,
            creating_user: s.creating_user.clone(),
            created: s.created.clone(),
            modified: s.modified.clone(),
            description: None,
            codings: s.codings.clone(),
            note_refs: Vec::new(),
        };
        let whole_source = (!s.codings.is_empty()).then_some(&whole);
        for (sel, is_whole) in s
            .selections
            .iter()
            .map(|x| (x, false))
            .chain(whole_source.map(|x| (x, true)))
        {
            let place = if is_whole {
                format!("source \"{title}\"")
            } else {
                format!("source \"{title}\", selection {}..{}", sel.start, sel.end)
            };
            let (start, end) = if is_whole {
                (0, length)
            } else {
                (remap(sel.start, &removed), remap(sel.end, &removed))
            };
            if start < 0 || end > length || start >= end {
                tally.warn(
                    "selections outside the text",
                    place,
                    format!(
                        "the selection is empty or outside the text (0..{length}); its {} skipped",
                        crate::text::plural(sel.codings.len(), "coding was", "codings were")
                    ),
                );
                continue;
            }
            if !is_whole {
                selection_spans.insert(sel.guid.clone(), (index, start, end));
                let actual = chars.slice(&text, start as usize, end as usize);
                for claimed in [sel.name.as_deref(), sel.text.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    if !text_agrees(claimed, actual) {
                        let show = |s: &str| {
                            let c = collapse(s);
                            if c.chars().count() > 60 {
                                format!("{}…", c.chars().take(60).collect::<String>())
                            } else {
                                c
                            }
                        };
                        tally.warn(
                            "selection texts that differ",
                            place.clone(),
                            format!(
                                "the file says the selection reads \"{}\" but the text at these positions is \"{}\"; the positions were kept",
                                show(claimed),
                                show(actual)
                            ),
                        );
                        break;
                    }
                }
            }
            let selection_memo: Vec<String> = sel
                .description
                .iter()
                .filter(|d| !d.trim().is_empty())
                .map(|d| normalize_newlines(d).0)
                .chain(sel.note_refs.iter().filter_map(|n| {
                    let t = note_text(n)?;
                    coding_notes.insert(n.clone());
                    Some(t)
                }))
                .collect();
            for c in &sel.codings {
                let Some(code) = c.code.as_ref().and_then(|g| code_index.get(g)).copied() else {
                    tally.warn(
                        "codings of unknown codes",
                        place.clone(),
                        format!(
                            "a coding refers to code {} that the codebook does not hold; it was skipped",
                            c.code.as_deref().unwrap_or("(none)")
                        ),
                    );
                    continue;
                };
                let RefiCoding {
                    guid: coding_guid,
                    creating_user,
                    created,
                    note_refs,
                    ..
                } = c;
                let user = creating_user.as_ref().or(sel.creating_user.as_ref());
                let is_consensus = matches!(user.and_then(|g| users.get(g)), Some(Who::Consensus));
                let coder = if is_consensus {
                    None
                } else {
                    who(user, &mut out, &mut tally)
                };
                let mut memo_parts: Vec<String> = note_refs
                    .iter()
                    .filter_map(|n| {
                        let t = note_text(n)?;
                        coding_notes.insert(n.clone());
                        Some(t)
                    })
                    .collect();
                memo_parts.extend(selection_memo.iter().cloned());
                let mut guid = coding_guid.clone();
                if !coding_guids.insert(guid.clone()) {
                    tally.warn(
                        "duplicate GUIDs",
                        place.clone(),
                        "a coding's GUID is used twice in the file; it was given a new one".into(),
                    );
                    guid = crate::store::new_guid();
                    coding_guids.insert(guid.clone());
                }
                let created_at = time_or(created.as_deref().or(sel.created.as_deref()), &now);
                let updated_at = extra_updated
                    .get(coding_guid.as_str())
                    .and_then(|u| utc_time(u))
                    .or_else(|| {
                        sel.modified
                            .as_deref()
                            .and_then(utc_time)
                            .filter(|_| !accord)
                    })
                    .unwrap_or_else(|| created_at.clone());
                let coding = PCoding {
                    guid,
                    coder,
                    code,
                    source: index,
                    start,
                    end,
                    memo: memo_parts.join("\n\n"),
                    created_at,
                    updated_at,
                };
                coded = true;
                if is_consensus {
                    out.consensus.push(coding);
                } else {
                    out.codings.push(coding);
                }
            }
        }
        out.sources.push(PSource {
            guid,
            title,
            kind: x
                .and_then(|x| SourceKind::parse(&x.kind))
                .unwrap_or(SourceKind::Notes),
            file_name: x
                .map(|x| x.file_name.clone())
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| file_name.clone()),
            text,
            imported_at: if accord {
                time_or(s.created.as_deref(), &now)
            } else {
                now.clone()
            },
            units,
            coded,
        });
    }
    if line_ends_fixed > 0 {
        tally.report.warn(
            "sources",
            format!(
                "{} had Windows line ends (\\r\\n); they were normalised to \\n and selection positions were moved to the same words",
                crate::text::plural(line_ends_fixed, "source", "sources")
            ),
        );
    }
    for (why, titles) in &missing_why {
        let place = match titles.as_slice() {
            [one] => format!("source \"{one}\""),
            many => crate::text::plural(many.len(), "source", "sources"),
        };
        tally.report.warn(place, format!("{why}; not imported"));
    }
    if !missing.is_empty() {
        let codings = if missing_codings > 0 {
            format!(
                " with their {}",
                crate::text::plural(missing_codings, "coding", "codings")
            )
        } else {
            String::new()
        };
        not_carried.push(format!(
            "{}{codings}: their text is not in the file ({})",
            crate::text::plural(missing.len(), "source", "sources"),
            list_names(&missing)
        ));
    }

    // ----- units' cases (other programs: from the cases' references) --------
    if extra.is_none() {
        let mut claims: HashMap<(usize, usize), HashSet<usize>> = HashMap::new();
        // `out.cases[i]` was made from `p.cases[i]`.
        for (case, c) in p.cases.iter().enumerate() {
            for s in &c.source_refs {
                if let Some(&si) = source_index.get(s) {
                    for u in 0..out.sources[si].units.len() {
                        claims.entry((si, u)).or_default().insert(case);
                    }
                }
            }
            for sel in &c.selection_refs {
                if let Some(&(si, start, end)) = selection_spans.get(sel) {
                    for (u, unit) in out.sources[si].units.iter().enumerate() {
                        if unit.start < end && start < unit.end {
                            claims.entry((si, u)).or_default().insert(case);
                        }
                    }
                }
            }
        }
        let mut shared = 0;
        for ((si, u), cases) in claims {
            if cases.len() == 1 {
                out.sources[si].units[u].case = cases.into_iter().next();
            } else {
                shared += 1;
            }
        }
        if shared > 0 {
            tally.report.warn(
                "cases",
                format!(
                    "{} belong to several cases in the file; Accord gives a unit one case, so they were left without one",
                    crate::text::plural(shared, "unit seems to", "units seem to")
                ),
            );
        }
    }

    // ----- notes → memos ------------------------------------------------------
    let mut targets: Vec<(String, MemoTarget)> = p
        .note_refs
        .iter()
        .map(|n| (n.clone(), MemoTarget::Project))
        .collect();
    targets.extend(source_memo_refs);
    targets.extend(code_memo_refs);
    let mut other_links = 0;
    for l in &p.links {
        let (Some(origin), Some(target)) = (&l.origin, &l.target) else {
            other_links += 1;
            continue;
        };
        let memo_target = if !note_by_guid.contains_key(origin.as_str()) {
            None
        } else if let Some(&c) = case_index.get(target) {
            Some(MemoTarget::Case(c))
        } else if let Some(&s) = source_index.get(target) {
            Some(MemoTarget::Source(s))
        } else {
            code_index.get(target).map(|&c| MemoTarget::Code(c))
        };
        match memo_target {
            Some(t) => targets.push((origin.clone(), t)),
            None => other_links += 1,
        }
    }
    let note_coder = |n: &refi::TextSource| -> Option<usize> {
        match n.creating_user.as_ref().and_then(|g| users.get(g)) {
            Some(Who::Coder(i)) => Some(*i),
            _ => None,
        }
    };
    let mut memo_guids: HashSet<String> = out.memos.iter().map(|m| m.guid.clone()).collect();
    for (note, target) in targets {
        let Some(n) = note_by_guid.get(note.as_str()) else {
            tally.warn(
                "unknown notes",
                String::new(),
                format!("a reference to note {note}, which the file does not hold, was skipped"),
            );
            continue;
        };
        used_notes.insert(note.clone());
        let guid = if memo_guids.insert(n.guid.clone()) {
            n.guid.clone()
        } else {
            let g = derived_guid_for(&format!("note-copy:{}:{:?}", n.guid, target));
            memo_guids.insert(g.clone());
            g
        };
        let created_at = time_or(n.created.as_deref(), &now);
        out.memos.push(PMemo {
            guid,
            target,
            coder: note_coder(n),
            title: n.name.clone().unwrap_or_default(),
            text: note_text(&n.guid).unwrap_or_default(),
            updated_at: time_or(n.modified.as_deref(), &created_at),
            created_at,
        });
    }
    for n in &p.notes {
        if used_notes.contains(&n.guid) || coding_notes.contains(&n.guid) {
            continue;
        }
        if !memo_guids.insert(n.guid.clone()) {
            continue;
        }
        let created_at = time_or(n.created.as_deref(), &now);
        out.memos.push(PMemo {
            guid: n.guid.clone(),
            target: MemoTarget::Project,
            coder: note_coder(n),
            title: n.name.clone().unwrap_or_default(),
            text: note_text(&n.guid).unwrap_or_default(),
            updated_at: time_or(n.modified.as_deref(), &created_at),
            created_at,
        });
    }
    if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
        out.memos.push(PMemo {
            guid: derived_guid_for(&format!("project-description:{}", p.name)),
            target: MemoTarget::Project,
            coder: None,
            title: "Description".into(),
            text: normalize_newlines(d).0,
            created_at: now.clone(),
            updated_at: now.clone(),
        });
    }

    // ----- what Accord has no place for ---------------------------------------
    if !p.sets.is_empty() {
        not_carried.push(format!(
            "{} ({}); Accord has no sets",
            crate::text::plural(p.sets.len(), "set", "sets"),
            list_names(&p.sets)
        ));
    }
    if p.graphs > 0 {
        not_carried.push(format!(
            "{}; Accord has no graphs",
            crate::text::plural(p.graphs, "graph", "graphs")
        ));
    }
    if other_links > 0 {
        not_carried.push(format!(
            "{} between codes, sources or selections; Accord has no links",
            crate::text::plural(other_links, "link", "links")
        ));
    }
    if !p.other_sources.is_empty() {
        let mut kinds: Vec<&str> = p.other_sources.iter().map(|(k, _)| *k).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let names: Vec<String> = p.other_sources.iter().map(|(_, n)| n.clone()).collect();
        not_carried.push(format!(
            "{} ({}: {}); Accord imports text sources only",
            crate::text::plural(
                p.other_sources.len(),
                "source that is not text",
                "sources that are not text"
            ),
            kinds.join(", "),
            list_names(&names)
        ));
    }
    if source_values > 0 {
        not_carried.push(format!(
            "{} of sources; Accord keeps attributes on cases only",
            crate::text::plural(source_values, "variable value", "variable values")
        ));
    }
    if case_code_refs > 0 {
        not_carried.push(format!(
            "{} of cases to codes; Accord codes text, not cases",
            crate::text::plural(case_code_refs, "reference", "references")
        ));
    }
    if p.odd_guids > 0 {
        tally.report.warn(
            "GUIDs",
            format!(
                "{} not of the form 8-4-4-4-12; Accord gave them stable GUIDs derived from them",
                crate::text::plural(p.odd_guids, "identifier was", "identifiers were")
            ),
        );
    }
    tally.finish();
    report.not_carried.extend(not_carried);
    out
}

/// Units from `accord/extra.json`, if they fit the text: inside it, in order,
/// not overlapping.
fn extra_units(
    units: &[extra::ExtraUnit],
    length: i64,
    cases: &HashMap<String, usize>,
) -> Option<Vec<PUnit>> {
    let mut out = Vec::with_capacity(units.len());
    let mut previous_end = 0;
    for u in units {
        if u.start < previous_end || u.start >= u.end || u.end > length {
            return None;
        }
        previous_end = u.end;
        out.push(PUnit {
            start: u.start,
            end: u.end,
            kind: UnitKind::parse(&u.kind).unwrap_or(UnitKind::Paragraph),
            case: u.case.as_ref().and_then(|g| cases.get(g)).copied(),
            speaker: u.speaker.clone(),
            start_ms: u.start_ms,
            end_ms: u.end_ms,
            question: u.question.clone(),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_offsets_land_on_the_same_words() {
        let original = "one\r\ntwo words\r\nthree\rfour";
        let (text, removed) = normalize_newlines(original);
        assert_eq!(text, "one\ntwo words\nthree\nfour");
        let find = |s: &str, w: &str| {
            s.chars()
                .collect::<String>()
                .find(w)
                .map(|b| s[..b].chars().count() as i64)
                .unwrap()
        };
        for word in ["one", "two words", "three", "four"] {
            let start = find(original, word);
            let end = start + word.chars().count() as i64;
            let (a, b) = (remap(start, &removed), remap(end, &removed));
            assert_eq!(crate::text::slice(&text, a as usize, b as usize), word);
        }
        // A position between \r and \n lands on the \n.
        assert_eq!(remap(4, &removed), 3);
    }

    #[test]
    fn every_line_with_text_is_a_unit() {
        let units = plain_text_units("  first line \n\n\t\nsecond\nthird  ");
        let spans: Vec<(i64, i64)> = units.iter().map(|u| (u.start, u.end)).collect();
        assert_eq!(spans, [(2, 12), (17, 23), (24, 29)]);
        assert!(plain_text_units("\n").is_empty());
    }

    #[test]
    fn selection_names_are_compared_loosely() {
        assert!(text_agrees("My mentor was\nkind", "My mentor was kind"));
        assert!(text_agrees("My mentor…", "My mentor was kind"));
        assert!(text_agrees("My mentor was...", "My mentor was kind"));
        assert!(!text_agrees("Something else", "My mentor was kind"));
    }

    #[test]
    fn colours_are_normalised() {
        assert_eq!(normalize_color("#ABC").as_deref(), Some("#aabbcc"));
        assert_eq!(normalize_color("#EF8256").as_deref(), Some("#ef8256"));
        assert_eq!(normalize_color("red"), None);
    }
}
