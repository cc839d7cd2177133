//! Transcripts (focus groups, recorded interviews): speaker turns are units.
//!
//! Formats, chosen by the file name's extension (and, for `.txt`, a sniff of
//! the text):
//!
//! - **WebVTT** (`.vtt`, or a `.txt` starting with `WEBVTT`): cues with
//!   `HH:MM:SS.mmm --> HH:MM:SS.mmm` timings (hours optional, cue settings
//!   ignored); `NOTE`, `STYLE` and `REGION` blocks skipped. The speaker comes
//!   from a `<v Name>` voice tag (Teams) or a `Name: text` prefix (Zoom).
//!   Other tags (`<c>`, `<i>`, `<00:00:01.000>`) are removed; `&amp;`, `&lt;`,
//!   `&gt;`, `&quot;`, `&apos;`, numeric references and `&nbsp;` (as a plain
//!   space) are decoded.
//! - **SRT** (`.srt`, or a `.txt` shaped like one): numbered cues with
//!   `HH:MM:SS,mmm --> HH:MM:SS,mmm` timings; a speaker from a `Name: text`
//!   prefix on a cue's line.
//! - **Text and Word** (`.txt`, `.docx`): `Speaker: text` turns, optionally
//!   with a timestamp `[00:01:23]`, `00:01:23` or `(1:23)` before or after
//!   the name (`[00:01:23] Maria: …`, `Maria (1:23): …`), or a name and a
//!   timestamp alone on a line with the text on the lines below
//!   (`Maria Silva  0:03`, as Otter and Teams write). Lines without a
//!   speaker continue the previous turn.
//!
//! A speaker label is a short name: at most 40 characters and 5 words,
//! starting with a capital (or a letter of a script without case), without
//! sentence punctuation (`? ! ; , "`; a period only in a short abbreviation
//! such as "Dr."), and not a word that labels notes rather than people
//! ("Note", "Date", "Summary", …). In text and Word files a label that
//! occurs only once and has no timestamp is not taken as a speaker in the
//! middle of a sentence: when the line before continues a turn and does not
//! end a sentence (`.`, `?`, `!`, `…`, `:` or a closing quote or bracket),
//! so "Pedro: …" after "and then" stays part of the turn.
//!
//! Consecutive cues or turns of the same speaker merge into one turn, their
//! texts joined with a single space, keeping the first start and the last
//! end time. Cues without a speaker are never merged.
//!
//! The stored text holds only speech: each turn's text on its own line(s)
//! (a text-file turn's continuation lines stay separate lines, a cue's
//! wrapped lines are joined with spaces), turns separated by one blank line
//! (`\n\n`); a turn never holds a blank line. Speakers and times live in the
//! units ([`ParsedUnit::speaker`](super::ParsedUnit::speaker), `start_ms`, `end_ms`), for the margin.
//! Turns from text and Word files have a start time when their line had a
//! timestamp, and never an end time.

use std::collections::HashMap;

use super::docx;
use super::text::{TextBuilder, collapse_spaces, format_ms, is_space, tidy_lines, trim};
use super::{ParsedCase, ParsedImport, ParsedSource, SourceKind, UnitKind, decode};
use crate::{Error, Problem, Result};

/// What the caller knows about the transcript.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptOptions {
    /// Speakers who moderated: their cases are returned with
    /// [`ParsedCase::moderator`] set. Matched to speaker names ignoring case
    /// and surrounding white space.
    pub moderators: Vec<String>,
    /// The title; by default the file name without extension.
    pub title: Option<String>,
}

/// The most problems reported for one file; the rest are counted.
const MAX_PROBLEMS: usize = 100;

/// Reads a transcript from `.vtt`, `.srt`, `.txt` or `.docx` bytes.
pub fn parse(file_name: &str, bytes: &[u8], options: &TranscriptOptions) -> Result<ParsedImport> {
    let ext = super::extension(file_name);
    let (cues, problems, encoding, mut warnings) = if ext == "docx" {
        let paragraphs = docx::paragraphs(file_name, bytes)?;
        let lines: Vec<(String, String)> = paragraphs
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                p.text
                    .split('\n')
                    .map(move |line| (format!("paragraph {}", i + 1), line.to_owned()))
            })
            .collect();
        let (cues, problems) = speaker_lines(&lines, options);
        (cues, problems, None, Vec::new())
    } else {
        let decoded = decode(file_name, bytes)?;
        let (cues, problems) = match text_format(&ext, &decoded.text) {
            TextFormat::WebVtt => parse_vtt(&decoded.text),
            TextFormat::Srt => parse_srt(&decoded.text),
            TextFormat::Speakers => {
                let lines: Vec<(String, String)> = decoded
                    .text
                    .split('\n')
                    .enumerate()
                    .map(|(i, line)| (format!("line {}", i + 1), line.to_owned()))
                    .collect();
                speaker_lines(&lines, options)
            }
        };
        (cues, problems, Some(decoded.encoding), decoded.warnings)
    };
    if !problems.is_empty() {
        return Err(Error::Import {
            file: file_name.to_owned(),
            problems: capped(problems),
        });
    }
    let title = options
        .title
        .as_deref()
        .map(trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| super::file_stem(file_name));
    let (source, cases) = build(title, cues, options, &mut warnings);
    if source.units.is_empty() {
        return Err(Error::import(
            file_name,
            "",
            "the transcript holds no speech",
        ));
    }
    Ok(ParsedImport {
        sources: vec![source],
        cases,
        encoding,
        warnings,
    })
}

