//! Word documents (`.docx`): the paragraphs of the main document, read
//! safely.
//!
//! A `.docx` is a zip archive of XML parts. Hostile files are stopped before
//! they cost memory or time: the archive may hold at most
//! [`MAX_ZIP_ENTRIES`] entries, no entry may declare more than
//! [`MAX_ZIP_ENTRY_BYTES`] uncompressed and all together no more than
//! [`MAX_ZIP_TOTAL_BYTES`]; reading stops as soon as an entry inflates past
//! what it declared or past the limit (zip bombs lie about their sizes); XML
//! with a DOCTYPE is refused, so no entity is ever expanded.
//!
//! The XML is read with `quick-xml` rather than a DOCX crate: Accord needs
//! only paragraph text and a few paragraph properties, and owning the reader
//! keeps the limits above in one place.
//!
//! What a paragraph's text holds: the text of its runs (also inside
//! hyperlinks, fields' results, inserted tracked changes and table cells),
//! `\t` for a tab, `\n` for a line, page or column break. Left out: deleted
//! tracked changes, field instructions, hidden text, text boxes, drawings,
//! comments, footnotes, headers and footers.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

use super::{check_size, sniff_binary};
use crate::{Error, Problem, Result};

/// The most entries a Word or Excel archive may hold.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// The largest uncompressed size one archive entry may have (100 MB).
pub const MAX_ZIP_ENTRY_BYTES: u64 = 100 * 1024 * 1024;
/// The largest uncompressed size all entries together may have (300 MB).
pub const MAX_ZIP_TOTAL_BYTES: u64 = 300 * 1024 * 1024;

/// One paragraph of a Word document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocxParagraph {
    /// The paragraph's text; `\t` for tabs and `\n` for line breaks. Not
    /// trimmed; empty for an empty paragraph.
    pub text: String,
    /// The heading level: 0 for the Title style, 1–9 for Heading 1–9 (or a
    /// style with that outline level); `None` for body text.
    pub heading: Option<u8>,
    /// True for an item of a bulleted or numbered list.
    pub list_item: bool,
}

/// The limits a zip archive is checked against before it is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ZipLimits {
    pub(crate) entries: usize,
    pub(crate) entry_bytes: u64,
    pub(crate) total_bytes: u64,
}

pub(crate) const ZIP_LIMITS: ZipLimits = ZipLimits {
    entries: MAX_ZIP_ENTRIES,
    entry_bytes: MAX_ZIP_ENTRY_BYTES,
    total_bytes: MAX_ZIP_TOTAL_BYTES,
};

/// Reads the paragraphs of a Word document's main text, in order.
///
/// Errors name what is wrong in words a researcher can act on: not a Word
/// document (and what it looks like instead), an archive cut short, an
/// archive too large or with too many entries, XML that is damaged.
pub fn paragraphs(file_name: &str, bytes: &[u8]) -> Result<Vec<DocxParagraph>> {
    paragraphs_with_limits(file_name, bytes, ZIP_LIMITS)
}

pub(crate) fn paragraphs_with_limits(
    file_name: &str,
    bytes: &[u8],
    limits: ZipLimits,
) -> Result<Vec<DocxParagraph>> {
    let mut archive = open_zip(file_name, bytes, "Word document", limits)?;
    let main = main_document_part(file_name, &mut archive, limits)?;
    let Some(document) = read_entry(file_name, &mut archive, &main, limits)? else {
        return Err(Error::import(
            file_name,
            "",
            format!(
                "is not a Word document: it is a zip archive without the document part ({main})"
            ),
        ));
    };
    let folder = main.rsplit_once('/').map_or("", |(dir, _)| dir);
    let styles_part = if folder.is_empty() {
        "styles.xml".to_owned()
    } else {
        format!("{folder}/styles.xml")
    };
    let styles = match read_entry(file_name, &mut archive, &styles_part, limits)? {
        Some(xml) => read_styles(
            file_name,
            &styles_part,
            &xml_text(file_name, &styles_part, &xml)?,
        )?,
        None => HashMap::new(),
    };
    read_document(
        file_name,
        &main,
        &xml_text(file_name, &main, &document)?,
        &styles,
    )
}

