//! The agreement report of a project: codings read from the store, turned
//! into presence counts per code and unit of analysis, and summarised with
//! the statistics of [`super::stats`].
//!
//! Comparing coders means reading more than one coder's codings, so the
//! report is refused during independent coding (the coders are blind to each
//! other until the team moves to reconciliation).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{
    AgreementSummary, MatchThreshold, PresenceCounts, SourceUnits, Span, Statistic,
    UndefinedReason, character_counts, match_segments,
};
use crate::store::{CodeId, CoderId, SourceId};
use crate::{Error, Phase, Project, Result};

/// What one "unit" of the agreement table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum UnitOfAnalysis {
    /// A whole source (a survey question's answers, a transcript).
    Source,
    /// A unit: a survey answer, a paragraph, a speaker turn.
    #[default]
    Unit,
    /// A sentence (Unicode sentence boundaries).
    Sentence,
    /// A code point.
    Character,
}

impl UnitOfAnalysis {
    /// Parses `source`, `unit`, `sentence` or `character`.
    pub fn parse(s: &str) -> Result<UnitOfAnalysis> {
        match s.trim().to_ascii_lowercase().as_str() {
            "source" | "document" => Ok(UnitOfAnalysis::Source),
            "unit" | "segment" | "paragraph" => Ok(UnitOfAnalysis::Unit),
            "sentence" => Ok(UnitOfAnalysis::Sentence),
            "character" | "char" => Ok(UnitOfAnalysis::Character),
            other => Err(Error::Invalid(format!(
                "unknown unit of analysis \"{other}\"; expected source, unit, sentence or character"
            ))),
        }
    }

    /// The plural noun, for headings ("units", "characters").
    pub fn plural(self) -> &'static str {
        match self {
            UnitOfAnalysis::Source => "sources",
            UnitOfAnalysis::Unit => "units",
            UnitOfAnalysis::Sentence => "sentences",
            UnitOfAnalysis::Character => "characters",
        }
    }
}

/// How to compute the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct AgreementOptions {
    /// The unit of analysis.
    pub unit: UnitOfAnalysis,
    /// The coders to compare; empty means the project's two coders.
    pub coders: Vec<CoderId>,
    /// Count only units that at least one coder marked with any code.
    pub coded_only: bool,
    /// Segment matching threshold: overlap ÷ union of two codings.
    pub threshold: f64,
}

impl Default for AgreementOptions {
    fn default() -> Self {
        AgreementOptions {
            unit: UnitOfAnalysis::Unit,
            coders: Vec::new(),
            coded_only: false,
            threshold: 0.9,
        }
    }
}

/// MAXQDA-style matching of whole codings, summed over sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SegmentCounts {
    /// Pairs of codings (one per coder) that match.
    pub matched: u64,
    /// Codings of the first coder that match none of the second's.
    pub a_only: u64,
    /// Codings of the second coder that match none of the first's.
    pub b_only: u64,
    /// matched ÷ (matched + A only + B only).
    pub agreement: Statistic,
}

impl SegmentCounts {
    fn new() -> SegmentCounts {
        SegmentCounts {
            matched: 0,
            a_only: 0,
            b_only: 0,
            agreement: Statistic::Undefined {
                reason: UndefinedReason::NoCodings,
            },
        }
    }

    fn finish(&mut self) {
        let all = self.matched + self.a_only + self.b_only;
        self.agreement = if all == 0 {
            Statistic::Undefined {
                reason: UndefinedReason::NoCodings,
            }
        } else {
            Statistic::Defined {
                value: self.matched as f64 / all as f64,
            }
        };
    }
}

