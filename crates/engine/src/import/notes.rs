//! Interview notes from plain text, Markdown and Word: paragraphs are units.
//!
//! The stored text, by format:
//!
//! - **Plain text** (`.txt` and unknown text extensions): the file's text as
//!   it is, with `\n` line ends. Each line holding non-white-space text is one
//!   [`UnitKind::Paragraph`] (the REFI-QDA plain-text rule).
//! - **Markdown** (`.md`, `.markdown`): the readable text, one line per
//!   source line, blank lines kept. `#` heading marks are removed and the
//!   line becomes a [`UnitKind::Heading`] (so are setext headings, whose
//!   `===`/`---` underline line is dropped); bullets (`-`, `*`, `+`) become
//!   "• " followed by the item's text; numbered items keep their number
//!   ("1. "); `>` quote marks, emphasis marks (`*`, `_`, `**`, `~~`), code
//!   backticks and link targets are removed (`[text](url)` keeps `text`);
//!   code fence lines, thematic breaks (`---`) and YAML front matter are
//!   dropped. List nesting is not kept. Every other line is a paragraph.
//! - **Word**: one line per Word paragraph; runs of empty paragraphs become
//!   one blank line. Heading and Title styles make headings; list items get
//!   a leading "• " (numbered lists too: their numbers live in Word's
//!   numbering definitions, which are not read). A line break inside a
//!   paragraph stays a `\n` inside the unit; blank lines inside a paragraph
//!   are dropped.
//!
//! In every format a unit starts at the line's first and ends after its last
//! non-white-space character. The title is the first heading (or the
//! Markdown front matter's `title:`), else the file name without extension.

use super::docx::{self, DocxParagraph};
use super::text::{TextBuilder, is_space, tidy_lines, trim};
use super::{ParsedCase, ParsedImport, ParsedSource, ParsedUnit, SourceKind, UnitKind, decode};
use crate::{Error, Result};

/// What the caller knows about the notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotesOptions {
    /// The interviewee (or other case) every paragraph belongs to.
    pub case: Option<String>,
    /// The title; by default the first heading, else the file name without
    /// extension.
    pub title: Option<String>,
}

/// Reads notes from `.txt`, `.md`/`.markdown` or `.docx` bytes (chosen by the
/// file name's extension; any other extension is read as plain text).
pub fn parse(file_name: &str, bytes: &[u8], options: &NotesOptions) -> Result<ParsedImport> {
    match super::extension(file_name).as_str() {
        "docx" => {
            let paragraphs = docx::paragraphs(file_name, bytes)?;
            let (source, _) = from_paragraphs(file_name, &paragraphs, options)?;
            Ok(finish(source, options, None, Vec::new()))
        }
        ext => {
            let decoded = decode(file_name, bytes)?;
            let source = if matches!(ext, "md" | "markdown") {
                from_markdown(file_name, &decoded.text, options)
            } else {
                from_plain_text(file_name, &decoded.text, options)
            };
            Ok(finish(
                source,
                options,
                Some(decoded.encoding),
                decoded.warnings,
            ))
        }
    }
}