pub(crate) fn capped(mut problems: Vec<Problem>) -> Vec<Problem> {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem {
            place: String::new(),
            message: format!("{more} more problems were not listed"),
        });
    }
    problems
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextFormat {
    WebVtt,
    Srt,
    Speakers,
}

fn text_format(ext: &str, text: &str) -> TextFormat {
    match ext {
        "vtt" => TextFormat::WebVtt,
        "srt" => TextFormat::Srt,
        _ if is_vtt(text) => TextFormat::WebVtt,
        _ if is_srt(text) => TextFormat::Srt,
        _ => TextFormat::Speakers,
    }
}

/// True when the text starts like a WebVTT file.
pub(crate) fn is_vtt(text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    first.starts_with("WEBVTT")
        && first[6..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
}

/// True when the text starts like an SRT file: a cue number, then a timing.
pub(crate) fn is_srt(text: &str) -> bool {
    let mut lines = text.lines().map(trim).filter(|l| !l.is_empty());
    let number = lines.next().unwrap_or("");
    let timing = lines.next().unwrap_or("");
    !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && parse_timing(timing).is_some()
}

/// One cue or turn before merging.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Cue {
    speaker: Option<String>,
    text: String,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
}

/// Merges, lays out the text and lists the cases.
fn build(
    title: String,
    cues: Vec<Cue>,
    options: &TranscriptOptions,
    warnings: &mut Vec<Problem>,
) -> (ParsedSource, Vec<ParsedCase>) {
    let mut turns: Vec<Cue> = Vec::new();
    for mut cue in cues {
        cue.text = tidy_lines(&cue.text);
        if cue.text.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some(last) if cue.speaker.is_some() && last.speaker == cue.speaker => {
                last.text.push(' ');
                last.text.push_str(&cue.text);
                last.end_ms = cue.end_ms.or(last.end_ms);
                last.start_ms = last.start_ms.or(cue.start_ms);
            }
            _ => turns.push(cue),
        }
    }

    let is_moderator = |name: &str| {
        options
            .moderators
            .iter()
            .any(|m| trim(m).to_lowercase() == name.to_lowercase())
    };
    let mut builder = TextBuilder::default();
    let mut units = Vec::new();
    let mut cases: Vec<ParsedCase> = Vec::new();
    let mut speakerless = 0;
    for turn in turns {
        if !builder.is_empty() {
            builder.push("\n\n");
        }
        let mut unit = builder.push_unit(&turn.text, UnitKind::Turn);
        unit.start_ms = turn.start_ms;
        unit.end_ms = turn.end_ms;
        match turn.speaker {
            Some(speaker) => {
                if !cases.iter().any(|c| c.name == speaker) {
                    cases.push(ParsedCase {
                        name: speaker.clone(),
                        moderator: is_moderator(&speaker),
                        attributes: Vec::new(),
                    });
                }
                unit.case = Some(speaker.clone());
                unit.speaker = Some(speaker);
            }
            None => speakerless += 1,
        }
        units.push(unit);
    }
    if speakerless > 0 && !units.is_empty() {
        warnings.push(Problem {
            place: String::new(),
            message: format!(
                "{speakerless} of {} turns have no speaker; they belong to no case",
                units.len()
            ),
        });
    }
    for moderator in &options.moderators {
        let name = trim(moderator);
        if !name.is_empty()
            && !cases
                .iter()
                .any(|c| c.name.to_lowercase() == name.to_lowercase())
        {
            warnings.push(Problem {
                place: String::new(),
                message: format!("the moderator \"{name}\" does not speak in this transcript"),
            });
        }
    }
    let source = ParsedSource {
        kind: SourceKind::Transcript,
        title,
        text: builder.finish(),
        units,
    };
    (source, cases)
}

// ---------------------------------------------------------------------------
// Times

/// Parses a clock time: `H:MM:SS`, `MM:SS` or `M:SS`, each optionally with a
/// fraction of 1–3 digits after `.` or `,`. Returns milliseconds.
pub(crate) fn parse_clock(s: &str) -> Option<i64> {
    let (clock, fraction) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let millis = match fraction {
        None => 0,
        Some(f) if (1..=3).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<i64>().ok()? * 10_i64.pow(3 - f.len() as u32)
        }
        Some(_) => return None,
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |p: &str, max_len: usize| -> Option<i64> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (number(h, 4)?, number(m, 2)?, number(s, 2)?),
        [m, s] => (0, number(m, 4)?, number(s, 2)?),
        _ => return None,
    };
    if sec >= 60 || (parts.len() == 3 && m >= 60) {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis)
}