/// The agreement on one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodeAgreement {
    /// The code.
    pub code: CodeId,
    /// Its name.
    pub name: String,
    /// Its path in the codebook ("Parent › Child").
    pub path: String,
    /// Codings of this code per compared coder, in the order of the report's coders.
    pub codings: Vec<u64>,
    /// Units marked with this code per coder (presence counts).
    #[cfg_attr(feature = "ts", ts(type = "Array<[number, number]>"))]
    pub presence: Vec<(u32, u64)>,
    /// Every statistic, over this code's units.
    pub summary: AgreementSummary,
    /// Segment matching of this code's codings (first two coders).
    pub segments: SegmentCounts,
}

/// A compared coder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportCoder {
    /// The coder.
    pub id: CoderId,
    /// Their name.
    pub name: String,
}

/// The full agreement report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AgreementReport {
    /// The options it was computed with.
    pub options: AgreementOptions,
    /// The coders compared, in order (A, B, ...).
    pub coders: Vec<ReportCoder>,
    /// Sources in the project.
    pub sources: u64,
    /// Units of analysis per code: the same for every code unless
    /// "coded units only" is on.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub units: u64,
    /// One row per code that either coder applied, in codebook order.
    pub codes: Vec<CodeAgreement>,
    /// All code–unit pairs together.
    pub pooled: AgreementSummary,
    /// The unweighted mean of the per-code kappas that are defined.
    pub mean_kappa: Statistic,
    /// How many per-code kappas the mean is over.
    pub mean_kappa_codes: u64,
    /// Segment matching over every code.
    pub segments: SegmentCounts,
}

/// Codings of each compared coder: source → code → spans.
type CoderCodings = Vec<HashMap<SourceId, BTreeMap<CodeId, Vec<Span>>>>;

impl Project {
    /// Computes the agreement report. Refused during independent coding.
    pub fn agreement(&self, options: &AgreementOptions) -> Result<AgreementReport> {
        if self.phase()? == Phase::Independent {
            return Err(Error::NotAllowed(
                "agreement compares the coders' work, which stays blind during independent coding; move the project to reconciliation first".into(),
            ));
        }
        let coders = self.report_coders(&options.coders)?;
        let threshold = MatchThreshold::new(options.threshold)
            .map_err(|e| Error::Invalid(format!("threshold: {e}")))?;
        let codings = self.load_codings(&coders, "codings", "coder_id = ?1")?;
        compute(self, options, coders, codings, threshold)
    }

    /// Agreement of each coder with the consensus (after reconciliation):
    /// one report per coder, comparing the coder (A) with the consensus (B).
    pub fn agreement_with_consensus(
        &self,
        options: &AgreementOptions,
    ) -> Result<Vec<AgreementReport>> {
        match self.phase()? {
            Phase::Reconciliation | Phase::Themes => {}
            _ => {
                return Err(Error::NotAllowed(
                    "the consensus exists once reconciliation has started".into(),
                ));
            }
        }
        let threshold = MatchThreshold::new(options.threshold)
            .map_err(|e| Error::Invalid(format!("threshold: {e}")))?;
        let mut reports = Vec::new();
        for coder in self.report_coders(&options.coders)? {
            let mut codings =
                self.load_codings(std::slice::from_ref(&coder), "codings", "coder_id = ?1")?;
            codings.extend(self.load_codings(
                &[ReportCoder {
                    id: CoderId(0),
                    name: "Consensus".into(),
                }],
                "consensus_codings",
                "?1 = ?1",
            )?);
            let names = vec![
                coder.clone(),
                ReportCoder {
                    id: CoderId(0),
                    name: "Consensus".into(),
                },
            ];
            reports.push(compute(self, options, names, codings, threshold)?);
        }
        Ok(reports)
    }

