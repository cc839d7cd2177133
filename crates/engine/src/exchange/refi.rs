//! The parts of a REFI-QDA project Accord reads, taken from the XML tree.
//!
//! This is a faithful, forgiving reading: GUIDs are normalised (braces and
//! case dropped; a GUID that is not of the 8-4-4-4-12 form is turned into a
//! stable derived one), missing optional parts are `None`, and elements
//! Accord has no place for are counted so the import report can name them.
//! Nothing here decides what becomes of the data; `read` does.

use super::xml::Element;
use super::{derived_guid_for, normalize_guid};
use crate::Problem;

/// A REFI `User`.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub guid: String,
    pub name: Option<String>,
    pub id: Option<String>,
}

/// A REFI `Code`, with its sub-codes.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub guid: String,
    pub name: String,
    pub codable: bool,
    pub color: Option<String>,
    pub description: Option<String>,
    pub note_refs: Vec<String>,
    pub children: Vec<Code>,
}

/// A REFI `Variable`.
#[derive(Debug, Clone)]
pub(crate) struct Variable {
    pub guid: String,
    pub name: String,
    pub kind: String,
}

/// A `VariableValue`: the variable's GUID and the value as text.
#[derive(Debug, Clone)]
pub(crate) struct Value {
    pub variable: String,
    pub value: String,
}

/// A REFI `Case`.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub guid: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub code_refs: usize,
    pub values: Vec<Value>,
    pub source_refs: Vec<String>,
    pub selection_refs: Vec<String>,
}

/// A `Coding` of a selection or a whole source.
#[derive(Debug, Clone)]
pub(crate) struct Coding {
    pub guid: String,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub code: Option<String>,
    pub note_refs: Vec<String>,
}

/// A `PlainTextSelection`.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    pub guid: String,
    /// The selection's name, which some programs fill with the selected text.
    pub name: Option<String>,
    /// A `text` attribute (not in the schema, written by some programs).
    pub text: Option<String>,
    pub start: i64,
    pub end: i64,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub description: Option<String>,
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
}

/// A `TextSource` (and, with the same shape, a `Note`).
#[derive(Debug, Clone)]
pub(crate) struct TextSource {
    pub guid: String,
    pub name: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    pub content: Option<String>,
    pub description: Option<String>,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub selections: Vec<Selection>,
    /// Codings of the whole source.
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
    pub values: usize,
}

/// A `Link` between two objects.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub origin: Option<String>,
    pub target: Option<String>,
}

/// Everything Accord reads from a `project.qde`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Project {
    pub name: String,
    pub origin: Option<String>,
    pub creating_user: Option<String>,
    pub users: Vec<User>,
    pub codes: Vec<Code>,
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    pub sources: Vec<TextSource>,
    /// Picture, PDF, audio and video sources: (kind, name).
    pub other_sources: Vec<(&'static str, String)>,
    pub notes: Vec<TextSource>,
    pub links: Vec<Link>,
    pub sets: Vec<String>,
    pub graphs: usize,
    pub description: Option<String>,
    pub note_refs: Vec<String>,
    /// GUIDs that were not of the 8-4-4-4-12 form and were replaced by derived ones.
    pub odd_guids: usize,
}

struct Reader<'w> {
    warnings: &'w mut Vec<Problem>,
    odd_guids: usize,
    generated: usize,
}

