//! Rating scales: recognising a Likert column from its answers, and matching
//! answers to a scale's levels.
//!
//! A column is Likert when every distinct answer belongs to one known scale
//! (agree/disagree in 5 and 7 points and Qualtrics' wording, satisfied,
//! likely, frequency, quality, and "not at all … extremely" scales of
//! importance, helpfulness and the like). Answers are compared ignoring
//! case, repeated spaces, a leading number ("1 - Strongly disagree",
//! "5. Agree") and a trailing one ("Agree (4)"). Yes/No is not a scale: it
//! stays categorical.

use std::sync::OnceLock;

/// A known scale: levels from lowest to highest, plus other wordings of
/// some levels.
struct Scale {
    levels: Vec<String>,
    aliases: Vec<(String, usize)>,
}

fn scale(levels: &[&str], aliases: &[(&str, usize)]) -> Scale {
    Scale {
        levels: levels.iter().map(|l| (*l).to_owned()).collect(),
        aliases: aliases.iter().map(|(a, i)| ((*a).to_owned(), *i)).collect(),
    }
}

/// The scales, smaller before larger, so that answers fitting a 5-point
/// scale are not read as a 7-point one.
fn scales() -> &'static [Scale] {
    static SCALES: OnceLock<Vec<Scale>> = OnceLock::new();
    SCALES.get_or_init(|| {
        let neutral_agree = [
            ("neutral", 2),
            ("neither disagree nor agree", 2),
            ("undecided", 2),
        ];
        let mut all = vec![
            scale(
                &[
                    "strongly disagree",
                    "disagree",
                    "neither agree nor disagree",
                    "agree",
                    "strongly agree",
                ],
                &neutral_agree,
            ),
            scale(
                &[
                    "strongly disagree",
                    "somewhat disagree",
                    "neither agree nor disagree",
                    "somewhat agree",
                    "strongly agree",
                ],
                &[
                    ("neutral", 2),
                    ("neither disagree nor agree", 2),
                    ("slightly disagree", 1),
                    ("slightly agree", 3),
                ],
            ),
            scale(
                &[
                    "strongly disagree",
                    "disagree",
                    "somewhat disagree",
                    "neither agree nor disagree",
                    "somewhat agree",
                    "agree",
                    "strongly agree",
                ],
                &[
                    ("neutral", 3),
                    ("neither disagree nor agree", 3),
                    ("slightly disagree", 2),
                    ("slightly agree", 4),
                    ("mildly disagree", 2),
                    ("mildly agree", 4),
                ],
            ),
            scale(
                &[
                    "very dissatisfied",
                    "dissatisfied",
                    "neither satisfied nor dissatisfied",
                    "satisfied",
                    "very satisfied",
                ],
                &[("neutral", 2), ("neither dissatisfied nor satisfied", 2)],
            ),
            scale(
                &[
                    "extremely dissatisfied",
                    "somewhat dissatisfied",
                    "neither satisfied nor dissatisfied",
                    "somewhat satisfied",
                    "extremely satisfied",
                ],
                &[("neutral", 2), ("neither dissatisfied nor satisfied", 2)],
            ),
            scale(
                &[
                    "extremely dissatisfied",
                    "moderately dissatisfied",
                    "slightly dissatisfied",
                    "neither satisfied nor dissatisfied",
                    "slightly satisfied",
                    "moderately satisfied",
                    "extremely satisfied",
                ],
                &[("neutral", 3), ("neither dissatisfied nor satisfied", 3)],
            ),
            scale(
                &[
                    "very unlikely",
                    "unlikely",
                    "neither likely nor unlikely",
                    "likely",
                    "very likely",
                ],
                &[("neutral", 2), ("neither unlikely nor likely", 2)],
            ),
            scale(
                &[
                    "extremely unlikely",
                    "somewhat unlikely",
                    "neither likely nor unlikely",
                    "somewhat likely",
                    "extremely likely",
                ],
                &[("neutral", 2), ("neither unlikely nor likely", 2)],
            ),
            scale(
                &["never", "rarely", "sometimes", "often", "always"],
                &[("seldom", 1), ("usually", 3)],
            ),
            scale(
                &["never", "rarely", "sometimes", "often", "very often"],
                &[("seldom", 1)],
            ),
            scale(
                &[
                    "never",
                    "sometimes",
                    "about half the time",
                    "most of the time",
                    "always",
                ],
                &[],
            ),
            scale(
                &[
                    "never",
                    "rarely",
                    "occasionally",
                    "sometimes",
                    "frequently",
                    "usually",
                    "always",
                ],
                &[("seldom", 1)],
            ),
            scale(&["poor", "fair", "good", "very good", "excellent"], &[]),
            scale(&["very poor", "poor", "fair", "good", "very good"], &[]),
            scale(
                &["very poor", "poor", "average", "good", "excellent"],
                &[("terrible", 0)],
            ),
            scale(
                &[
                    "not at all",
                    "to a small extent",
                    "to a moderate extent",
                    "to a great extent",
                    "to a very great extent",
                ],
                &[("to some extent", 2)],
            ),
            scale(
                &[
                    "not at all",
                    "a little",
                    "somewhat",
                    "quite a bit",
                    "very much",
                ],
                &[("a lot", 4)],
            ),
        ];
        for adjective in [
            "important",
            "helpful",
            "useful",
            "effective",
            "confident",
            "prepared",
            "familiar",
            "satisfied",
            "comfortable",
            "valuable",
            "relevant",
            "supported",
        ] {
            let levels: Vec<String> = ["not at all", "slightly", "moderately", "very", "extremely"]
                .iter()
                .map(|degree| format!("{degree} {adjective}"))
                .collect();
            all.push(Scale {
                aliases: vec![
                    (format!("not {adjective}"), 0),
                    (format!("somewhat {adjective}"), 2),
                ],
                levels,
            });
        }
        all
    })
}