/// Opens a zip archive after checking it against `limits`. `what` names the
/// expected kind of file in messages ("Word document", "Excel workbook").
pub(crate) fn open_zip<'a>(
    file_name: &str,
    bytes: &'a [u8],
    what: &str,
    limits: ZipLimits,
) -> Result<ZipArchive<Cursor<&'a [u8]>>> {
    check_size(file_name, bytes)?;
    let fail = |message: String| Error::import(file_name, "", message);
    if bytes.is_empty() {
        return Err(fail("the file is empty".to_owned()));
    }
    if !bytes.starts_with(b"PK") {
        let a_what = article(what);
        let extension = if what.starts_with("Word") {
            "docx"
        } else {
            "xlsx"
        };
        return Err(fail(match sniff_binary(bytes) {
            Some(kind) if kind.starts_with("an older Office") => format!(
                "is not {a_what} in the current format: it looks like {kind}. Open it in Office, save it as .{extension} and import that"
            ),
            Some(kind) => format!("is not {a_what}: it looks like a binary file ({kind})"),
            None if looks_like_text(bytes) => format!(
                "is not {a_what}: it looks like plain text. If it is, give it the extension of its contents (.txt, .csv, .vtt …)"
            ),
            None => format!("is not {a_what}: it is not a zip archive"),
        }));
    }
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        fail(match e {
            ZipError::UnsupportedArchive(reason) => {
                format!("is {} that Accord cannot open ({reason})", article(what))
            }
            _ => format!(
                "is not a complete {what} (the zip archive is cut short or damaged); save it again and import the new file"
            ),
        })
    })?;
    if archive.len() > limits.entries {
        return Err(fail(format!(
            "is not a normal {what}: its zip archive holds {} entries (the limit is {}); it was not opened, to protect Accord from a zip bomb",
            archive.len(),
            limits.entries
        )));
    }
    let mut total: u64 = 0;
    let mut problems = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(|_| {
            fail(format!(
                "is not a complete {what} (the zip archive is cut short or damaged)"
            ))
        })?;
        let size = entry.size();
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if size > limits.entry_bytes {
            problems.push(Problem {
                place: name,
                message: format!(
                    "declares {} uncompressed (the limit is {}); the file was not opened, to protect Accord from a zip bomb",
                    megabytes(size),
                    megabytes(limits.entry_bytes)
                ),
            });
        }
        total = total.saturating_add(size);
    }
    if total > limits.total_bytes {
        problems.push(Problem {
            place: String::new(),
            message: format!(
                "its parts declare {} uncompressed in all (the limit is {}); the file was not opened, to protect Accord from a zip bomb",
                megabytes(total),
                megabytes(limits.total_bytes)
            ),
        });
    }
    if !problems.is_empty() {
        return Err(Error::Import {
            file: file_name.to_owned(),
            problems,
        });
    }
    Ok(archive)
}

