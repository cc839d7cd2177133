//! Small shared pieces for building a source's text and units.

use super::{ParsedUnit, UnitKind};

/// Builds a source's text while counting code points, so that unit offsets
/// are code points without rescanning the text.
#[derive(Debug, Default)]
pub(crate) struct TextBuilder {
    text: String,
    chars: usize,
}

impl TextBuilder {
    /// The position (in code points) where the next push starts.
    pub(crate) fn pos(&self) -> usize {
        self.chars
    }

    /// Appends text.
    pub(crate) fn push(&mut self, s: &str) {
        self.chars += s.chars().count();
        self.text.push_str(s);
    }

    /// True when nothing was pushed yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `body` as a unit of `kind` and returns it with its offsets set.
    pub(crate) fn push_unit(&mut self, body: &str, kind: UnitKind) -> ParsedUnit {
        let start = self.pos();
        self.push(body);
        ParsedUnit {
            start,
            end: self.pos(),
            kind: Some(kind),
            ..ParsedUnit::default()
        }
    }

    /// The finished text.
    pub(crate) fn finish(self) -> String {
        self.text
    }
}

/// Whitespace as Accord trims it: Unicode white space, plus the zero-width
/// and byte-order marks that Word and web exports leave around text.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}' | '\u{200e}' | '\u{200f}')
}

/// Trims [`is_space`] characters from both ends.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Collapses every run of white space (including line breaks) into one space
/// and trims the ends.
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in trim(s).split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Tidies a multi-line piece of text for storage as one unit: trailing white
/// space is removed from each line, blank lines are dropped and the ends are
/// trimmed. A unit's body therefore never holds an empty line, so a blank
/// line (`\n\n`) in a stored text always separates two units.
pub(crate) fn tidy_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let line = line.trim_end_matches(is_space);
        if trim(line).is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(if out.is_empty() { trim(line) } else { line });
    }
    out
}

/// 1-based line number of a byte offset into `text`.
pub(crate) fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Formats milliseconds as `HH:MM:SS.mmm`, for messages.
pub(crate) fn format_ms(ms: i64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{h:02}:{m:02}:{s:02}.{milli:03}")
}

/// Shortens text for a message, keeping whole characters.
pub(crate) fn excerpt(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_counts_code_points_not_bytes() {
        let mut b = TextBuilder::default();
        b.push("café ");
        let unit = b.push_unit("日本語 😀", UnitKind::Paragraph);
        assert_eq!(
            (unit.start, unit.end),
            (5, 10),
            "offsets count code points: 'café ' is 5, '日本語 😀' is 5"
        );
        let text = b.finish();
        let body: String = text
            .chars()
            .skip(unit.start)
            .take(unit.end - unit.start)
            .collect();
        assert_eq!(
            body, "日本語 😀",
            "the unit's offsets select exactly its body"
        );
    }

    #[test]
    fn tidy_lines_drops_blank_lines_so_units_never_hold_a_blank_line() {
        assert_eq!(tidy_lines("  first  \n\n   \nsecond\t\n"), "first\nsecond");
        assert_eq!(collapse_spaces(" a \n\u{a0}b\u{200b} "), "a b");
    }

    #[test]
    fn format_ms_pads_every_field() {
        assert_eq!(format_ms(3_723_004), "01:02:03.004");
    }
}