fn finish(
    mut source: ParsedSource,
    options: &NotesOptions,
    encoding: Option<super::TextEncoding>,
    warnings: Vec<crate::Problem>,
) -> ParsedImport {
    let case = options
        .case
        .as_deref()
        .map(trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    for unit in &mut source.units {
        unit.case.clone_from(&case);
    }
    ParsedImport {
        sources: vec![source],
        cases: case
            .into_iter()
            .map(|name| ParsedCase {
                name,
                ..ParsedCase::default()
            })
            .collect(),
        encoding,
        warnings,
    }
}

fn title_or_stem(file_name: &str, options: &NotesOptions, found: Option<String>) -> String {
    options
        .title
        .as_deref()
        .map(trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or(found)
        .unwrap_or_else(|| super::file_stem(file_name))
}

/// The unit covering a line's non-white-space text, if it has any.
fn line_unit(line_start: usize, line: &str, kind: UnitKind) -> Option<ParsedUnit> {
    let lead = line.chars().take_while(|&c| is_space(c)).count();
    let body = trim(line);
    if body.is_empty() {
        return None;
    }
    let start = line_start + lead;
    Some(ParsedUnit {
        start,
        end: start + body.chars().count(),
        kind: Some(kind),
        ..ParsedUnit::default()
    })
}

/// Plain text: the text as it is; every line with text is a paragraph.
pub(crate) fn from_plain_text(file_name: &str, text: &str, options: &NotesOptions) -> ParsedSource {
    let mut units = Vec::new();
    let mut pos = 0;
    for line in text.split('\n') {
        units.extend(line_unit(pos, line, UnitKind::Paragraph));
        pos += line.chars().count() + 1;
    }
    ParsedSource {
        kind: SourceKind::Notes,
        title: title_or_stem(file_name, options, None),
        text: text.to_owned(),
        units,
    }
}

/// Lines of readable text, each with the unit kind it will get.
struct Lines {
    lines: Vec<(String, UnitKind)>,
}

impl Lines {
    fn into_source(self, title: String) -> ParsedSource {
        let mut builder = TextBuilder::default();
        let mut units = Vec::new();
        for (i, (line, kind)) in self.lines.iter().enumerate() {
            if i > 0 {
                builder.push("\n");
            }
            units.extend(line_unit(builder.pos(), line, *kind));
            builder.push(line);
        }
        ParsedSource {
            kind: SourceKind::Notes,
            title,
            text: builder.finish(),
            units,
        }
    }
}

/// Markdown: readable text without markup; see the module documentation.
pub(crate) fn from_markdown(file_name: &str, text: &str, options: &NotesOptions) -> ParsedSource {
    let mut all: Vec<&str> = text.split('\n').collect();
    let mut front_title = None;
    if all.first().is_some_and(|l| l.trim_end() == "---")
        && let Some(close) = all
            .iter()
            .skip(1)
            .position(|l| matches!(l.trim_end(), "---" | "..."))
    {
        for line in &all[1..=close] {
            if let Some(value) = line.strip_prefix("title:") {
                let value = trim(value).trim_matches(['"', '\'']);
                if !value.is_empty() {
                    front_title = Some(value.to_owned());
                }
            }
        }
        all.drain(..close + 2);
    }

    let mut out = Lines { lines: Vec::new() };
    let mut fence: Option<String> = None;
    let mut previous_blank = true;
    let mut first_heading = None;
    for raw in all {
        let line = raw.trim_end_matches(is_space);
        let t = trim(line);
        if let Some(marker) = &fence {
            if t.starts_with(marker.as_str()) && trim(&t[marker.len()..]).is_empty() {
                fence = None;
            } else {
                out.lines.push((line.to_owned(), UnitKind::Paragraph));
            }
            previous_blank = false;
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            let c = t.chars().next().expect("not empty");
            fence = Some(t.chars().take_while(|&x| x == c).collect());
            continue;
        }
        if t.is_empty() {
            out.lines.push((String::new(), UnitKind::Paragraph));
            previous_blank = true;
            continue;
        }
        if t.starts_with("<!--") && t.ends_with("-->") {
            continue;
        }
        let setext = t.len() >= 2 && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'));
        if setext
            && !previous_blank
            && let Some(last) = out.lines.last_mut()
            && last.1 == UnitKind::Paragraph
            && !trim(&last.0).is_empty()
        {
            last.1 = UnitKind::Heading;
            if first_heading.is_none() {
                first_heading = Some(trim(&last.0).to_owned());
            }
            previous_blank = false;
            continue;
        }
        if is_thematic_break(t) {
            previous_blank = true;
            continue;
        }
        previous_blank = false;
        let (body, kind) = markdown_line(t);
        if kind == UnitKind::Heading && first_heading.is_none() && !body.is_empty() {
            first_heading = Some(body.clone());
        }
        out.lines.push((body, kind));
    }
    let title = title_or_stem(file_name, options, front_title.or(first_heading));
    out.into_source(title)
}

fn is_thematic_break(t: &str) -> bool {
    let mut marks = t.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_') && marks.clone().count() >= 2 && marks.all(|c| c == first)
}

/// One trimmed, non-empty Markdown line to readable text and its kind.
fn markdown_line(t: &str) -> (String, UnitKind) {
    let mut t = t;
    // Block quotes: drop the markers, read the rest as a line of its own.
    while let Some(rest) = t.strip_prefix('>') {
        t = trim(rest);
    }
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) {
        let rest = &t[hashes..];
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            let mut body = trim(rest);
            // An optional closing sequence: " ##".
            let closing = body.trim_end_matches('#');
            if closing.len() < body.len() && (closing.is_empty() || closing.ends_with(' ')) {
                body = closing.trim_end();
            }
            return (strip_inline(body), UnitKind::Heading);
        }
    }
    for bullet in ["- ", "* ", "+ ", "-\t", "*\t", "+\t"] {
        if let Some(rest) = t.strip_prefix(bullet) {
            return (
                format!("• {}", strip_inline(trim(rest))),
                UnitKind::Paragraph,
            );
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &t[digits..];
        if let Some(item) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (
                format!(
                    "{}{} {}",
                    &t[..digits],
                    &rest[..1],
                    strip_inline(trim(item))
                ),
                UnitKind::Paragraph,
            );
        }
    }
    (strip_inline(t), UnitKind::Paragraph)
}