/// Reads one entry of a checked archive; `None` when there is no such entry.
/// Stops as soon as the entry inflates past its declared size or the limit.
pub(crate) fn read_entry(
    file_name: &str,
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: ZipLimits,
) -> Result<Option<Vec<u8>>> {
    let fail = |message: String| Error::import(file_name, name, message);
    let entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(ZipError::UnsupportedArchive(reason)) => {
            return Err(fail(format!("cannot be read ({reason})")));
        }
        Err(_) => {
            return Err(fail(
                "cannot be read: the zip archive is cut short or damaged".to_owned(),
            ));
        }
    };
    let declared = entry.size();
    let mut out = Vec::with_capacity(declared.min(limits.entry_bytes).min(16 << 20) as usize);
    // Zip bombs declare small sizes; `take` bounds what is inflated whatever
    // the header says.
    let result = entry.take(limits.entry_bytes + 1).read_to_end(&mut out);
    match result {
        Ok(_) if out.len() as u64 > limits.entry_bytes => Err(fail(format!(
            "inflates to more than {}; the file was refused, to protect Accord from a zip bomb",
            megabytes(limits.entry_bytes)
        ))),
        Ok(_) => Ok(Some(out)),
        Err(e) if e.to_string().contains("larger than its declared") => Err(fail(
            "inflates to more than its declared size; the file was refused, to protect Accord from a zip bomb"
                .to_owned(),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(fail(
            "is cut short: the file is not a complete archive; save it again and import the new file"
                .to_owned(),
        )),
        Err(e) => Err(fail(format!("is damaged and cannot be decompressed ({e})"))),
    }
}

/// "a Word document", "an Excel workbook".
fn article(what: &str) -> String {
    let an = what.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']);
    format!("{} {what}", if an { "an" } else { "a" })
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes.div_ceil(1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(1024)];
    !sample.contains(&0) && std::str::from_utf8(sample).is_ok_and(|s| !s.is_empty())
}

/// Finds the main document part from the package relationships, falling
/// back to the usual `word/document.xml`.
fn main_document_part(
    file_name: &str,
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    limits: ZipLimits,
) -> Result<String> {
    const RELS: &str = "_rels/.rels";
    let fallback = "word/document.xml".to_owned();
    let Some(rels) = read_entry(file_name, archive, RELS, limits)? else {
        return Ok(fallback);
    };
    let xml = xml_text(file_name, RELS, &rels)?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let kind = attr(&e, "Type").unwrap_or_default();
                if kind.ends_with("/officeDocument")
                    && let Some(target) = attr(&e, "Target")
                {
                    return Ok(target.trim_start_matches('/').to_owned());
                }
            }
            Ok(Event::DocType(_)) => return Err(doctype(file_name, RELS)),
            Ok(Event::Eof) | Err(_) => return Ok(fallback),
            Ok(_) => {}
        }
    }
}

/// XML parts are UTF-8 (rarely UTF-16 with a BOM).
fn xml_text(file_name: &str, part: &str, bytes: &[u8]) -> Result<String> {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        let (enc, _) = encoding_rs::Encoding::for_bom(bytes).expect("a UTF-16 BOM was seen");
        return Ok(enc.decode_with_bom_removal(bytes).0.into_owned());
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        Error::import(
            file_name,
            part,
            "is damaged: its XML is not valid UTF-8 text",
        )
    })
}

fn doctype(file_name: &str, part: &str) -> Error {
    Error::import(
        file_name,
        part,
        "holds a DOCTYPE declaration, which Word never writes; the file was refused because such declarations can be used to attack the program that reads them",
    )
}

fn xml_error(file_name: &str, part: &str, position: u64, e: &quick_xml::Error) -> Error {
    Error::import(
        file_name,
        part,
        format!("is damaged: its XML cannot be read near byte {position} ({e})"),
    )
}

/// The unescaped value of an attribute, by qualified name or local name.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = a.key.local_name().into_inner();
        (key == name || local == name).then(|| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.clone().into_owned())
        })
    })
}

/// What a paragraph style means for Accord.
#[derive(Debug, Clone, Copy, Default)]
struct StyleInfo {
    heading: Option<u8>,
    list: bool,
}