    fn report_coders(&self, chosen: &[CoderId]) -> Result<Vec<ReportCoder>> {
        let all = self.coders()?;
        let coders: Vec<ReportCoder> = if chosen.is_empty() {
            if all.len() != 2 {
                return Err(Error::Invalid(format!(
                    "the project has {} coders; choose the coders to compare",
                    all.len()
                )));
            }
            all.iter()
                .map(|c| ReportCoder {
                    id: c.id,
                    name: c.name.clone(),
                })
                .collect()
        } else {
            chosen
                .iter()
                .map(|id| {
                    all.iter()
                        .find(|c| c.id == *id)
                        .map(|c| ReportCoder {
                            id: c.id,
                            name: c.name.clone(),
                        })
                        .ok_or_else(|| Error::not_found(format!("coder {id}")))
                })
                .collect::<Result<_>>()?
        };
        if coders.len() < 2 {
            return Err(Error::Invalid("agreement needs at least two coders".into()));
        }
        if coders.len() > super::MAX_CODERS {
            return Err(Error::Invalid(format!(
                "at most {} coders can be compared at once",
                super::MAX_CODERS
            )));
        }
        Ok(coders)
    }

    fn load_codings(
        &self,
        coders: &[ReportCoder],
        table: &str,
        filter: &str,
    ) -> Result<CoderCodings> {
        let mut out = Vec::with_capacity(coders.len());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT source_id, code_id, start, end FROM {table} WHERE {filter} ORDER BY source_id, code_id, start"
        ))?;
        for coder in coders {
            let mut map: HashMap<SourceId, BTreeMap<CodeId, Vec<Span>>> = HashMap::new();
            let rows = stmt.query_map([coder.id], |r| {
                Ok((
                    r.get::<_, SourceId>(0)?,
                    r.get::<_, CodeId>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            for row in rows {
                let (source, code, start, end) = row?;
                let span = Span::new(start as usize, end as usize)
                    .map_err(|e| Error::Invalid(format!("stored coding: {e}")))?;
                map.entry(source)
                    .or_default()
                    .entry(code)
                    .or_default()
                    .push(span);
            }
            out.push(map);
        }
        Ok(out)
    }
}

fn stat_error(e: super::AgreementError) -> Error {
    Error::Invalid(format!("agreement: {e}"))
}

fn compute(
    project: &Project,
    options: &AgreementOptions,
    coders: Vec<ReportCoder>,
    codings: CoderCodings,
    threshold: MatchThreshold,
) -> Result<AgreementReport> {
    let n = coders.len();
    let codebook = project.codes()?;
    let used: std::collections::BTreeSet<CodeId> = codings
        .iter()
        .flat_map(|m| m.values().flat_map(|c| c.keys().copied()))
        .collect();
    let codes: Vec<_> = codebook.iter().filter(|c| used.contains(&c.id)).collect();
    let mut per_code: Vec<PresenceCounts> = (0..codes.len())
        .map(|_| PresenceCounts::new(n))
        .collect::<std::result::Result<_, _>>()
        .map_err(stat_error)?;
    let mut segments: Vec<SegmentCounts> = (0..codes.len()).map(|_| SegmentCounts::new()).collect();
    let mut counts_of: Vec<Vec<u64>> = vec![vec![0; n]; codes.len()];
    let empty = BTreeMap::new();
    let mut units_total = 0u64;
    let sources = project.sources()?;
    for source in &sources {
        let length = source.length as usize;
        let per_coder: Vec<&BTreeMap<CodeId, Vec<Span>>> = codings
            .iter()
            .map(|m| m.get(&source.id).unwrap_or(&empty))
            .collect();
        let all_codings: Vec<Vec<Span>> = per_coder
            .iter()
            .map(|m| m.values().flatten().copied().collect())
            .collect();
        // The units of analysis of this source (None for characters).
        let units = match options.unit {
            UnitOfAnalysis::Character => None,
            UnitOfAnalysis::Source => Some(if length > 0 {
                vec![Span::new(0, length).map_err(stat_error)?]
            } else {
                vec![]
            }),
            UnitOfAnalysis::Unit => Some(
                crate::store::sources::units(&project.conn, source.id)?
                    .iter()
                    .map(|u| Span::new(u.start as usize, u.end as usize))
                    .collect::<std::result::Result<_, _>>()
                    .map_err(stat_error)?,
            ),
            UnitOfAnalysis::Sentence => {
                let text = crate::store::sources::text(&project.conn, source.id)?;
                Some(
                    crate::text::sentences(&text)
                        .into_iter()
                        .map(|(s, e)| Span::new(s, e))
                        .collect::<std::result::Result<_, _>>()
                        .map_err(stat_error)?,
                )
            }
        };
        let source_units = units
            .map(|u| SourceUnits::new(length, u))
            .transpose()
            .map_err(stat_error)?;
        let selection = match (&source_units, options.coded_only) {
            (Some(su), true) => Some(su.coded_units(&all_codings).map_err(stat_error)?),
            _ => None,
        };
        // Characters outside every coding of every coder, removed from the
        // "neither" cell under "coded units only".
        let uncoded_chars = if options.coded_only && source_units.is_none() {
            let union = character_counts(
                length,
                &[
                    all_codings.iter().flatten().copied().collect::<Vec<_>>(),
                    vec![],
                ],
            )
            .map_err(stat_error)?;
            union.count(super::CoderSet::EMPTY)
        } else {
            0
        };
        units_total += match (&source_units, &selection) {
            (_, Some(sel)) => sel.selected() as u64,
            (Some(su), None) => su.len() as u64,
            (None, None) => length as u64 - uncoded_chars,
        };
        let no_spans: Vec<Span> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            let lists: Vec<&[Span]> = per_coder
                .iter()
                .map(|m| m.get(&code.id).map(Vec::as_slice).unwrap_or(&no_spans))
                .collect();
            for (c, l) in lists.iter().enumerate() {
                counts_of[i][c] += l.len() as u64;
            }
            if lists.iter().all(|l| l.is_empty())
                && !matches!(options.unit, UnitOfAnalysis::Character)
                && selection.is_none()
            {
                // Nobody used the code here: every unit is "neither".
                let units = source_units.as_ref().map(|s| s.len()).unwrap_or(0) as u64;
                per_code[i]
                    .add(super::CoderSet::EMPTY, units)
                    .map_err(stat_error)?;
                continue;
            }
            let counts = match (&source_units, &selection) {
                (None, _) => {
                    let mut c = character_counts(length, &lists).map_err(stat_error)?;
                    if uncoded_chars > 0 {
                        let neither = c.count(super::CoderSet::EMPTY) - uncoded_chars;
                        let mut trimmed = PresenceCounts::new(n).map_err(stat_error)?;
                        for (set, count) in c.iter() {
                            let count = if set == super::CoderSet::EMPTY {
                                neither
                            } else {
                                count
                            };
                            trimmed.add(set, count).map_err(stat_error)?;
                        }
                        c = trimmed;
                    }
                    c
                }
                (Some(su), Some(sel)) => su
                    .presence(&lists)
                    .map_err(stat_error)?
                    .counts_in(sel)
                    .map_err(stat_error)?,
                (Some(su), None) => su.presence(&lists).map_err(stat_error)?.counts(),
            };
            per_code[i].pool(&counts).map_err(stat_error)?;
            if n >= 2 && (!lists[0].is_empty() || !lists[1].is_empty()) {
                let m = match_segments(lists[0], lists[1], threshold);
                segments[i].matched += m.matched.len() as u64;
                segments[i].a_only += m.a_only.len() as u64;
                segments[i].b_only += m.b_only.len() as u64;
            }
        }
    }
    let mut pooled = PresenceCounts::new(n).map_err(stat_error)?;
    let mut total_segments = SegmentCounts::new();
    let mut rows = Vec::with_capacity(codes.len());
    let mut kappas = Vec::new();
    let names: HashMap<CodeId, &str> = codebook.iter().map(|c| (c.id, c.name.as_str())).collect();
    for (i, code) in codes.iter().enumerate() {
        pooled.pool(&per_code[i]).map_err(stat_error)?;
        let mut seg = std::mem::replace(&mut segments[i], SegmentCounts::new());
        seg.finish();
        total_segments.matched += seg.matched;
        total_segments.a_only += seg.a_only;
        total_segments.b_only += seg.b_only;
        let summary = per_code[i].summary();
        if let Some(k) = summary.kappa.value() {
            kappas.push(k);
        }
        let mut path = vec![code.name.clone()];
        let mut parent = code.parent;
        while let Some(p) = parent {
            let Some(pc) = codebook.iter().find(|c| c.id == p) else {
                break;
            };
            path.insert(0, names.get(&p).copied().unwrap_or_default().to_owned());
            parent = pc.parent;
        }
        rows.push(CodeAgreement {
            code: code.id,
            name: code.name.clone(),
            path: path.join(" › "),
            codings: counts_of[i].clone(),
            presence: per_code[i].iter().map(|(s, c)| (s.bits(), c)).collect(),
            summary,
            segments: seg,
        });
    }
    total_segments.finish();
    let mean_kappa = if kappas.is_empty() {
        Statistic::Undefined {
            reason: UndefinedReason::NoPairableUnits,
        }
    } else {
        Statistic::Defined {
            value: kappas.iter().sum::<f64>() / kappas.len() as f64,
        }
    };
    Ok(AgreementReport {
        options: options.clone(),
        coders,
        sources: sources.len() as u64,
        units: units_total,
        codes: rows,
        pooled: pooled.summary(),
        mean_kappa,
        mean_kappa_codes: kappas.len() as u64,
        segments: total_segments,
    })
}

/// A file format for the agreement report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ReportFormat {
    /// A Markdown document with one table.
    Markdown,
    /// A standalone HTML page.
    Html,
    /// One CSV row per code plus a pooled row.
    Csv,
}

