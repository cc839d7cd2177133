//! Text positions in Unicode code points, the one unit Accord stores.
//!
//! Rust strings index by bytes, JavaScript by UTF-16 units and REFI-QDA by
//! code points. The engine converts between bytes and code points only
//! here, so no other module does arithmetic on mixed units.

use unicode_segmentation::UnicodeSegmentation;

/// "1 unit", "3 units": a count with its noun, for messages.
pub(crate) fn plural(n: impl TryInto<i64>, one: &str, many: &str) -> String {
    match n.try_into().unwrap_or(i64::MAX) {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// Length of `s` in code points.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// The code point index of byte offset `byte` (which must be a char boundary).
pub fn byte_to_char(s: &str, byte: usize) -> usize {
    s[..byte.min(s.len())].chars().count()
}

/// The byte offset of code point `cp`, or `s.len()` past the end.
pub fn char_to_byte(s: &str, cp: usize) -> usize {
    s.char_indices().nth(cp).map_or(s.len(), |(b, _)| b)
}

/// The substring between two code point offsets (clamped to the text).
pub fn slice(s: &str, start: usize, end: usize) -> &str {
    let index = CharIndex::new(s);
    index.slice(s, start, end)
}

/// Byte offsets of code points in one text, for many conversions without
/// rescanning: a checkpoint every 64 code points, then a short walk.
#[derive(Debug, Clone)]
pub struct CharIndex {
    checkpoints: Vec<usize>,
    len_chars: usize,
    len_bytes: usize,
}

const STRIDE: usize = 64;

impl CharIndex {
    /// Indexes `s`.
    pub fn new(s: &str) -> CharIndex {
        let mut checkpoints = Vec::with_capacity(s.len() / STRIDE + 1);
        let mut n = 0;
        for (b, _) in s.char_indices() {
            if n % STRIDE == 0 {
                checkpoints.push(b);
            }
            n += 1;
        }
        CharIndex {
            checkpoints,
            len_chars: n,
            len_bytes: s.len(),
        }
    }

    /// Length of the text in code points.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Byte offset of code point `cp` in `s` (the text this index was built for).
    pub fn to_byte(&self, s: &str, cp: usize) -> usize {
        if cp >= self.len_chars {
            return self.len_bytes;
        }
        let base = self.checkpoints[cp / STRIDE];
        s[base..]
            .char_indices()
            .nth(cp % STRIDE)
            .map_or(self.len_bytes, |(b, _)| base + b)
    }

    /// Code point index of byte offset `byte` in `s`.
    pub fn to_char(&self, s: &str, byte: usize) -> usize {
        let k = self
            .checkpoints
            .partition_point(|&b| b <= byte)
            .saturating_sub(1);
        k * STRIDE
            + s[self.checkpoints.get(k).copied().unwrap_or(0)..byte.min(s.len())]
                .chars()
                .count()
    }

    /// The substring between two code point offsets (clamped).
    pub fn slice<'a>(&self, s: &'a str, start: usize, end: usize) -> &'a str {
        let end = end.min(self.len_chars);
        let start = start.min(end);
        &s[self.to_byte(s, start)..self.to_byte(s, end)]
    }
}

/// Word spans of `s` as code point ranges: runs that hold a letter or digit
/// (Unicode word boundaries, UAX #29). Punctuation and spaces are not words.
pub fn words(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cp = 0;
    for w in s.split_word_bounds() {
        let n = w.chars().count();
        if w.chars().any(char::is_alphanumeric) {
            out.push((cp, cp + n));
        }
        cp += n;
    }
    out
}

/// Sentence spans of `s` as code point ranges (Unicode sentence boundaries,
/// UAX #29), trimmed of surrounding whitespace; empty sentences are skipped.
pub fn sentences(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cp = 0;
    for sentence in s.split_sentence_bounds() {
        let n = sentence.chars().count();
        let lead = sentence.chars().take_while(|c| c.is_whitespace()).count();
        let trail = sentence
            .chars()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count();
        if lead + trail < n {
            out.push((cp + lead, cp + n - trail));
        }
        cp += n;
    }
    out
}

/// Widens `[start, end)` so that it neither begins nor ends inside a word,
/// and trims surrounding spaces and punctuation that are not part of a word.
/// A selection that touches no word is returned as given.
pub fn snap_to_words(s: &str, start: usize, end: usize) -> (usize, usize) {
    let spans = words(s);
    let touched: Vec<&(usize, usize)> = spans
        .iter()
        .filter(|(ws, we)| *ws < end.max(start + 1) && start < *we)
        .collect();
    match (touched.first(), touched.last()) {
        (Some(first), Some(last)) => {
            // Keep closing punctuation that the selection already covered
            // (a quote ending in "." or "?").
            let mut e = last.1;
            let chars: Vec<char> = s.chars().collect();
            while e < end.min(chars.len())
                && matches!(
                    chars[e],
                    '.' | '!' | '?' | ')' | ']' | '"' | '\'' | '”' | '’' | '…'
                )
            {
                e += 1;
            }
            (first.0, e)
        }
        _ => (start, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Zoë said 😀 王芳 is great. Really? Yes!";

    #[test]
    fn conversions_agree_with_char_indices() {
        let index = CharIndex::new(TEXT);
        for (cp, (byte, _)) in TEXT.char_indices().enumerate() {
            assert_eq!(index.to_byte(TEXT, cp), byte, "code point {cp}");
            assert_eq!(index.to_char(TEXT, byte), cp, "byte {byte}");
            assert_eq!(char_to_byte(TEXT, cp), byte);
            assert_eq!(byte_to_char(TEXT, byte), cp);
        }
        assert_eq!(index.len_chars(), TEXT.chars().count());
        assert_eq!(index.to_byte(TEXT, 999), TEXT.len(), "past the end clamps");
    }

    #[test]
    fn long_texts_cross_checkpoints() {
        let text = "é😀a".repeat(200);
        let index = CharIndex::new(&text);
        for (cp, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.to_byte(&text, cp), byte);
            assert_eq!(index.to_char(&text, byte), cp);
        }
    }

    #[test]
    fn slicing_by_code_points() {
        assert_eq!(slice(TEXT, 9, 10), "😀");
        assert_eq!(slice(TEXT, 11, 13), "王芳");
        assert_eq!(slice(TEXT, 0, 3), "Zoë");
    }

    #[test]
    fn snapping_extends_partial_words_and_drops_spaces() {
        // "said" is 4..8; selecting "ai" snaps to the whole word.
        assert_eq!(snap_to_words(TEXT, 5, 7), (4, 8));
        // A selection starting on a space and ending mid-word.
        assert_eq!(
            snap_to_words(TEXT, 3, 6),
            (4, 8),
            "the space before a word is dropped"
        );
        // Trailing punctuation the user selected is kept.
        let great = TEXT.find("great").unwrap();
        let g = byte_to_char(TEXT, great);
        assert_eq!(
            snap_to_words(TEXT, g + 1, g + 6),
            (g, g + 6),
            "\"great.\" keeps its full stop"
        );
    }

    #[test]
    fn sentences_are_trimmed_ranges() {
        let s = sentences(TEXT);
        let texts: Vec<&str> = s.iter().map(|&(a, b)| slice(TEXT, a, b)).collect();
        assert_eq!(texts, ["Zoë said 😀 王芳 is great.", "Really?", "Yes!"]);
    }
}