impl Reader<'_> {
    fn guid_of(&mut self, e: &Element, attr: &str) -> Option<String> {
        let raw = e.attr(attr)?.trim();
        if raw.is_empty() {
            return None;
        }
        let (guid, canonical) = normalize_guid(raw);
        if !canonical {
            self.odd_guids += 1;
        }
        Some(guid)
    }

    /// The element's own `guid`, or a new one (with a warning) when it has none.
    fn own_guid(&mut self, e: &Element) -> String {
        match self.guid_of(e, "guid") {
            Some(g) => g,
            None => {
                self.generated += 1;
                let label = e.attr("name").unwrap_or("");
                self.warnings.push(Problem {
                    place: format!("<{}> \"{label}\"", e.name),
                    message: "has no guid; a new one was given".into(),
                });
                derived_guid_for(&format!("missing-guid:{}:{}", e.name, self.generated))
            }
        }
    }

    fn refs(&mut self, e: &Element, name: &str) -> Vec<String> {
        e.children_named(name)
            .filter_map(|r| self.guid_of(r, "targetGUID"))
            .collect::<Vec<_>>()
    }

    fn text_of(e: &Element, child: &str) -> Option<String> {
        e.child(child).map(|c| c.text.clone())
    }

    fn code(&mut self, e: &Element) -> Code {
        let guid = self.own_guid(e);
        let children = e.children_named("Code").map(|c| self.code(c)).collect();
        Code {
            guid,
            name: e.attr("name").unwrap_or_default().to_owned(),
            codable: e
                .attr("isCodable")
                .is_none_or(|v| v.trim() != "false" && v.trim() != "0"),
            color: e.attr("color").map(str::to_owned),
            description: Self::text_of(e, "Description"),
            note_refs: self.refs(e, "NoteRef"),
            children,
        }
    }

    fn coding(&mut self, e: &Element) -> Coding {
        Coding {
            guid: self.own_guid(e),
            creating_user: self.guid_of(e, "creatingUser"),
            created: e.attr("creationDateTime").map(str::to_owned),
            code: e
                .child("CodeRef")
                .and_then(|r| self.guid_of(r, "targetGUID")),
            note_refs: self.refs(e, "NoteRef"),
        }
    }

    fn value(&mut self, e: &Element) -> Option<Value> {
        let variable = e
            .child("VariableRef")
            .and_then(|r| self.guid_of(r, "targetGUID"))?;
        let value = e
            .children
            .iter()
            .find(|c| c.name.ends_with("Value"))
            .map(|c| c.text.trim().to_owned())?;
        Some(Value { variable, value })
    }

    fn text_source(&mut self, e: &Element) -> TextSource {
        let guid = self.own_guid(e);
        let mut selections = Vec::new();
        for s in e.children_named("PlainTextSelection") {
            let place = format!("selection {}", s.attr("guid").unwrap_or("?"));
            let pos = |attr: &str| s.attr(attr).and_then(|v| v.trim().parse::<i64>().ok());
            let (Some(start), Some(end)) = (pos("startPosition"), pos("endPosition")) else {
                self.warnings.push(Problem {
                    place,
                    message: "has no readable startPosition/endPosition; it was skipped".into(),
                });
                continue;
            };
            let codings = s.children_named("Coding").map(|c| self.coding(c)).collect();
            selections.push(Selection {
                guid: self.own_guid(s),
                name: s.attr("name").map(str::to_owned),
                text: s.attr("text").map(str::to_owned),
                start,
                end,
                creating_user: self.guid_of(s, "creatingUser"),
                created: s.attr("creationDateTime").map(str::to_owned),
                modified: s.attr("modifiedDateTime").map(str::to_owned),
                description: Self::text_of(s, "Description"),
                codings,
                note_refs: self.refs(s, "NoteRef"),
            });
        }
        let codings = e.children_named("Coding").map(|c| self.coding(c)).collect();
        TextSource {
            guid,
            name: e.attr("name").map(str::to_owned),
            plain_text_path: e.attr("plainTextPath").map(str::to_owned),
            rich_text_path: e.attr("richTextPath").map(str::to_owned),
            content: Self::text_of(e, "PlainTextContent"),
            description: Self::text_of(e, "Description"),
            creating_user: self.guid_of(e, "creatingUser"),
            created: e.attr("creationDateTime").map(str::to_owned),
            modified: e.attr("modifiedDateTime").map(str::to_owned),
            selections,
            codings,
            note_refs: self.refs(e, "NoteRef"),
            values: e.children_named("VariableValue").count(),
        }
    }
}