/// Parses a cue timing line `start --> end [settings]`.
fn parse_timing(line: &str) -> Option<(i64, i64)> {
    let (left, right) = line.split_once("-->")?;
    let start = parse_clock(trim(left))?;
    let end = parse_clock(trim(right).split_whitespace().next()?)?;
    Some((start, end))
}

/// Checks a timing line; the problem names the line.
fn timing(line: &str, number: usize, form: &str) -> std::result::Result<(i64, i64), Problem> {
    let place = format!("line {number}");
    let Some((start, end)) = parse_timing(line) else {
        return Err(Problem {
            place,
            message: format!(
                "the cue timing \"{}\" is not of the form {form}",
                trim(line)
            ),
        });
    };
    if end < start {
        return Err(Problem {
            place,
            message: format!(
                "the cue ends at {} before it starts at {}",
                format_ms(end),
                format_ms(start)
            ),
        });
    }
    Ok((start, end))
}

// ---------------------------------------------------------------------------
// WebVTT and SRT

/// Blocks of consecutive non-blank lines, with the 1-based number of their
/// first line.
fn blocks(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut open = false;
    for (i, line) in text.split('\n').enumerate() {
        if trim(line).is_empty() {
            open = false;
        } else if open {
            out.last_mut().expect("open block").1.push(line);
        } else {
            out.push((i + 1, vec![line]));
            open = true;
        }
    }
    out
}

const VTT_FORM: &str = "HH:MM:SS.mmm --> HH:MM:SS.mmm";
const SRT_FORM: &str = "HH:MM:SS,mmm --> HH:MM:SS,mmm";