/// Lower-cased, single-spaced, without leading or trailing scale numbers.
pub(crate) fn normalize(answer: &str) -> String {
    let lower = answer.to_lowercase().replace(['_', '\u{a0}'], " ");
    let mut s: &str = lower.trim();
    // "1 - strongly disagree", "5. agree", "(3) neutral", "2= disagree"
    let digits = s
        .trim_start_matches(['(', '['])
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    if digits > 0 && digits <= 2 {
        let skip = s.len() - s.trim_start_matches(['(', '[']).len() + digits;
        let rest = s[skip..].trim_start_matches([')', ']', '.', '-', '=', ':', ' ', '–']);
        if rest.len() < s.len() - skip && rest.chars().next().is_some_and(char::is_alphabetic) {
            s = rest;
        }
    }
    // "agree (4)", "agree - 4", "agree = 4"
    let trimmed = s.trim_end_matches([')', ']']).trim_end();
    let tail_digits = trimmed
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    if tail_digits > 0 && tail_digits <= 2 && trimmed.len() > tail_digits {
        let head = trimmed[..trimmed.len() - tail_digits]
            .trim_end_matches(['(', '[', '-', '=', ':', ' ', '–']);
        if head.len() < trimmed.len() - tail_digits
            && head.chars().last().is_some_and(char::is_alphabetic)
        {
            s = head;
        }
    }
    let s = s.trim_end_matches(['.', '!']);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn index_in(scale: &Scale, normalized: &str) -> Option<usize> {
    scale
        .levels
        .iter()
        .position(|l| l == normalized)
        .or_else(|| {
            scale
                .aliases
                .iter()
                .find(|(a, _)| a == normalized)
                .map(|(_, i)| *i)
        })
}

/// The levels of the first known scale holding every answer, lowest first,
/// spelled as in the answers where they occur (the first spelling seen) and
/// in sentence case where nobody chose them. `None` when the answers are
/// not all of one scale, or there are none.
pub(crate) fn detect<'a>(
    answers: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<Vec<String>> {
    let distinct: Vec<(String, &str)> = {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for answer in answers.clone() {
            let n = normalize(answer);
            if n.is_empty() {
                continue;
            }
            if !seen.iter().any(|(s, _)| *s == n) {
                seen.push((n, answer.trim()));
            }
        }
        seen
    };
    if distinct.is_empty() {
        return None;
    }
    let scale = scales()
        .iter()
        .find(|scale| distinct.iter().all(|(n, _)| index_in(scale, n).is_some()))?;
    let mut levels: Vec<Option<String>> = vec![None; scale.levels.len()];
    for (n, spelled) in &distinct {
        let i = index_in(scale, n).expect("every answer is in the scale");
        if levels[i].is_none() {
            levels[i] = Some((*spelled).to_owned());
        }
    }
    Some(
        levels
            .into_iter()
            .zip(&scale.levels)
            .map(|(spelled, canonical)| spelled.unwrap_or_else(|| sentence_case(canonical)))
            .collect(),
    )
}

/// Which of `levels` an answer is, comparing normalised forms, and failing
/// that through a known scale's other wordings ("Neutral" for "Neither
/// agree nor disagree").
pub(crate) fn level_index(levels: &[String], answer: &str) -> Option<usize> {
    let n = normalize(answer);
    if n.is_empty() {
        return None;
    }
    let normalized: Vec<String> = levels.iter().map(|l| normalize(l)).collect();
    if let Some(i) = normalized.iter().position(|l| *l == n) {
        return Some(i);
    }
    for scale in scales() {
        if let Some(i) = index_in(scale, &n) {
            let canonical = &scale.levels[i];
            let aliases_of_level = scale
                .aliases
                .iter()
                .filter(|(_, j)| *j == i)
                .map(|(a, _)| a);
            for (k, level) in normalized.iter().enumerate() {
                if level == canonical || aliases_of_level.clone().any(|a| a == level) {
                    return Some(k);
                }
            }
        }
    }
    None
}

fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(answers: &[&str], expected: Option<&[&str]>) {
        let got = detect(answers.iter().copied());
        let expected = expected.map(|e| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(got, expected, "the scale of {answers:?}");
    }

    #[test]
    fn scales_are_recognised_in_order_with_the_answers_spelling() {
        check(
            &["Agree", "strongly agree", "AGREE", "Neutral"],
            Some(&[
                "Strongly disagree",
                "Disagree",
                "Neutral",
                "Agree",
                "strongly agree",
            ]),
        );
        check(
            &["Somewhat agree", "Strongly agree", "Agree"],
            Some(&[
                "Strongly disagree",
                "Disagree",
                "Somewhat disagree",
                "Neither agree nor disagree",
                "Somewhat agree",
                "Agree",
                "Strongly agree",
            ]),
        );
        check(
            &["Somewhat agree", "Strongly agree"],
            Some(&[
                "Strongly disagree",
                "Somewhat disagree",
                "Neither agree nor disagree",
                "Somewhat agree",
                "Strongly agree",
            ]),
        );
        check(
            &["Often", "never", "Always"],
            Some(&["never", "Rarely", "Sometimes", "Often", "Always"]),
        );
        check(
            &["Very satisfied", "Dissatisfied"],
            Some(&[
                "Very dissatisfied",
                "Dissatisfied",
                "Neither satisfied nor dissatisfied",
                "Satisfied",
                "Very satisfied",
            ]),
        );
        check(
            &["Likely", "Very unlikely"],
            Some(&[
                "Very unlikely",
                "Unlikely",
                "Neither likely nor unlikely",
                "Likely",
                "Very likely",
            ]),
        );
        check(
            &["Excellent", "Poor", "Good"],
            Some(&["Poor", "Fair", "Good", "Very good", "Excellent"]),
        );
        check(
            &["Very important", "Not at all important"],
            Some(&[
                "Not at all important",
                "Slightly important",
                "Moderately important",
                "Very important",
                "Extremely important",
            ]),
        );
        check(
            &["1 - Strongly disagree", "5 - Strongly agree", "Agree (4)"],
            Some(&[
                "1 - Strongly disagree",
                "Disagree",
                "Neither agree nor disagree",
                "Agree (4)",
                "5 - Strongly agree",
            ]),
        );
    }

    #[test]
    fn yes_no_and_unknown_answers_are_not_a_scale() {
        check(&["Yes", "No"], None);
        check(&["Agree", "Maybe"], None);
        check(&[], None);
        check(&["  "], None);
    }

    #[test]
    fn answers_match_levels_by_normal_form_and_other_wordings() {
        let levels: Vec<String> = [
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(level_index(&levels, " strongly  AGREE. "), Some(4));
        assert_eq!(
            level_index(&levels, "Neutral"),
            Some(2),
            "neutral is the middle of agree scales"
        );
        assert_eq!(level_index(&levels, "4 - Agree"), Some(3));
        assert_eq!(level_index(&levels, "Maybe"), None);
    }
}