/// Removes inline Markdown markup: emphasis, strike-through, code
/// backticks, link and image targets, autolink brackets and backslash
/// escapes. Text that only looks like markup ("5 * 3", "[inaudible]",
/// snake_case) is kept.
pub(crate) fn strip_inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    strip_chars(&chars, &mut out);
    out
}

fn strip_chars(chars: &[char], out: &mut String) {
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        match c {
            '\\' if i + 1 < n && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let k = run_length(chars, i, '`');
                match find_run(chars, i + k, '`', k) {
                    Some(j) => {
                        let inner: String = chars[i + k..j].iter().collect();
                        let inner =
                            if inner.len() >= 2 && inner.starts_with(' ') && inner.ends_with(' ') {
                                inner[1..inner.len() - 1].to_owned()
                            } else {
                                inner
                            };
                        out.push_str(&inner);
                        i = j + k;
                    }
                    None => {
                        out.extend(&chars[i..i + k]);
                        i += k;
                    }
                }
            }
            '!' if chars.get(i + 1) == Some(&'[') => match link(chars, i + 1) {
                Some((text, next)) => {
                    strip_chars(text, out);
                    i = next;
                }
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            '[' => match link(chars, i) {
                Some((text, next)) => {
                    strip_chars(text, out);
                    i = next;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '<' => {
                let close = chars[i..].iter().position(|&x| x == '>').map(|p| p + i);
                let inner: Option<String> = close.map(|j| chars[i + 1..j].iter().collect());
                match (close, inner) {
                    (Some(j), Some(inner))
                        if (inner.starts_with("http://")
                            || inner.starts_with("https://")
                            || inner.starts_with("mailto:"))
                            && !inner.contains(char::is_whitespace) =>
                    {
                        out.push_str(&inner);
                        i = j + 1;
                    }
                    _ => {
                        out.push('<');
                        i += 1;
                    }
                }
            }
            '*' | '_' | '~' => {
                let k = run_length(chars, i, c).min(3);
                let can_open = chars.get(i + k).is_some_and(|x| !x.is_whitespace())
                    && (c != '_' || i == 0 || !chars[i - 1].is_alphanumeric())
                    && (c != '~' || k == 2);
                let close = if can_open {
                    closing_delimiter(chars, i + k, c, k)
                } else {
                    None
                };
                match close {
                    Some(j) => {
                        strip_chars(&chars[i + k..j], out);
                        i = j + k;
                    }
                    None => {
                        out.extend(&chars[i..i + k]);
                        i += k;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

fn run_length(chars: &[char], i: usize, c: char) -> usize {
    chars[i..].iter().take_while(|&&x| x == c).count()
}

/// The start of the next run of exactly `k` `c`s at or after `from`.
fn find_run(chars: &[char], from: usize, c: char, k: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == c {
            let len = run_length(chars, j, c);
            if len == k {
                return Some(j);
            }
            j += len;
        } else {
            j += 1;
        }
    }
    None
}

/// A closing emphasis run of `k` `c`s: preceded by non-white space, and for
/// `_` not followed by a letter or digit.
fn closing_delimiter(chars: &[char], from: usize, c: char, k: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '\\' {
            j += 2;
            continue;
        }
        if chars[j] == c {
            let len = run_length(chars, j, c);
            let after = chars.get(j + len);
            if len == k
                && j > from
                && !chars[j - 1].is_whitespace()
                && (c != '_' || !after.is_some_and(|x| x.is_alphanumeric()))
            {
                return Some(j);
            }
            j += len;
        } else {
            j += 1;
        }
    }
    None
}

/// `[text](target)` or `[text][ref]` starting at `open`: the text and the
/// index after the link.
fn link(chars: &[char], open: usize) -> Option<(&[char], usize)> {
    let close = matching(chars, open, '[', ']')?;
    match chars.get(close + 1) {
        Some('(') => {
            let end = matching(chars, close + 1, '(', ')')?;
            Some((&chars[open + 1..close], end + 1))
        }
        Some('[') => {
            let end = matching(chars, close + 1, '[', ']')?;
            Some((&chars[open + 1..close], end + 1))
        }
        _ => None,
    }
}

fn matching(chars: &[char], open: usize, o: char, c: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = open;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            x if x == o => depth += 1,
            x if x == c => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Word paragraphs: one line each; see the module documentation. Also
/// returns, for each unit, the index of the paragraph it came from.
pub(crate) fn from_paragraphs(
    file_name: &str,
    paragraphs: &[DocxParagraph],
    options: &NotesOptions,
) -> Result<(ParsedSource, Vec<usize>)> {
    let mut lines = Lines { lines: Vec::new() };
    let mut origins = Vec::new();
    let mut first_heading = None;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let body = tidy_lines(&paragraph.text);
        if body.is_empty() {
            if lines.lines.last().is_some_and(|(l, _)| !l.is_empty()) {
                lines.lines.push((String::new(), UnitKind::Paragraph));
            }
            continue;
        }
        let kind = if paragraph.heading.is_some() {
            if first_heading.is_none() {
                first_heading = Some(body.clone());
            }
            UnitKind::Heading
        } else {
            UnitKind::Paragraph
        };
        let body = if paragraph.list_item && kind == UnitKind::Paragraph {
            format!("• {body}")
        } else {
            body
        };
        lines.lines.push((body, kind));
        origins.push(index);
    }
    while lines.lines.last().is_some_and(|(l, _)| l.is_empty()) {
        lines.lines.pop();
    }
    if origins.is_empty() {
        return Err(Error::import(file_name, "", "the document holds no text"));
    }
    let title = title_or_stem(file_name, options, first_heading);
    Ok((lines.into_source(title), origins))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::docx::tests::{docx_of, p};

    /// Parses `input` as notes named `file_name` and checks each unit's kind
    /// and the text its offsets select.
    fn check(file_name: &str, input: &str, expected: &[(UnitKind, &str)]) -> ParsedSource {
        let parsed = parse(file_name, input.as_bytes(), &NotesOptions::default())
            .expect("these notes are valid");
        source_matches(&parsed.sources[0], expected);
        parsed.sources.into_iter().next().expect("one source")
    }

    fn source_matches(source: &ParsedSource, expected: &[(UnitKind, &str)]) {
        let got: Vec<(UnitKind, String)> = source
            .units
            .iter()
            .map(|u| {
                (
                    u.kind.expect("notes units have a kind"),
                    source
                        .text
                        .chars()
                        .skip(u.start)
                        .take(u.end - u.start)
                        .collect(),
                )
            })
            .collect();
        let expected: Vec<(UnitKind, String)> = expected
            .iter()
            .map(|(k, t)| (*k, (*t).to_owned()))
            .collect();
        assert_eq!(
            got, expected,
            "units (kind, text selected by the code-point offsets) of {:?}",
            source.text
        );
        for pair in source.units.windows(2) {
            assert!(
                pair[0].end < pair[1].start,
                "units are in order and do not overlap"
            );
        }
    }

    use UnitKind::{Heading, Paragraph};

    #[test]
    fn plain_text_lines_are_paragraphs_without_surrounding_white_space() {
        let source = check(
            "Interview Ana.txt",
            "  Café com leite ☕  \n\n\t日本語のメモ\t\nZoë 😀 said \"yes\"\r\n   \n",
            &[
                (Paragraph, "Café com leite ☕"),
                (Paragraph, "日本語のメモ"),
                (Paragraph, "Zoë 😀 said \"yes\""),
            ],
        );
        assert_eq!(
            source.title, "Interview Ana",
            "a text file's title is its stem"
        );
        assert_eq!(
            source.text, "  Café com leite ☕  \n\n\t日本語のメモ\t\nZoë 😀 said \"yes\"\n   \n",
            "plain text is stored as it is, with \\n line ends"
        );
    }

    #[test]
    fn markdown_markup_is_removed_and_headings_marked() {
        let source = check(
            "ana.md",
            "# Interview with *Zoë* 😀 #\n\nShe **loved** the `mentor`.\n- first [link](http://x.org) item\n* second\n  + nested\n1. numbered\n> quoted _text_\n## 日本\n",
            &[
                (Heading, "Interview with Zoë 😀"),
                (Paragraph, "She loved the mentor."),
                (Paragraph, "• first link item"),
                (Paragraph, "• second"),
                (Paragraph, "• nested"),
                (Paragraph, "1. numbered"),
                (Paragraph, "quoted text"),
                (Heading, "日本"),
            ],
        );
        assert_eq!(
            source.title, "Interview with Zoë 😀",
            "the first heading is the title"
        );
    }

    #[test]
    fn markdown_setext_fences_breaks_and_front_matter() {
        let source = check(
            "n.md",
            "---\ntitle: \"Mentor notes\"\ndate: 2024-03-01\n---\nBackground\n==========\n\nText *not closed\n\n---\n\n```\n# not a heading **raw**\n```\nSub\n---\n",
            &[
                (Heading, "Background"),
                (Paragraph, "Text *not closed"),
                (Paragraph, "# not a heading **raw**"),
                (Heading, "Sub"),
            ],
        );
        assert_eq!(source.title, "Mentor notes", "front matter's title wins");
    }

    #[test]
    fn inline_markup_that_is_really_text_is_kept() {
        for (input, expected) in [
            ("5 * 3 * 2 = 30", "5 * 3 * 2 = 30"),
            (
                "[inaudible] then snake_case_name",
                "[inaudible] then snake_case_name",
            ),
            ("**bold *and italic* text**", "bold and italic text"),
            ("~~gone~~ and \\*escaped\\*", "gone and *escaped*"),
            ("![a photo](p.png) <https://x.org>", "a photo https://x.org"),
            ("ref [link][1] here", "ref link here"),
            ("__under__ _it_ x_y_z", "under it x_y_z"),
        ] {
            assert_eq!(strip_inline(input), expected, "inline markup of {input:?}");
        }
    }

    #[test]
    fn word_paragraphs_become_lines_with_headings_and_bullets() {
        let body = [
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Entrevista — São Paulo</w:t></w:r></w:p>"#,
            "<w:p/><w:p/>",
            &p("Ela disse: café 😀"),
            r#"<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>日本</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:t>two</w:t><w:br/><w:br/><w:t xml:space="preserve">lines  </w:t></w:r></w:p>"#,
            "<w:p/>",
        ]
        .concat();
        let parsed = parse("visit.docx", &docx_of(&body), &NotesOptions::default()).expect("valid");
        let source = &parsed.sources[0];
        source_matches(
            source,
            &[
                (Heading, "Entrevista — São Paulo"),
                (Paragraph, "Ela disse: café 😀"),
                (Paragraph, "• 日本"),
                (Paragraph, "two\nlines"),
            ],
        );
        assert_eq!(
            source.text, "Entrevista — São Paulo\n\nEla disse: café 😀\n• 日本\ntwo\nlines",
            "empty paragraphs collapse into one blank line; trailing ones are dropped"
        );
        assert_eq!(source.title, "Entrevista — São Paulo");
        assert_eq!(
            parsed.encoding, None,
            "Word files have no text encoding to report"
        );
    }

    #[test]
    fn the_case_is_put_on_every_unit_and_listed() {
        let parsed = parse(
            "ana.txt",
            "one\ntwo\n".as_bytes(),
            &NotesOptions {
                case: Some("  Ana Souza ".to_owned()),
                title: Some("Interview 1".to_owned()),
            },
        )
        .expect("valid");
        assert!(
            parsed.sources[0]
                .units
                .iter()
                .all(|u| u.case.as_deref() == Some("Ana Souza")),
            "every paragraph belongs to the interviewee (trimmed)"
        );
        assert_eq!(parsed.cases.len(), 1, "the interviewee is listed once");
        assert_eq!(parsed.cases[0].name, "Ana Souza");
        assert_eq!(parsed.sources[0].title, "Interview 1", "a given title wins");
    }

    #[test]
    fn an_empty_document_is_refused() {
        let err = parse("x.docx", &docx_of("<w:p/>"), &NotesOptions::default())
            .expect_err("no text")
            .to_string();
        assert!(err.contains("holds no text"), "{err}");
        let err = parse("x.md", b"  \n\n", &NotesOptions::default())
            .expect_err("no text")
            .to_string();
        assert!(err.contains("the file is empty"), "{err}");
    }
}