/// Maps paragraph style ids to heading levels and list-ness, by the
/// style's English name ("heading 1", "Title", "List Bullet"), which Word
/// keeps even in localised documents, or its outline level.
fn read_styles(file_name: &str, part: &str, xml: &str) -> Result<HashMap<String, StyleInfo>> {
    let mut styles = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<(String, StyleInfo)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(file_name, part, reader.error_position(), &e))?;
        match event {
            Event::DocType(_) => return Err(doctype(file_name, part)),
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "style" => {
                    let id = attr(&e, "w:styleId").unwrap_or_default();
                    let info = StyleInfo {
                        heading: style_heading(&id),
                        list: id.to_ascii_lowercase().starts_with("list"),
                    };
                    current = Some((id, info));
                }
                "name" => {
                    if let Some((_, info)) = current.as_mut() {
                        let name = attr(&e, "w:val").unwrap_or_default();
                        if let Some(level) = style_heading(&name) {
                            info.heading = Some(level);
                        }
                        if name.to_ascii_lowercase().starts_with("list") {
                            info.list = true;
                        }
                    }
                }
                "outlineLvl" => {
                    if let Some((_, info)) = current.as_mut()
                        && let Some(level) = outline_level(&e)
                    {
                        info.heading = info.heading.or(Some(level));
                    }
                }
                "numPr" => {
                    if let Some((_, info)) = current.as_mut() {
                        info.list = true;
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "style" => {
                if let Some((id, info)) = current.take() {
                    styles.insert(id, info);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(styles)
}

/// "Heading1", "heading 1", "Title" → the level.
fn style_heading(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase().replace(' ', "");
    if lower == "title" {
        return Some(0);
    }
    let digits = lower.strip_prefix("heading")?;
    match digits.parse::<u8>() {
        Ok(level @ 1..=9) => Some(level),
        _ => None,
    }
}

fn outline_level(e: &BytesStart<'_>) -> Option<u8> {
    match attr(e, "w:val")?.parse::<u8>() {
        Ok(level @ 0..=8) => Some(level + 1),
        _ => None,
    }
}

/// Elements whose content is not part of the main text.
fn skipped(local: &str) -> bool {
    matches!(
        local,
        "delText"
            | "instrText"
            | "delInstrText"
            | "txbxContent"
            | "Fallback"
            | "drawing"
            | "pict"
            | "object"
            | "footnoteReference"
            | "endnoteReference"
            | "commentReference"
    )
}

#[derive(Default)]
struct ParagraphState {
    paragraph: DocxParagraph,
    style_heading: Option<u8>,
    own_heading: Option<u8>,
    style_list: bool,
    hidden_run: bool,
}

fn read_document(
    file_name: &str,
    part: &str,
    xml: &str,
    styles: &HashMap<String, StyleInfo>,
) -> Result<Vec<DocxParagraph>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut skip = 0usize;
    let mut in_ppr = 0usize;
    let mut in_rpr = 0usize;
    let mut in_run = 0usize;
    let mut in_text = false;
    let mut current: Option<ParagraphState> = None;
    let mut saw_body = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(file_name, part, reader.error_position(), &e))?;
        match event {
            Event::DocType(_) => return Err(doctype(file_name, part)),
            Event::Eof => break,
            Event::Start(e) => {
                let local = e.local_name().into_inner().to_owned();
                if skipped(&local) {
                    skip += 1;
                    continue;
                }
                if skip > 0 {
                    continue;
                }
                match local.as_str() {
                    "body" => saw_body = true,
                    "p" => current = Some(ParagraphState::default()),
                    "pPr" => in_ppr += 1,
                    "rPr" => in_rpr += 1,
                    "r" => {
                        in_run += 1;
                        if let Some(p) = current.as_mut() {
                            p.hidden_run = false;
                        }
                    }
                    "t" if in_run > 0 => in_text = true,
                    _ => paragraph_property(&mut current, &e, &local, in_ppr, in_rpr, styles),
                }
            }
            Event::Empty(e) => {
                if skip > 0 {
                    continue;
                }
                let local = e.local_name().into_inner().to_owned();
                match local.as_str() {
                    "p" => out.push(DocxParagraph::default()),
                    _ if in_run > 0 && in_rpr == 0 && in_ppr == 0 => {
                        if let Some(p) = current.as_mut().filter(|p| !p.hidden_run) {
                            match local.as_str() {
                                "tab" | "ptab" => p.paragraph.text.push('\t'),
                                "br" | "cr" => p.paragraph.text.push('\n'),
                                "noBreakHyphen" => p.paragraph.text.push('-'),
                                _ => {}
                            }
                        }
                    }
                    _ => paragraph_property(&mut current, &e, &local, in_ppr, in_rpr, styles),
                }
            }
            Event::End(e) => {
                let local = e.local_name().into_inner();
                if skipped(local) {
                    skip = skip.saturating_sub(1);
                    continue;
                }
                if skip > 0 {
                    continue;
                }
                match local {
                    "p" => {
                        if let Some(state) = current.take() {
                            let mut paragraph = state.paragraph;
                            paragraph.heading = state.own_heading.or(state.style_heading);
                            paragraph.list_item |= state.style_list;
                            out.push(paragraph);
                        }
                    }
                    "pPr" => in_ppr = in_ppr.saturating_sub(1),
                    "rPr" => in_rpr = in_rpr.saturating_sub(1),
                    "r" => in_run = in_run.saturating_sub(1),
                    "t" => in_text = false,
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip == 0 => {
                if let Some(p) = current.as_mut().filter(|p| !p.hidden_run) {
                    p.paragraph.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if in_text && skip == 0 => {
                if let Some(p) = current.as_mut().filter(|p| !p.hidden_run) {
                    p.paragraph.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text && skip == 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => {
                            return Err(Error::import(
                                file_name,
                                part,
                                format!("is damaged: it uses the undefined entity &{};", &*r),
                            ));
                        }
                    },
                    Err(e) => {
                        return Err(xml_error(file_name, part, reader.buffer_position(), &e));
                    }
                };
                if let Some(p) = current.as_mut().filter(|p| !p.hidden_run) {
                    p.paragraph.text.push_str(&resolved);
                }
            }
            _ => {}
        }
    }
    if !saw_body {
        return Err(Error::import(
            file_name,
            part,
            "is not a Word document body (no <w:body> element)",
        ));
    }
    Ok(out)
}

/// Applies a paragraph or run property element to the open paragraph.
fn paragraph_property(
    current: &mut Option<ParagraphState>,
    e: &BytesStart<'_>,
    local: &str,
    in_ppr: usize,
    in_rpr: usize,
    styles: &HashMap<String, StyleInfo>,
) {
    let Some(p) = current.as_mut() else { return };
    if in_ppr > 0 && in_rpr == 0 {
        match local {
            "pStyle" => {
                let id = attr(e, "w:val").unwrap_or_default();
                let info = styles.get(&id).copied().unwrap_or(StyleInfo {
                    heading: style_heading(&id),
                    list: id.to_ascii_lowercase().starts_with("list"),
                });
                p.style_heading = info.heading;
                p.style_list = info.list;
            }
            "numPr" => p.paragraph.list_item = true,
            "outlineLvl" => p.own_heading = outline_level(e),
            _ => {}
        }
    } else if in_rpr > 0 && in_ppr == 0 && matches!(local, "vanish" | "specVanish") {
        let off = attr(e, "w:val").is_some_and(|v| matches!(v.as_str(), "0" | "false" | "off"));
        if !off {
            p.hidden_run = true;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// Builds a zip archive from (name, bytes) entries.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            writer.start_file(*name, options).expect("start entry");
            writer.write_all(bytes).expect("write entry");
        }
        writer.finish().expect("finish zip").into_inner()
    }

    /// A minimal Word document whose body is `body` (WordprocessingML).
    pub(crate) fn docx_of(body: &str) -> Vec<u8> {
        zip_of(&[
            ("word/document.xml", document_xml(body).as_bytes()),
            ("word/styles.xml", STYLES.as_bytes()),
        ])
    }

    pub(crate) fn document_xml(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}<w:sectPr/></w:body></w:document>"#
        )
    }

    /// Paragraph XML for tests: `p("text")`.
    pub(crate) fn p(text: &str) -> String {
        format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
    }

    const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Listenabsatz"><w:name w:val="List Paragraph"/></w:style>
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
</w:styles>"#;

    fn check(body: &str, expected: &[(&str, Option<u8>, bool)]) {
        let paragraphs = paragraphs("notes.docx", &docx_of(body)).expect("a valid document");
        let got: Vec<(&str, Option<u8>, bool)> = paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.heading, p.list_item))
            .collect();
        assert_eq!(
            got, expected,
            "paragraphs (text, heading, list item) of {body}"
        );
    }

    fn error_of(bytes: &[u8]) -> String {
        paragraphs("notes.docx", bytes)
            .expect_err("this document must be refused")
            .to_string()
    }

    #[test]
    fn runs_tabs_breaks_and_entities_make_the_paragraph_text() {
        check(
            r#"<w:p><w:r><w:t>Caf</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>é &amp; 日本 😀</w:t></w:r><w:r><w:tab/><w:t>x</w:t><w:br/><w:t>y</w:t></w:r></w:p>"#,
            &[("Café & 日本 😀\tx\ny", None, false)],
        );
        check(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>tab stops are not tabs</w:t></w:r></w:p><w:p/>"#,
            &[("tab stops are not tabs", None, false), ("", None, false)],
        );
        check(
            r#"<w:p><w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> and &#x2014; </w:t></w:r></w:p>"#,
            &[("link and — ", None, false)],
        );
    }

    #[test]
    fn headings_come_from_styles_outline_levels_and_style_ids() {
        check(
            &[
                r#"<w:p><w:pPr><w:pStyle w:val="Titel"/></w:pPr><w:r><w:t>Interview with Ana</w:t></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Background</w:t></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Unknown style id</w:t></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>Outline level</w:t></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t>Body</w:t></w:r></w:p>"#,
            ]
            .concat(),
            &[
                ("Interview with Ana", Some(0), false),
                ("Background", Some(1), false),
                ("Unknown style id", Some(2), false),
                ("Outline level", Some(3), false),
                ("Body", None, false),
            ],
        );
    }

    #[test]
    fn list_items_are_marked() {
        check(
            &[
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>numbered</w:t></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:pStyle w:val="Listenabsatz"/></w:pPr><w:r><w:t>by style</w:t></w:r></w:p>"#,
            ]
            .concat(),
            &[("numbered", None, true), ("by style", None, true)],
        );
    }

    #[test]
    fn deleted_hidden_field_code_and_text_box_text_is_left_out() {
        check(
            &[
                r#"<w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:ins><w:r><w:t>kept</w:t></w:r></w:ins></w:p>"#,
                r#"<w:p><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>1</w:t></w:r></w:p>"#,
                r#"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:t>shown</w:t></w:r></w:p>"#,
                r#"<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:p><w:r><w:t>box</w:t></w:r></w:p></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>after</w:t></w:r></w:p>"#,
                r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            ]
            .concat(),
            &[
                ("kept", None, false),
                ("1", None, false),
                ("shown", None, false),
                ("after", None, false),
                ("cell", None, false),
            ],
        );
    }

    #[test]
    fn the_main_part_is_found_through_the_package_relationships() {
        let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        let bytes = zip_of(&[
            ("_rels/.rels", rels.as_bytes()),
            (
                "word/document2.xml",
                document_xml(&p("from document2")).as_bytes(),
            ),
        ]);
        let got = paragraphs("x.docx", &bytes).expect("valid");
        assert_eq!(
            got[0].text, "from document2",
            "the relationship's target is the main part"
        );
    }

    #[test]
    fn not_a_docx_gets_a_clear_message() {
        let message = error_of(b"\x89PNG\r\n\x1a\n....");
        assert!(message.contains("binary file (a PNG image)"), "{message}");
        let message = error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....");
        assert!(
            message.contains("save it as .docx"),
            "an old .doc is recognised: {message}"
        );
        let message = error_of(b"Maria: hello\n");
        assert!(message.contains("plain text"), "{message}");
        let message = error_of(&zip_of(&[("xl/workbook.xml", b"<workbook/>")]));
        assert!(
            message.contains("without the document part (word/document.xml)"),
            "a zip without word/document.xml is not a Word document: {message}"
        );
    }

    #[test]
    fn files_over_200_mb_are_refused_before_unzipping() {
        let big = vec![0u8; crate::import::MAX_FILE_BYTES + 1];
        let message = error_of(&big);
        assert!(
            message.contains("up to 200 MB"),
            "the limit is stated: {message}"
        );
    }

    #[test]
    fn a_truncated_docx_is_reported_as_cut_short() {
        let whole = docx_of(&p("hello"));
        for cut in [whole.len() / 2, whole.len() - 10, 30] {
            let message = error_of(&whole[..cut]);
            assert!(
                message.contains("is not a complete Word document (the zip archive is cut short"),
                "cut at {cut} of {}: {message}",
                whole.len()
            );
        }
    }

    #[test]
    fn doctype_is_refused_so_no_entity_is_expanded() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#;
        let message = error_of(&zip_of(&[("word/document.xml", xml.as_bytes())]));
        assert!(
            message.contains("word/document.xml: holds a DOCTYPE"),
            "the part with the DOCTYPE is named: {message}"
        );
    }

    #[test]
    fn damaged_xml_names_the_part() {
        let xml = document_xml("<w:p><w:r><w:t>open</w:r></w:p>");
        let message = error_of(&zip_of(&[("word/document.xml", xml.as_bytes())]));
        assert!(
            message.contains("word/document.xml: is damaged"),
            "{message}"
        );
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..=MAX_ZIP_ENTRIES).map(|i| format!("f{i}")).collect();
        let mut entries: Vec<(&str, &[u8])> =
            names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let doc = document_xml(&p("x"));
        entries.push(("word/document.xml", doc.as_bytes()));
        let message = error_of(&zip_of(&entries));
        assert!(
            message.contains("holds 10002 entries (the limit is 10000)"),
            "the entry count and the limit are stated: {message}"
        );
    }

    /// Rewrites the declared uncompressed size of every entry (in the local
    /// and the central headers), as a hostile archive would.
    pub(crate) fn declare_size(zip: &mut [u8], size: u32) {
        let mut i = 0;
        while i + 4 <= zip.len() {
            match &zip[i..i + 4] {
                b"PK\x03\x04" => {
                    zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                    i += 30;
                }
                b"PK\x01\x02" => {
                    zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                    i += 46;
                }
                _ => i += 1,
            }
        }
    }

    #[test]
    fn an_entry_declaring_more_than_100_mb_is_refused_unread() {
        let mut zip = docx_of(&p("x"));
        declare_size(&mut zip, 150 * 1024 * 1024);
        let message = error_of(&zip);
        assert!(
            message
                .contains("word/document.xml: declares 150 MB uncompressed (the limit is 100 MB)"),
            "the entry and its declared size are named: {message}"
        );
    }

    #[test]
    fn entries_declaring_more_than_300_mb_together_are_refused() {
        let doc = document_xml(&p("x"));
        let mut zip = zip_of(&[
            ("word/document.xml", doc.as_bytes()),
            ("a", b"a"),
            ("b", b"b"),
            ("c", b"c"),
        ]);
        declare_size(&mut zip, 90 * 1024 * 1024);
        let message = error_of(&zip);
        assert!(
            message.contains("declare 360 MB uncompressed in all (the limit is 300 MB)"),
            "the total is stated: {message}"
        );
    }

    #[test]
    fn a_bomb_that_lies_about_its_size_is_stopped_while_inflating() {
        // 50 MB of spaces inside a paragraph compress to ~50 KB; the headers
        // claim 1 KB.
        let mut xml = document_xml(&p("start")).into_bytes();
        let tail = xml.split_off(xml.len() - 40);
        xml.extend(std::iter::repeat_n(b' ', 50 * 1024 * 1024));
        xml.extend(tail);
        let mut zip = zip_of(&[("word/document.xml", &xml)]);
        assert!(zip.len() < 1024 * 1024, "the bomb is small on disk");
        declare_size(&mut zip, 1024);
        let message = error_of(&zip);
        assert!(
            message.contains("word/document.xml: inflates to more than"),
            "inflating stops and names the part: {message}"
        );
        // The same bomb, declared honestly, is stopped by Accord's own limit.
        let zip = zip_of(&[("word/document.xml", &xml)]);
        let limits = ZipLimits {
            entry_bytes: 1024 * 1024,
            ..ZIP_LIMITS
        };
        let err = paragraphs_with_limits("notes.docx", &zip, limits)
            .expect_err("over the entry limit")
            .to_string();
        assert!(err.contains("declares 51 MB"), "{err}");
    }
}
