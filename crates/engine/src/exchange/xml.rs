//! A small XML tree for REFI-QDA files, and a writer.
//!
//! Reading: the document is refused before parsing if it declares a
//! DOCTYPE or entities (the classic "billion laughs" and external-entity
//! attacks need one), nesting is limited, and the result is a plain tree of
//! local names, attributes and text. Line ends are normalised as XML
//! requires (`\r\n` → `\n`), and character references such as `&#13;` are
//! resolved afterwards, so a carriage return written as a reference survives.
//!
//! Writing: [`XmlWriter`] escapes text and attributes so that every string
//! reads back exactly (`\r`, `\t` and `\n` in attributes become character
//! references), and replaces the few characters XML 1.0 cannot hold at all,
//! counting them so that the export report can say so.

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use crate::{Error, Result};

/// The deepest nesting accepted (REFI-QDA code trees are rarely deeper than 10).
const MAX_DEPTH: usize = 256;

/// An element: local name, attributes by local name, children and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    /// The local name (any namespace prefix removed).
    pub name: String,
    /// Attributes by local name, in document order.
    pub attrs: Vec<(String, String)>,
    /// Child elements in order.
    pub children: Vec<Element>,
    /// The element's own text (its text nodes concatenated).
    pub text: String,
    /// The namespace URI the element's prefix (or the default) is bound to,
    /// filled for the root only.
    pub namespace: Option<String>,
}

impl Element {
    /// An attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child with this name.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this name.
    pub(crate) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The children of the first child called `container` that are called `name`
    /// (e.g. `Users` → `User`).
    pub(crate) fn grandchildren<'a>(
        &'a self,
        container: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children_named(container)
            .flat_map(move |c| c.children_named(name))
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Turns the bytes of an XML file into text: UTF-8 (a byte-order mark is
/// dropped) or UTF-16 with a byte-order mark.
pub(crate) fn decode(bytes: &[u8], file: &str, place: &str) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(str::to_owned)
            .map_err(|e| Error::import(file, place, format!("the XML is not valid UTF-8 ({e})")));
    }
    let utf16 = |rest: &[u8], le: bool| -> Result<String> {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units)
            .map_err(|e| Error::import(file, place, format!("the XML is not valid UTF-16 ({e})")))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    }
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| Error::import(file, place, format!("the XML is not valid UTF-8 ({e})")))
}

/// Refuses documents that declare a DOCTYPE or entities, before any content
/// is parsed. REFI-QDA never needs either; both are how XML attacks start.
fn refuse_declarations(text: &str, file: &str, place: &str) -> Result<()> {
    let upper = |s: &str| s.to_ascii_uppercase();
    let probe = upper(text);
    for (needle, what) in [
        ("<!DOCTYPE", "a DOCTYPE declaration"),
        ("<!ENTITY", "an entity declaration"),
    ] {
        if probe.contains(needle) {
            return Err(Error::import(
                file,
                place,
                format!(
                    "the XML contains {what}, which REFI-QDA files never need; the file was refused as unsafe"
                ),
            ));
        }
    }
    Ok(())
}

