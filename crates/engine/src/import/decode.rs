//! Bytes to text: detect the encoding, normalise line ends.
//!
//! Real exports come as UTF-8 (with or without a byte-order mark, the BOM
//! that Excel writes), UTF-16 with a BOM ("Unicode text" from Excel), or
//! Windows-1252 (CSV saved by Excel on Windows in Western Europe and the
//! Americas). The rule: a BOM decides; otherwise valid UTF-8 is UTF-8; text
//! with NUL bytes in a regular pattern is UTF-16 without a BOM; anything else
//! is read as Windows-1252 with a warning, because every byte sequence is
//! valid Windows-1252 and that is what such files almost always are.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use super::text::{is_space, line_of};
use super::{check_size, sniff_binary};
use crate::{Error, Problem, Result};

/// The character encoding a text file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 starting with a byte-order mark (as Excel writes "CSV UTF-8").
    Utf8Bom,
    /// UTF-16, little endian (with a byte-order mark, or recognised without one).
    Utf16Le,
    /// UTF-16, big endian (with a byte-order mark, or recognised without one).
    Utf16Be,
    /// Windows-1252 (Western European), the fallback for bytes that are not UTF-8.
    Windows1252,
}

impl TextEncoding {
    /// The name shown in the import report.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with byte-order mark",
            TextEncoding::Utf16Le => "UTF-16 (little endian)",
            TextEncoding::Utf16Be => "UTF-16 (big endian)",
            TextEncoding::Windows1252 => "Windows-1252 (Western European)",
        }
    }
}

/// A text file's contents, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark, with `\n` line ends only.
    pub text: String,
    /// How the bytes were read.
    pub encoding: TextEncoding,
    /// What the researcher should know about the decoding (a fallback to
    /// Windows-1252, characters that could not be read).
    pub warnings: Vec<Problem>,
}

