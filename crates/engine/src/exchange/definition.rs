//! A code's definition as one REFI-QDA `Description`.
//!
//! Accord keeps four fields (description, inclusion criteria, exclusion
//! criteria, example); REFI-QDA has one text. The fields are written as
//! readable sections that other programs show as they are:
//!
//! ```text
//! What the code means.
//!
//! Inclusion criteria:
//! When to apply it.
//!
//! Exclusion criteria:
//! When not to.
//!
//! Example:
//! "A typical passage."
//! ```
//!
//! Empty fields are left out. A section starts with its heading on a line of
//! its own, at the start of the text or after a blank line. So that a field
//! whose own text holds such a line still reads back exactly, every line of a
//! field that is a heading preceded by zero or more backslashes gets one more
//! backslash, and reading removes one. [`parse`] therefore inverts
//! [`compose`] for every input; it is applied only to files Accord wrote.

/// The section headings, in the order they are written.
const HEADINGS: [&str; 3] = ["Inclusion criteria:", "Exclusion criteria:", "Example:"];

/// A code's four definition fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Definition {
    pub description: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
}

fn is_heading_like(line: &str) -> bool {
    let bare = line.trim_start_matches('\\');
    HEADINGS.contains(&bare)
}

fn escape(field: &str) -> String {
    field
        .split('\n')
        .map(|line| {
            if is_heading_like(line) {
                format!("\\{line}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn unescape(field: &str) -> String {
    field
        .split('\n')
        .map(|line| {
            if line.starts_with('\\') && is_heading_like(line) {
                line[1..].to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `Description` text of a code; empty when every field is empty.
pub(crate) fn compose(d: &Definition) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !d.description.is_empty() {
        parts.push(escape(&d.description));
    }
    for (heading, field) in HEADINGS
        .iter()
        .zip([&d.inclusion, &d.exclusion, &d.example])
    {
        if !field.is_empty() {
            parts.push(format!("{heading}\n{}", escape(field)));
        }
    }
    parts.join("\n\n")
}

/// Splits a `Description` written by [`compose`] back into the four fields.
pub(crate) fn parse(text: &str) -> Definition {
    // Where each heading's section starts (the heading line itself), if present.
    let mut cuts: Vec<(usize, usize)> = Vec::new(); // (heading index, byte offset)
    let mut from = 0;
    for (h, heading) in HEADINGS.iter().enumerate() {
        let marker = format!("{heading}\n");
        let found = if from == 0 && text.starts_with(&marker) {
            Some(0)
        } else {
            let needle = format!("\n\n{marker}");
            text[from..].find(&needle).map(|i| from + i + 2)
        };
        if let Some(at) = found {
            cuts.push((h, at));
            from = at + marker.len();
        }
    }
    let mut fields = [String::new(), String::new(), String::new(), String::new()];
    let first_end = cuts
        .first()
        .map_or(text.len(), |&(_, at)| at.saturating_sub(2));
    fields[0] = unescape(&text[..first_end.min(text.len())]);
    if cuts.first().is_some_and(|&(_, at)| at == 0) {
        fields[0].clear();
    }
    for (i, &(h, at)) in cuts.iter().enumerate() {
        let body_start = at + HEADINGS[h].len() + 1;
        let body_end = cuts.get(i + 1).map_or(text.len(), |&(_, next)| next - 2);
        fields[h + 1] = unescape(&text[body_start..body_end]);
    }
    let [description, inclusion, exclusion, example] = fields;
    Definition {
        description,
        inclusion,
        exclusion,
        example,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(d: Definition) {
        let text = compose(&d);
        assert_eq!(parse(&text), d, "round trip of {text:?}");
    }

    #[test]
    fn every_combination_of_fields_reads_back() {
        let samples = [
            "",
            "One line.",
            "Two\nlines",
            "\nleading and trailing newlines\n\n",
            "Inclusion criteria:",
            "text\n\nInclusion criteria:\nnot a heading",
            "\\Example:\n\\\\Exclusion criteria:",
            "ends with a blank line\n\n",
            "Example:\nx",
        ];
        for a in samples {
            for b in samples {
                for c in [samples[0], samples[5], samples[2]] {
                    for e in [samples[0], samples[4], samples[8]] {
                        check(Definition {
                            description: a.to_owned(),
                            inclusion: b.to_owned(),
                            exclusion: c.to_owned(),
                            example: e.to_owned(),
                        });
                    }
                }
            }
        }
    }

    #[test]
    fn the_written_form_is_readable() {
        let text = compose(&Definition {
            description: "Kind, easy to talk to.".into(),
            inclusion: "Warmth towards the mentee.".into(),
            exclusion: String::new(),
            example: "\"She always had time.\"".into(),
        });
        assert_eq!(
            text,
            "Kind, easy to talk to.\n\nInclusion criteria:\nWarmth towards the mentee.\n\nExample:\n\"She always had time.\""
        );
    }
}