/// Reads a `<Project>` root element.
pub(crate) fn read_project(root: &Element, warnings: &mut Vec<Problem>) -> Project {
    let mut r = Reader {
        warnings,
        odd_guids: 0,
        generated: 0,
    };
    let mut p = Project {
        name: root.attr("name").unwrap_or_default().to_owned(),
        origin: root.attr("origin").map(str::to_owned),
        creating_user: r.guid_of(root, "creatingUserGUID"),
        description: Reader::text_of(root, "Description"),
        ..Project::default()
    };
    for u in root.grandchildren("Users", "User") {
        let guid = r.own_guid(u);
        p.users.push(User {
            guid,
            name: u.attr("name").map(str::to_owned),
            id: u.attr("id").map(str::to_owned),
        });
    }
    for codes in root
        .children_named("CodeBook")
        .flat_map(|b| b.children_named("Codes"))
    {
        for c in codes.children_named("Code") {
            let code = r.code(c);
            p.codes.push(code);
        }
    }
    for v in root.grandchildren("Variables", "Variable") {
        p.variables.push(Variable {
            guid: r.own_guid(v),
            name: v.attr("name").unwrap_or_default().to_owned(),
            kind: v.attr("typeOfVariable").unwrap_or("Text").trim().to_owned(),
        });
    }
    for c in root.grandchildren("Cases", "Case") {
        let values = c
            .children_named("VariableValue")
            .filter_map(|v| r.value(v))
            .collect();
        p.cases.push(Case {
            guid: r.own_guid(c),
            name: c.attr("name").map(str::to_owned),
            description: Reader::text_of(c, "Description"),
            code_refs: c.children_named("CodeRef").count(),
            values,
            source_refs: r.refs(c, "SourceRef"),
            selection_refs: r.refs(c, "SelectionRef"),
        });
    }
    for sources in root.children_named("Sources") {
        for s in &sources.children {
            match s.name.as_str() {
                "TextSource" => {
                    let source = r.text_source(s);
                    p.sources.push(source);
                }
                kind @ ("PictureSource" | "PDFSource" | "AudioSource" | "VideoSource") => {
                    let kind = match kind {
                        "PictureSource" => "picture",
                        "PDFSource" => "PDF",
                        "AudioSource" => "audio",
                        _ => "video",
                    };
                    p.other_sources
                        .push((kind, s.attr("name").unwrap_or_default().to_owned()));
                }
                _ => {}
            }
        }
    }
    for n in root.grandchildren("Notes", "Note") {
        let note = r.text_source(n);
        p.notes.push(note);
    }
    for l in root.grandchildren("Links", "Link") {
        p.links.push(Link {
            origin: r.guid_of(l, "originGUID"),
            target: r.guid_of(l, "targetGUID"),
        });
    }
    p.sets = root
        .grandchildren("Sets", "Set")
        .map(|s| s.attr("name").unwrap_or_default().to_owned())
        .collect();
    p.graphs = root.grandchildren("Graphs", "Graph").count();
    p.note_refs = r.refs(root, "NoteRef");
    p.odd_guids = r.odd_guids;
    p
}

/// Reads a `<CodeBook>` root element of a `.qdc`: its codes and set names.
pub(crate) fn read_codebook(
    root: &Element,
    warnings: &mut Vec<Problem>,
) -> (Vec<Code>, Vec<String>, usize) {
    let mut r = Reader {
        warnings,
        odd_guids: 0,
        generated: 0,
    };
    let codes = root
        .children_named("Codes")
        .flat_map(|c| c.children_named("Code"))
        .map(|c| r.code(c))
        .collect::<Vec<_>>();
    let sets = root
        .grandchildren("Sets", "Set")
        .map(|s| s.attr("name").unwrap_or_default().to_owned())
        .collect();
    (codes, sets, r.odd_guids)
}