impl ReportFormat {
    /// The format for a file extension (`md`, `html`, `csv`).
    pub fn from_extension(ext: &str) -> Result<ReportFormat> {
        match ext.trim_start_matches('.').to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(ReportFormat::Markdown),
            "html" | "htm" => Ok(ReportFormat::Html),
            "csv" => Ok(ReportFormat::Csv),
            other => Err(Error::Invalid(format!(
                "cannot write an agreement report as .{other}; use .md, .html or .csv"
            ))),
        }
    }
}

/// Writes `reports` (one, or each coder against the consensus) to `path` in
/// `format`, one after another. The file is replaced whole or not at all;
/// a CSV starts with a UTF-8 byte-order mark, without which Excel reads it
/// in the legacy code page, as every other CSV export of Accord does.
pub fn write_reports(
    reports: &[AgreementReport],
    format: ReportFormat,
    path: &std::path::Path,
) -> Result<()> {
    let mut bytes = Vec::new();
    if format == ReportFormat::Csv {
        bytes.extend_from_slice(crate::export::BOM);
    }
    let text: Vec<String> = reports.iter().map(|r| r.render(format)).collect();
    bytes.extend_from_slice(text.join("\n").as_bytes());
    crate::export::write_file(path, &bytes)
}

/// A statistic for a table cell: three decimals, or "undefined".
pub fn format_statistic(s: &Statistic) -> String {
    match s {
        Statistic::Defined { value } => format!("{value:.3}"),
        Statistic::Undefined { .. } => "undefined".to_owned(),
    }
}