/// Decodes a text file's bytes: detects the encoding, removes a byte-order
/// mark, turns `\r\n` and lone `\r` into `\n`.
///
/// Refuses files over [`super::MAX_FILE_BYTES`], binary files (NUL bytes
/// outside UTF-16, or a known binary signature such as PNG or PDF), and
/// files that are empty or hold only white space.
pub fn decode(file_name: &str, bytes: &[u8]) -> Result<Decoded> {
    check_size(file_name, bytes)?;
    let mut warnings = Vec::new();
    let (encoding, body, label): (&'static Encoding, &[u8], TextEncoding) = if let Some(body) =
        bytes.strip_prefix(b"\xef\xbb\xbf")
    {
        (UTF_8, body, TextEncoding::Utf8Bom)
    } else if let Some(body) = bytes.strip_prefix(b"\xff\xfe") {
        (UTF_16LE, body, TextEncoding::Utf16Le)
    } else if let Some(body) = bytes.strip_prefix(b"\xfe\xff") {
        (UTF_16BE, body, TextEncoding::Utf16Be)
    } else if let Some(what) = sniff_binary(bytes) {
        return Err(binary(file_name, Some(what)));
    } else if bytes.contains(&0) {
        match utf16_without_bom(bytes) {
            Some(found) => {
                warnings.push(Problem {
                        place: String::new(),
                        message: format!(
                            "the file has no byte-order mark; it was read as {} because of its pattern of zero bytes",
                            found.1.label()
                        ),
                    });
                (found.0, bytes, found.1)
            }
            None => return Err(binary(file_name, None)),
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(_) => (UTF_8, bytes, TextEncoding::Utf8),
            Err(e) => {
                let lossy = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                let line = line_of(&lossy, lossy.len());
                warnings.push(Problem {
                        place: format!("line {line}"),
                        message: "the file is not valid UTF-8, so it was read as Windows-1252 (Western European), as Excel on Windows writes it; if accents or quotes look wrong, save the file as UTF-8 and import it again".to_owned(),
                    });
                (WINDOWS_1252, bytes, TextEncoding::Windows1252)
            }
        }
    };
    let (raw, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        warnings.push(Problem {
            place: String::new(),
            message: format!(
                "some bytes are not valid {}; they were replaced by \u{fffd}",
                label.label()
            ),
        });
    }
    let text = normalize_newlines(&raw);
    if text.chars().all(is_space) {
        return Err(Error::import(file_name, "", "the file is empty"));
    }
    if text.contains('\0') {
        return Err(binary(file_name, None));
    }
    Ok(Decoded {
        text,
        encoding: label,
        warnings,
    })
}

/// Turns `\r\n` and lone `\r` into `\n`.
pub(crate) fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn binary(file_name: &str, what: Option<&str>) -> Error {
    let message = match what {
        Some(what) => format!(
            "looks like a binary file ({what}), not text; import surveys as .csv or .xlsx, notes as .txt, .md or .docx, transcripts as .vtt, .srt, .txt or .docx"
        ),
        None => "looks like a binary file (it holds zero bytes), not text; import surveys as .csv or .xlsx, notes as .txt, .md or .docx, transcripts as .vtt, .srt, .txt or .docx".to_owned(),
    };
    Error::import(file_name, "", message)
}

/// Recognises UTF-16 without a byte-order mark: ASCII-heavy UTF-16 text has
/// a zero byte in nearly every pair, always on the same side.
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static Encoding, TextEncoding)> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if zero_odd * 10 >= pairs * 6 && zero_even == 0 {
        Some((UTF_16LE, TextEncoding::Utf16Le))
    } else if zero_even * 10 >= pairs * 6 && zero_odd == 0 {
        Some((UTF_16BE, TextEncoding::Utf16Be))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if little { b"\xff\xfe" } else { b"\xfe\xff" });
        }
        for unit in s.encode_utf16() {
            out.extend_from_slice(&if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    /// Decodes `bytes` and checks the text, the encoding and whether a
    /// warning was given.
    fn check(bytes: &[u8], text: &str, encoding: TextEncoding, warns: bool) {
        let decoded = decode("input.txt", bytes).expect("these bytes are decodable text");
        assert_eq!(decoded.text, text, "decoded text of {bytes:?}");
        assert_eq!(decoded.encoding, encoding, "detected encoding of {bytes:?}");
        assert_eq!(
            !decoded.warnings.is_empty(),
            warns,
            "a warning is given exactly when the encoding was a guess: {:?}",
            decoded.warnings
        );
    }

    fn error_of(bytes: &[u8]) -> String {
        decode("input.txt", bytes)
            .expect_err("these bytes must be refused")
            .to_string()
    }

    #[test]
    fn encodings_are_detected_and_line_ends_normalised() {
        check(
            b"caf\xc3\xa9\r\nna\xc3\xafve\rend",
            "café\nnaïve\nend",
            TextEncoding::Utf8,
            false,
        );
        check(
            b"\xef\xbb\xbfRespondent,Q1\r\n",
            "Respondent,Q1\n",
            TextEncoding::Utf8Bom,
            false,
        );
        check(
            &utf16("Zoë 😀 日本\r\nline", true, true),
            "Zoë 😀 日本\nline",
            TextEncoding::Utf16Le,
            false,
        );
        check(
            &utf16("Zoë 😀 日本\r\nline", false, true),
            "Zoë 😀 日本\nline",
            TextEncoding::Utf16Be,
            false,
        );
        // Excel on Windows: smart quotes (0x93 0x94), an en dash (0x96) and é (0xE9).
        check(
            b"\x93Caf\xe9\x94 \x96 ok\r\n",
            "\u{201c}Café\u{201d} \u{2013} ok\n",
            TextEncoding::Windows1252,
            true,
        );
        check(
            &utf16("Name\tComment\r\nAna\tgreat", true, false),
            "Name\tComment\nAna\tgreat",
            TextEncoding::Utf16Le,
            true,
        );
    }

    #[test]
    fn the_windows_1252_warning_names_the_line_of_the_first_bad_byte() {
        let decoded = decode("a.csv", b"ok\nstill ok\ncaf\xe9\n").expect("decodable");
        assert_eq!(
            decoded.warnings[0].place, "line 3",
            "the first byte that is not UTF-8 is on line 3"
        );
    }

    #[test]
    fn empty_and_binary_files_are_refused_with_a_clear_message() {
        assert!(
            error_of(b"").contains("the file is empty"),
            "0 bytes is empty"
        );
        assert!(
            error_of(b" \r\n\t\n").contains("the file is empty"),
            "only white space is empty too"
        );
        assert!(
            error_of(b"\xef\xbb\xbf\n").contains("the file is empty"),
            "a BOM alone is empty"
        );
        let png = error_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert!(
            png.contains("looks like a binary file (a PNG image)"),
            "the PNG signature is named: {png}"
        );
        let nul = error_of(b"abc\0\x01\x02\x03\0\0\x05def");
        assert!(nul.contains("binary"), "NUL bytes mean binary: {nul}");
    }

    #[test]
    fn files_over_the_limit_are_refused_before_decoding() {
        let big = vec![0u8; crate::import::MAX_FILE_BYTES + 1];
        let message = error_of(&big);
        assert!(
            message.contains("up to 200 MB"),
            "the size limit is stated, not a binary complaint: {message}"
        );
    }
}