/// Parses a whole document into its root element.
pub(crate) fn parse(text: &str, file: &str, place: &str) -> Result<Element> {
    refuse_declarations(text, file, place)?;
    let bad = |message: String| Error::import(file, place, message);
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            bad(format!(
                "the XML is not well-formed near byte {position}: {e}"
            ))
        })?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(bad("the XML has content after its root element".into()));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format!(
                        "the XML nests elements more than {MAX_DEPTH} deep"
                    )));
                }
                let raw_name = start.name().as_ref().to_owned();
                let mut element = Element {
                    name: local(&raw_name).to_owned(),
                    ..Element::default()
                };
                let mut namespaces: Vec<(String, String)> = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| {
                        bad(format!("a <{raw_name}> attribute is not well-formed: {e}"))
                    })?;
                    let key = attr.key.as_ref().to_owned();
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| {
                            bad(format!(
                                "the <{raw_name}> attribute {key} cannot be read: {e}"
                            ))
                        })?
                        .into_owned();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        namespaces.push((
                            key.trim_start_matches("xmlns")
                                .trim_start_matches(':')
                                .to_owned(),
                            value,
                        ));
                        continue;
                    }
                    element.attrs.push((local(&key).to_owned(), value));
                }
                if stack.is_empty() {
                    let prefix = raw_name
                        .rsplit_once(':')
                        .map(|(p, _)| p.to_owned())
                        .unwrap_or_default();
                    element.namespace = namespaces
                        .iter()
                        .find(|(p, _)| *p == prefix)
                        .map(|(_, v)| v.clone());
                }
                if matches!(event, Event::Empty(_)) {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => root = Some(element),
                    }
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| bad("the XML closes an element it never opened".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                } else if !t.xml10_content().trim().is_empty() {
                    return Err(bad("the XML has text outside its root element".into()));
                }
            }
            Event::CData(c) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| bad(format!("a character reference cannot be read: {e}")))?
                        .map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .map(str::to_owned)
                };
                let resolved = resolved.ok_or_else(|| {
                    bad(format!(
                        "the XML refers to an undeclared entity &{};",
                        r.xml10_content()
                    ))
                })?;
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => {
                return Err(bad(
                    "the XML contains a DOCTYPE declaration; the file was refused as unsafe".into(),
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(bad("the XML ends before its root element is closed".into()));
    }
    root.ok_or_else(|| bad("the file holds no XML element".into()))
}

/// Writes indented XML, escaping everything so that it reads back exactly.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
    /// Characters XML 1.0 cannot hold that were replaced by U+FFFD.
    pub replaced: usize,
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

impl XmlWriter {
    /// A writer that has written the XML declaration.
    pub(crate) fn new() -> XmlWriter {
        XmlWriter {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            ..XmlWriter::default()
        }
    }

    fn escape_into(&mut self, s: &str, attribute: bool) {
        for c in s.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' if attribute => self.out.push_str("&quot;"),
                '\r' => self.out.push_str("&#13;"),
                '\n' if attribute => self.out.push_str("&#10;"),
                '\t' if attribute => self.out.push_str("&#9;"),
                c if allowed_in_xml(c) => self.out.push(c),
                _ => {
                    self.replaced += 1;
                    self.out.push('\u{FFFD}');
                }
            }
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('\n');
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.escape_into(v, true);
            self.out.push('"');
        }
    }

    /// Opens an element that will hold children.
    pub(crate) fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.open.push(name);
    }

    /// Closes the innermost open element.
    pub(crate) fn close(&mut self) {
        let name = self.open.pop().expect("close matches an open");
        self.out.push('\n');
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes an element without content.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
    }

    /// Writes an element holding only text, exactly (no indentation inside).
    pub(crate) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.escape_into(text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// The document.
    pub(crate) fn finish(mut self) -> (String, usize) {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.push('\n');
        (self.out, self.replaced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_strings_read_back_exactly() {
        let tricky = "a & b < c > \"d\" 'e'\r\n\ttab\nline\u{1F600} 王\r";
        let mut w = XmlWriter::new();
        w.open("Root", &[("xmlns", "urn:x"), ("name", tricky)]);
        w.text("Description", &[], tricky);
        w.empty("Empty", &[("v", "  spaced  ")]);
        let (xml, replaced) = w.finish();
        assert_eq!(replaced, 0);
        let root = parse(&xml, "t", "").unwrap();
        assert_eq!(root.namespace.as_deref(), Some("urn:x"));
        assert_eq!(
            root.attr("name"),
            Some(tricky),
            "attribute values survive, \\r \\n \\t included"
        );
        assert_eq!(
            root.child("Description").unwrap().text,
            tricky,
            "text survives, \\r included"
        );
        assert_eq!(root.child("Empty").unwrap().attr("v"), Some("  spaced  "));
    }

    #[test]
    fn characters_xml_cannot_hold_are_replaced_and_counted() {
        let mut w = XmlWriter::new();
        w.text("T", &[], "a\u{1}b\u{FFFF}");
        let (xml, replaced) = w.finish();
        assert_eq!(replaced, 2);
        assert_eq!(parse(&xml, "t", "").unwrap().text, "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn literal_crlf_in_content_is_normalised_as_xml_requires() {
        let root = parse("<a x=\"1\r\n2\">one\r\ntwo&#13;</a>", "t", "").unwrap();
        assert_eq!(root.text, "one\ntwo\r");
        assert_eq!(root.attr("x"), Some("1 2"), "attribute value normalisation");
    }

    #[test]
    fn prefixed_names_and_namespaces() {
        let root = parse(
            "<?xml version=\"1.0\"?><q:Project xmlns:q=\"urn:QDA-XML:project:1.0\" q:name=\"n\"><q:Users/></q:Project>",
            "t",
            "",
        )
        .unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.namespace.as_deref(), Some("urn:QDA-XML:project:1.0"));
        assert_eq!(root.attr("name"), Some("n"));
        assert!(root.child("Users").is_some());
    }

    #[test]
    fn declarations_and_unknown_entities_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><a>&lol;</a>";
        let err = parse(bomb, "t", "").unwrap_err().to_string();
        assert!(err.contains("DOCTYPE"), "{err}");
        let err = parse("<a>&lol;</a>", "t", "").unwrap_err().to_string();
        assert!(err.contains("undeclared entity"), "{err}");
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(
            parse(&deep, "t", "")
                .unwrap_err()
                .to_string()
                .contains("deep")
        );
    }

    #[test]
    fn byte_order_marks_are_understood() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>", "t", "").unwrap(), "<a/>");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<a/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, "t", "").unwrap(), "<a/>");
    }
}