fn percent(s: &Statistic) -> String {
    match s {
        Statistic::Defined { value } => format!("{:.1}%", value * 100.0),
        Statistic::Undefined { .. } => "undefined".to_owned(),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl AgreementReport {
    /// The header cells of the per-code table.
    fn columns(&self) -> Vec<String> {
        let mut cols = vec!["Code".to_owned()];
        for c in &self.coders {
            cols.push(format!("Codings ({})", c.name));
        }
        cols.extend(
            [
                self.options.unit.plural(),
                "Agreement",
                "Cohen's kappa",
                "Krippendorff's alpha",
                "Brennan–Prediger kappa",
                "Segments matched",
                "Segment agreement",
            ]
            .map(|s| {
                let mut s = s.to_owned();
                if let Some(first) = s.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                s
            }),
        );
        cols
    }

    fn row(
        &self,
        name: &str,
        codings: &[u64],
        s: &AgreementSummary,
        seg: &SegmentCounts,
    ) -> Vec<String> {
        let mut row = vec![name.to_owned()];
        row.extend(codings.iter().map(|c| c.to_string()));
        row.push(s.units.to_string());
        row.push(percent(&s.percent_agreement));
        row.push(format_statistic(&s.kappa));
        row.push(format_statistic(&s.krippendorff_alpha));
        row.push(format_statistic(&s.brennan_prediger_kappa));
        row.push(format!(
            "{} of {}",
            seg.matched,
            seg.matched + seg.a_only + seg.b_only
        ));
        row.push(percent(&seg.agreement));
        row
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = self
            .codes
            .iter()
            .map(|c| self.row(&c.path, &c.codings, &c.summary, &c.segments))
            .collect();
        let totals: Vec<u64> = (0..self.coders.len())
            .map(|i| self.codes.iter().map(|c| c.codings[i]).sum())
            .collect();
        rows.push(self.row("All codes (pooled)", &totals, &self.pooled, &self.segments));
        rows
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = vec![
            format!(
                "Coders: {}. Unit of analysis: {}{}. Segment matching threshold: {:.0}% overlap.",
                self.coders
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                self.options.unit.plural().trim_end_matches('s'),
                if self.options.coded_only {
                    " (coded units only)"
                } else {
                    ""
                },
                self.options.threshold * 100.0
            ),
            format!(
                "Mean of per-code kappas: {} (over {} codes with a defined kappa).",
                format_statistic(&self.mean_kappa),
                self.mean_kappa_codes
            ),
        ];
        for c in &self.codes {
            if let Statistic::Undefined { reason } = c.summary.kappa {
                notes.push(format!(
                    "{}: kappa is undefined because {}.",
                    c.path,
                    reason.explanation()
                ));
            }
        }
        notes
    }

    /// The report as a document in `format`.
    pub fn render(&self, format: ReportFormat) -> String {
        let cols = self.columns();
        let rows = self.rows();
        match format {
            ReportFormat::Markdown => {
                let cell = |s: &str| s.replace('|', "\\|");
                let mut out = String::from("# Inter-coder agreement\n\n");
                out.push_str(&format!(
                    "| {} |\n",
                    cols.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                ));
                out.push_str(&format!("|{}\n", " --- |".repeat(cols.len())));
                for r in &rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    ));
                }
                out.push('\n');
                for n in self.notes() {
                    out.push_str(&format!("- {n}\n"));
                }
                out
            }
            ReportFormat::Html => {
                let mut out = String::from(
                    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Inter-coder agreement</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}tr:last-child{font-weight:600}</style></head><body>\n<h1>Inter-coder agreement</h1>\n<table>\n<thead><tr>",
                );
                for c in &cols {
                    out.push_str(&format!("<th>{}</th>", html_escape(c)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for r in &rows {
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str(&format!("<td>{}</td>", html_escape(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody></table>\n<ul>\n");
                for n in self.notes() {
                    out.push_str(&format!("<li>{}</li>\n", html_escape(&n)));
                }
                out.push_str("</ul>\n</body></html>\n");
                out
            }
            ReportFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                let _ = w.write_record(&cols);
                for r in &rows {
                    let _ = w.write_record(r);
                }
                // The unweighted mean of the per-code kappas, in the kappa column.
                let mut mean = vec![String::new(); cols.len()];
                mean[0] = format!("Mean of per-code kappas ({} codes)", self.mean_kappa_codes);
                if let Some(k) = cols.iter().position(|c| c == "Cohen's kappa") {
                    mean[k] = format_statistic(&self.mean_kappa);
                }
                let _ = w.write_record(&mean);
                String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
            }
        }
    }
}