fn parse_vtt(text: &str) -> (Vec<Cue>, Vec<Problem>) {
    let mut problems = Vec::new();
    if !is_vtt(text) {
        problems.push(Problem {
            place: "line 1".to_owned(),
            message: "a WebVTT file must start with the line WEBVTT".to_owned(),
        });
    }
    let mut cues = Vec::new();
    for (index, (first, lines)) in blocks(text).into_iter().enumerate() {
        let head = trim(lines[0]);
        if index == 0 && head.starts_with("WEBVTT") {
            continue;
        }
        let keyword = head.split_whitespace().next().unwrap_or("");
        if matches!(keyword, "NOTE" | "STYLE" | "REGION") && !head.contains("-->") {
            continue;
        }
        let Some(t) = lines.iter().take(2).position(|l| l.contains("-->")) else {
            problems.push(Problem {
                place: format!("line {first}"),
                message: format!(
                    "expected a cue timing ({VTT_FORM}) but found \"{}\"",
                    super::text::excerpt(head, 60)
                ),
            });
            continue;
        };
        match timing(lines[t], first + t, VTT_FORM) {
            Ok((start, end)) => {
                for (speaker, text) in vtt_payload(&lines[t + 1..]) {
                    cues.push(Cue {
                        speaker,
                        text,
                        start_ms: Some(start),
                        end_ms: Some(end),
                    });
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    (cues, problems)
}

fn parse_srt(text: &str) -> (Vec<Cue>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut cues = Vec::new();
    for (first, lines) in blocks(text) {
        let Some(t) = lines.iter().take(2).position(|l| l.contains("-->")) else {
            problems.push(Problem {
                place: format!("line {first}"),
                message: format!(
                    "expected a cue number and a cue timing ({SRT_FORM}) but found \"{}\"",
                    super::text::excerpt(trim(lines[0]), 60)
                ),
            });
            continue;
        };
        match timing(lines[t], first + t, SRT_FORM) {
            Ok((start, end)) => {
                let stripped: Vec<String> = lines[t + 1..]
                    .iter()
                    .map(|l| decode_entities(&strip_tags(l)))
                    .collect();
                for (speaker, text) in label_segments(&stripped) {
                    cues.push(Cue {
                        speaker,
                        text,
                        start_ms: Some(start),
                        end_ms: Some(end),
                    });
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    (cues, problems)
}

/// Splits a cue's payload into (speaker, text) by voice tags, then by
/// `Name:` prefixes on lines that have no voice.
fn vtt_payload(lines: &[&str]) -> Vec<(Option<String>, String)> {
    let payload = lines.join("\n");
    let mut segments: Vec<(Option<String>, String)> = vec![(None, String::new())];
    let mut rest = payload.as_str();
    while let Some(open) = rest.find('<') {
        segments
            .last_mut()
            .expect("one segment")
            .1
            .push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            segments
                .last_mut()
                .expect("one segment")
                .1
                .push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        if let Some(annotation) = tag
            .strip_prefix('v')
            .filter(|a| a.starts_with(['.', ' ', '\t']))
        {
            let name = annotation
                .split_once([' ', '\t'])
                .map_or("", |(_, name)| name);
            let name = collapse_spaces(&decode_entities(name));
            segments.push(((!name.is_empty()).then_some(name), String::new()));
        } else if tag == "/v" {
            segments.push((None, String::new()));
        }
        rest = &rest[open + close + 1..];
    }
    segments.last_mut().expect("one segment").1.push_str(rest);

    let mut out = Vec::new();
    for (speaker, text) in segments {
        let text = decode_entities(&text);
        match speaker {
            Some(name) => {
                let text = collapse_spaces(&text);
                if !text.is_empty() {
                    out.push((Some(name), text));
                }
            }
            None => {
                let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
                out.extend(label_segments(&lines));
            }
        }
    }
    out
}

/// Groups cue lines by `Name: text` prefixes; lines before the first
/// prefix have no speaker. Texts are collapsed to one line.
fn label_segments(lines: &[String]) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for line in lines {
        let line = trim(line);
        if line.is_empty() {
            continue;
        }
        match prefix_label(line) {
            Some((name, text)) => out.push((Some(name), text.to_owned())),
            None => match out.last_mut() {
                Some(last) => {
                    last.1.push(' ');
                    last.1.push_str(line);
                }
                None => out.push((None, line.to_owned())),
            },
        }
    }
    out.into_iter()
        .map(|(s, t)| (s, collapse_spaces(&t)))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// `Name: text` → (name, text), when `Name` is a speaker label.
fn prefix_label(line: &str) -> Option<(String, &str)> {
    let colon = label_colon(line)?;
    let name = trim(&line[..colon]);
    is_label(name).then(|| (collapse_spaces(name), trim(&line[colon + 1..])))
}

/// Removes `<...>` tags and `{\...}` styling overrides.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let next = rest.find(['<', '{']);
        let Some(open) = next else {
            out.push_str(rest);
            break;
        };
        let closer = if rest[open..].starts_with('<') {
            '>'
        } else {
            '}'
        };
        let is_override = closer == '>' || rest[open..].starts_with("{\\");
        match rest[open..].find(closer) {
            Some(close) if is_override => {
                out.push_str(&rest[..open]);
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out
}

/// Decodes the HTML character references captions use.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| {
            let name = &after[..i];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "lrm" | "rlm" => '\u{200b}',
                _ => {
                    let code =
                        if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                            u32::from_str_radix(hex, 16).ok()
                        } else {
                            name.strip_prefix('#').and_then(|d| d.parse().ok())
                        };
                    char::from_u32(code?)?
                }
            };
            Some((c, i))
        });
        match decoded {
            Some(('\u{200b}', i)) => rest = &after[i + 1..],
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------
// Speaker labels in text and Word files

/// Words that label notes rather than people, never taken as speakers.
const NOT_SPEAKERS: &[&str] = &[
    "note",
    "notes",
    "nb",
    "n.b.",
    "ps",
    "p.s.",
    "example",
    "e.g.",
    "eg",
    "i.e.",
    "ie",
    "update",
    "edit",
    "edited",
    "summary",
    "warning",
    "tip",
    "source",
    "sources",
    "re",
    "subject",
    "date",
    "time",
    "location",
    "place",
    "venue",
    "transcript",
    "transcription",
    "recording",
    "attendees",
    "participants",
    "present",
    "duration",
    "title",
    "topic",
    "agenda",
    "todo",
    "to do",
    "memo",
    "comment",
    "comments",
    "observation",
    "observations",
    "context",
    "background",
    "quote",
    "theme",
    "code",
    "action",
    "action items",
    "follow-up",
    "follow up",
    "link",
    "url",
    "email",
    "phone",
    "tel",
    "fax",
    "address",
    "total",
    "result",
    "results",
    "conclusion",
    "important",
];

/// True when `name` can be a speaker label; see the module documentation.
pub(crate) fn is_label(name: &str) -> bool {
    let chars = name.chars().count();
    let Some(first) = name.chars().next() else {
        return false;
    };
    if chars > 40 || !first.is_alphabetic() || first.is_lowercase() {
        return false;
    }
    if name.contains([
        '?', '!', ';', ',', '"', '“', '”', '[', ']', '{', '}', '<', '>', '/', '\\', '=', '*', '#',
        '|',
    ]) {
        return false;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 5 {
        return false;
    }
    if words
        .iter()
        .any(|w| w.contains('.') && w.chars().count() > 4)
    {
        return false;
    }
    !NOT_SPEAKERS.contains(&name.to_lowercase().as_str())
}

/// The byte index of the colon ending a label: the first `:` followed by
/// white space or the end, outside brackets, within the first 60 characters.
fn label_colon(line: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut chars = line.char_indices().peekable();
    let mut seen = 0;
    while let Some((i, c)) = chars.next() {
        seen += 1;
        if seen > 60 {
            return None;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' if depth == 0 && chars.peek().is_none_or(|&(_, n)| is_space(n)) => return Some(i),
            _ => {}
        }
    }
    None
}

/// A speaker line of a text transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    speaker: String,
    ms: Option<i64>,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Header(Header),
    /// A bracketed timestamp at the line start that is not a time.
    BadTimestamp(String),
    Text,
}

/// A timestamp at the start: `[00:01:23]`, `(1:23)` or `00:01:23`.
/// `Err` carries a bracketed token that tries to be a time but is not one.
fn leading_timestamp(t: &str) -> std::result::Result<Option<(i64, &str)>, String> {
    if let Some(close_char) = match t.chars().next() {
        Some('[') => Some(']'),
        Some('(') => Some(')'),
        _ => None,
    } {
        let Some(close) = t.find(close_char) else {
            return Ok(None);
        };
        let inner = &t[1..close];
        return match parse_clock(inner) {
            Some(ms) => Ok(Some((ms, &t[close + 1..]))),
            None if inner.contains(':')
                && inner.chars().any(|c| c.is_ascii_digit())
                && inner.chars().count() <= 14
                && !inner.contains(char::is_whitespace) =>
            {
                Err(t[..=close].to_owned())
            }
            None => Ok(None),
        };
    }
    let token_end = t.find(char::is_whitespace).unwrap_or(t.len());
    Ok(parse_clock(&t[..token_end]).map(|ms| (ms, &t[token_end..])))
}

/// A timestamp at the end: `Maria (1:23)`, `Maria [00:01:23]`, `Maria 0:03`.
fn trailing_timestamp(s: &str) -> Option<(i64, &str)> {
    let s = s.trim_end();
    let open_char = match s.chars().last()? {
        ']' => Some('['),
        ')' => Some('('),
        _ => None,
    };
    match open_char {
        Some(open_char) => {
            let open = s.rfind(open_char)?;
            let ms = parse_clock(&s[open + 1..s.len() - 1])?;
            Some((ms, &s[..open]))
        }
        None => {
            let start = s.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            let ms = parse_clock(&s[start..])?;
            Some((ms, &s[..start]))
        }
    }
}

fn classify(line: &str) -> Line {
    let t = trim(line);
    let (lead_ms, after) = match leading_timestamp(t) {
        Ok(Some((ms, rest))) => (Some(ms), trim(rest)),
        Ok(None) => (None, t),
        Err(token) => return Line::BadTimestamp(token),
    };
    if let Some(colon) = label_colon(after) {
        let label = trim(&after[..colon]);
        let (trail_ms, name) = match trailing_timestamp(label) {
            Some((ms, name)) => (Some(ms), trim(name)),
            None => (None, label),
        };
        if is_label(name) {
            return Line::Header(Header {
                speaker: collapse_spaces(name),
                ms: lead_ms.or(trail_ms),
                text: trim(&after[colon + 1..]).to_owned(),
            });
        }
    }
    if lead_ms.is_none()
        && let Some((ms, name)) = trailing_timestamp(after)
        && is_label(trim(name))
    {
        return Line::Header(Header {
            speaker: collapse_spaces(trim(name)),
            ms: Some(ms),
            text: String::new(),
        });
    }
    Line::Text
}

/// True when most non-empty lines start with a speaker label: at least
/// three such lines, half of all non-empty lines, and one speaker who
/// speaks at least twice.
pub(crate) fn looks_like_speaker_turns<'a>(lines: impl IntoIterator<Item = &'a str>) -> bool {
    let mut non_empty = 0;
    let mut headers = 0;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in lines {
        if trim(line).is_empty() {
            continue;
        }
        non_empty += 1;
        if let Line::Header(h) = classify(line) {
            headers += 1;
            *counts.entry(h.speaker.to_lowercase()).or_default() += 1;
        }
    }
    headers >= 3 && headers * 2 >= non_empty && counts.values().any(|&n| n >= 2)
}

/// Turns from `Speaker: text` lines, each line given with its place.
fn speaker_lines(
    lines: &[(String, String)],
    options: &TranscriptOptions,
) -> (Vec<Cue>, Vec<Problem>) {
    let classified: Vec<Line> = lines.iter().map(|(_, l)| classify(l)).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in &classified {
        if let Line::Header(h) = line {
            *counts.entry(h.speaker.to_lowercase()).or_default() += 1;
        }
    }
    let moderator = |name: &str| {
        options
            .moderators
            .iter()
            .any(|m| trim(m).to_lowercase() == name.to_lowercase())
    };

    #[derive(PartialEq)]
    enum Previous {
        Blank,
        Header,
        /// A continuation line; true when it ends a sentence.
        Text(bool),
    }
    let mut previous = Previous::Blank;
    let mut cues: Vec<Cue> = Vec::new();
    let mut problems = Vec::new();
    for ((place, raw), line) in lines.iter().zip(classified) {
        let text = trim(raw);
        if text.is_empty() {
            previous = Previous::Blank;
            continue;
        }
        match line {
            Line::Header(h)
                if h.ms.is_some()
                    || previous != Previous::Text(false)
                    || counts
                        .get(&h.speaker.to_lowercase())
                        .is_some_and(|&n| n >= 2)
                    || moderator(&h.speaker) =>
            {
                cues.push(Cue {
                    speaker: Some(h.speaker),
                    text: h.text,
                    start_ms: h.ms,
                    end_ms: None,
                });
                previous = Previous::Header;
                continue;
            }
            Line::BadTimestamp(token) => problems.push(Problem {
                place: place.clone(),
                message: format!(
                    "the timestamp \"{token}\" is not of the form [HH:MM:SS], HH:MM:SS or (M:SS)"
                ),
            }),
            _ => {}
        }
        match cues.last_mut() {
            Some(last) => {
                if !last.text.is_empty() {
                    last.text.push('\n');
                }
                last.text.push_str(text);
            }
            None => cues.push(Cue {
                text: text.to_owned(),
                ..Cue::default()
            }),
        }
        previous = Previous::Text(text.ends_with([
            '.', '?', '!', '…', ':', '"', '\'', '”', '’', '»', ')', ']', '。', '？', '！',
        ]));
    }
    (cues, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::docx::tests::{docx_of, p};

    /// One expected turn: speaker, start and end in ms, text.
    type Turn<'a> = (Option<&'a str>, Option<i64>, Option<i64>, &'a str);
    /// A turn with its text owned, for comparing.
    type OwnedTurn<'a> = (Option<&'a str>, Option<i64>, Option<i64>, String);

    /// Parses `input` as a transcript named `file_name` and checks every
    /// turn, selecting its text through the code-point offsets.
    fn check(file_name: &str, input: &str, expected: &[Turn<'_>]) -> ParsedImport {
        check_bytes(file_name, input.as_bytes(), expected)
    }

    fn check_bytes(file_name: &str, bytes: &[u8], expected: &[Turn<'_>]) -> ParsedImport {
        let parsed = parse(file_name, bytes, &TranscriptOptions::default())
            .unwrap_or_else(|e| panic!("{file_name} is a valid transcript: {e}"));
        let source = &parsed.sources[0];
        assert_eq!(source.kind, SourceKind::Transcript);
        let got: Vec<OwnedTurn<'_>> = source
            .units
            .iter()
            .map(|u| {
                assert_eq!(u.kind, Some(UnitKind::Turn), "every unit is a turn");
                assert_eq!(u.case, u.speaker, "a turn's case is its speaker");
                (
                    u.speaker.as_deref(),
                    u.start_ms,
                    u.end_ms,
                    source
                        .text
                        .chars()
                        .skip(u.start)
                        .take(u.end - u.start)
                        .collect(),
                )
            })
            .collect();
        let expected: Vec<OwnedTurn<'_>> = expected
            .iter()
            .map(|(s, a, b, t)| (*s, *a, *b, (*t).to_owned()))
            .collect();
        assert_eq!(
            got, expected,
            "turns (speaker, start, end, text) of {file_name}"
        );
        let joined: Vec<String> = expected.iter().map(|t| t.3.clone()).collect();
        assert_eq!(
            source.text,
            joined.join("\n\n"),
            "the text holds only speech, turns separated by a blank line"
        );
        parsed
    }

    fn problems_of(file_name: &str, input: &str) -> Vec<String> {
        match parse(file_name, input.as_bytes(), &TranscriptOptions::default()) {
            Err(Error::Import { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            other => panic!("{file_name} must be refused with problems, got {other:?}"),
        }
    }

    #[test]
    fn webvtt_voice_tags_prefixes_tags_and_entities() {
        check(
            "group.vtt",
            "WEBVTT - Focus group\nKind: captions\n\nNOTE written by Teams\nacross lines\n\nSTYLE\n::cue { color: red }\n\n1\n00:00:01.000 --> 00:00:04.500 align:start position:10%\n<v Zoë Müller>Olá &amp; bem-vindos 😀</v>\n\n2\n00:00:04.500 --> 00:00:06.000\n<v Zoë Müller>second <i>cue</i>\nwrapped</v>\n\n00:06.000 --> 00:08.000\n<v.loud 田中 太郎>日本語 &lt;3 <00:00:07.000><c.yellow>ok</c>&nbsp;!</v>\n\n3\n00:00:09.000 --> 00:00:10.000\nJoão Silva: Zoom style\n",
            &[
                (
                    Some("Zoë Müller"),
                    Some(1000),
                    Some(6000),
                    "Olá & bem-vindos 😀 second cue wrapped",
                ),
                (Some("田中 太郎"), Some(6000), Some(8000), "日本語 <3 ok !"),
                (Some("João Silva"), Some(9000), Some(10_000), "Zoom style"),
            ],
        );
    }

    #[test]
    fn webvtt_bad_timings_are_reported_with_their_lines() {
        let problems = problems_of(
            "bad.vtt",
            "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nfine\n\n2\n00:01:xx.000 --> 00:01:09.000\nbad\n\n3\n00:00:09.000 --> 00:00:05.000\nbackwards\n\nstray text without timing\n",
        );
        assert_eq!(
            problems,
            vec![
                "line 8: the cue timing \"00:01:xx.000 --> 00:01:09.000\" is not of the form HH:MM:SS.mmm --> HH:MM:SS.mmm".to_owned(),
                "line 12: the cue ends at 00:00:05.000 before it starts at 00:00:09.000".to_owned(),
                "line 15: expected a cue timing (HH:MM:SS.mmm --> HH:MM:SS.mmm) but found \"stray text without timing\"".to_owned(),
            ],
            "every problem of the file is reported at once, each naming its line"
        );
        let problems = problems_of("x.vtt", "1\n00:00:01.000 --> 00:00:02.000\nno header\n");
        assert_eq!(
            problems,
            vec!["line 1: a WebVTT file must start with the line WEBVTT"]
        );
    }

    #[test]
    fn srt_cues_with_and_without_speakers() {
        check(
            "group.srt",
            "1\r\n00:00:01,000 --> 00:00:04,000\r\nMaria: <i>Olá</i> a todos\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,250\r\nMaria: continua\r\n\r\n3\r\n00:00:06,000 --> 00:00:07,000\r\n{\\an8}no speaker here\r\nJOÃO: e eu 😀\r\n\r\n4\r\n00:00:08,000 --> 00:00:09,000\r\nanother without\r\n",
            &[
                (
                    Some("Maria"),
                    Some(1000),
                    Some(5250),
                    "Olá a todos continua",
                ),
                (None, Some(6000), Some(7000), "no speaker here"),
                (Some("JOÃO"), Some(6000), Some(7000), "e eu 😀"),
                (None, Some(8000), Some(9000), "another without"),
            ],
        );
        let problems = problems_of(
            "x.srt",
            "1\n00:00:01,000 -> 00:00:02,000\ntext\n\n2\n00:00:0a,000 --> 00:00:03,000\nx\n",
        );
        assert_eq!(
            problems.len(),
            2,
            "both bad cues are reported: {problems:?}"
        );
        assert!(
            problems[1].starts_with("line 6: the cue timing"),
            "{problems:?}"
        );
    }

    #[test]
    fn text_turns_with_timestamps_in_every_position() {
        check(
            "group.txt",
            "[00:01:23] Maria: Olá, café?\n(1:30) João: Sim.\nAna (1:45): 日本語 😀\n00:02:00 Dr. Lee: Fine.\nMaria [00:02:10.5]: Good\nthen more\n",
            &[
                (Some("Maria"), Some(83_000), None, "Olá, café?"),
                (Some("João"), Some(90_000), None, "Sim."),
                (Some("Ana"), Some(105_000), None, "日本語 😀"),
                (Some("Dr. Lee"), Some(120_000), None, "Fine."),
                (Some("Maria"), Some(130_500), None, "Good\nthen more"),
            ],
        );
    }

    #[test]
    fn continuation_lines_and_same_speaker_lines_merge() {
        check(
            "t.txt",
            "Focus group 2 — mentors\n\nMaria: first\nsecond line\n\n   \nthird after blank\nMaria: again\nJoão: reply\n",
            &[
                (None, None, None, "Focus group 2 — mentors"),
                (
                    Some("Maria"),
                    None,
                    None,
                    "first\nsecond line\nthird after blank again",
                ),
                (Some("João"), None, None, "reply"),
            ],
        );
    }

    #[test]
    fn a_label_inside_a_paragraph_is_not_a_speaker() {
        check(
            "t.txt",
            "Maria: We met weekly and\nNote: the room was noisy\nHowever, she said: it helped.\nJoão: Yes\nAna: Once only, after a turn line\nMaria: Bye\n\nEva: once only, after a blank line\n",
            &[
                (
                    Some("Maria"),
                    None,
                    None,
                    "We met weekly and\nNote: the room was noisy\nHowever, she said: it helped.",
                ),
                (Some("João"), None, None, "Yes"),
                (Some("Ana"), None, None, "Once only, after a turn line"),
                (Some("Maria"), None, None, "Bye"),
                (Some("Eva"), None, None, "once only, after a blank line"),
            ],
        );
        check(
            "t.txt",
            "Maria: It went\nwell, and then\nPedro: a once-only name mid-paragraph\n",
            &[(
                Some("Maria"),
                None,
                None,
                "It went\nwell, and then\nPedro: a once-only name mid-paragraph",
            )],
        );
    }

    #[test]
    fn otter_style_name_and_time_lines() {
        check(
            "otter.txt",
            "Maria Silva  0:00\nWelcome, everyone.\n\nJoão  1:02:03\nThanks.\nReally.\n",
            &[
                (Some("Maria Silva"), Some(0), None, "Welcome, everyone."),
                (Some("João"), Some(3_723_000), None, "Thanks.\nReally."),
            ],
        );
    }

    #[test]
    fn label_rules() {
        for (name, ok) in [
            ("Maria", true),
            ("Dr. Ana Souza", true),
            ("Speaker 1", true),
            ("田中", true),
            ("Maria (moderator)", true),
            ("maria", false),
            ("Note", false),
            ("However, she said", false),
            ("Why not?", false),
            ("One two three four five six", false),
            ("She said it went fine.", false),
            ("A very long name that goes on and on and on", false),
        ] {
            assert_eq!(is_label(name), ok, "is {name:?} a speaker label");
        }
    }

    #[test]
    fn text_bad_timestamps_are_problems() {
        let problems = problems_of("t.txt", "Maria: hi\n[00:01:xx] João: hello\n");
        assert_eq!(
            problems,
            vec![
                "line 2: the timestamp \"[00:01:xx]\" is not of the form [HH:MM:SS], HH:MM:SS or (M:SS)"
            ]
        );
    }

    #[test]
    fn word_transcripts_read_paragraphs_as_lines() {
        let body = [
            p("[00:00:05] Zoë: Olá 😀"),
            "<w:p/>".to_owned(),
            p("Sam: hi"),
            p("more from Sam"),
        ]
        .concat();
        let parsed = check_bytes(
            "group.docx",
            &docx_of(&body),
            &[
                (Some("Zoë"), Some(5000), None, "Olá 😀"),
                (Some("Sam"), None, None, "hi\nmore from Sam"),
            ],
        );
        assert_eq!(parsed.encoding, None);
        let err = parse(
            "g.docx",
            &docx_of(&p("[1:xx] Sam: hi")),
            &TranscriptOptions::default(),
        )
        .expect_err("bad timestamp")
        .to_string();
        assert!(
            err.contains("paragraph 1: the timestamp"),
            "Word places are paragraphs: {err}"
        );
    }

    #[test]
    fn moderators_are_marked_on_their_cases() {
        let parsed = parse(
            "g.txt",
            "Maria: welcome\nJoão: hi\nMaria: first question\n".as_bytes(),
            &TranscriptOptions {
                moderators: vec![" maria ".to_owned(), "Kim".to_owned()],
                title: None,
            },
        )
        .expect("valid");
        let cases: Vec<(&str, bool)> = parsed
            .cases
            .iter()
            .map(|c| (c.name.as_str(), c.moderator))
            .collect();
        assert_eq!(
            cases,
            vec![("Maria", true), ("João", false)],
            "each speaker once, moderators marked"
        );
        assert_eq!(parsed.sources[0].title, "g");
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.message.contains("\"Kim\" does not speak")),
            "a moderator who never speaks is reported: {:?}",
            parsed.warnings
        );
    }

    #[test]
    fn txt_files_holding_vtt_or_srt_are_read_as_such() {
        check(
            "export.txt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>oi</v>\n",
            &[(Some("Ana"), Some(1000), Some(2000), "oi")],
        );
        check(
            "export.txt",
            "1\n00:00:01,000 --> 00:00:02,000\nAna: oi\n",
            &[(Some("Ana"), Some(1000), Some(2000), "oi")],
        );
    }

    #[test]
    fn utf16_transcripts_decode() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\n<v Zoë>café 😀</v>\r\n".encode_utf16()
        {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let parsed = check_bytes(
            "z.vtt",
            &bytes,
            &[(Some("Zoë"), Some(1000), Some(2000), "café 😀")],
        );
        assert_eq!(parsed.encoding, Some(crate::import::TextEncoding::Utf16Le));
    }

    #[test]
    fn clock_forms() {
        for (s, ms) in [
            ("00:01:23", Some(83_000)),
            ("1:23", Some(83_000)),
            ("01:02:03.004", Some(3_723_004)),
            ("00:00:01,5", Some(1500)),
            ("75:10.000", Some(4_510_000)),
            ("1:60", None),
            ("1:61:00", None),
            ("00:01:xx", None),
            ("12", None),
            ("1:2:3:4", None),
        ] {
            assert_eq!(parse_clock(s), ms, "milliseconds of {s:?}");
        }
    }

    #[test]
    fn detection_of_speaker_turns() {
        assert!(looks_like_speaker_turns(
            "Maria: a\nJoão: b\nMaria: c\n".split('\n')
        ));
        assert!(
            !looks_like_speaker_turns(
                "Date: 3 May\nPlace: Lisbon\nThe interview went well.\n".split('\n')
            ),
            "label-value notes are not a transcript"
        );
        assert!(
            !looks_like_speaker_turns(
                "Ana: one\nlong\nparagraphs\nof\nnotes\nAna: two\nBen: x\n".split('\n')
            ),
            "fewer than half of the lines have a speaker"
        );
    }
}
