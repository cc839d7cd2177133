//! Reconciliation: the discrepancies between two coders, the team's
//! decisions on them, and the consensus layer those decisions write.
//!
//! For one source and one code, the two coders' codings are grouped into
//! *clusters* of codings that overlap by at least one code point. A cluster
//! where both coders coded exactly the same spans is an *agreement* and goes
//! into the consensus as it is. Any other cluster is a *discrepancy*: the code
//! applied by one coder only, or by both with different boundaries. (Two
//! different codes on the same passage show up as two discrepancies at the
//! same place, one per code.)
//!
//! Decisions never change either coder's codings, so the agreement before
//! reconciliation can always be recomputed. Undoing a decision marks it
//! undone (it stays in the record) and removes the consensus it wrote.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag};

use crate::store::codings::{self, Coding, CodingFilter};
use crate::store::{self, CodeId, CoderId, SourceId, coders, codes};
use crate::text::CharIndex;
use crate::{Error, Phase, Project, Result};

/// Characters of context shown on each side of a discrepancy.
const CONTEXT: usize = 240;

/// The two coders being reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CoderPair {
    /// Coder A (left).
    pub a: CoderId,
    /// Coder B (right).
    pub b: CoderId,
}

/// What kind of difference a discrepancy is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum DiscrepancyKind {
    /// Only coder A applied the code here.
    OnlyA,
    /// Only coder B applied the code here.
    OnlyB,
    /// Both applied it, with different boundaries.
    Boundaries,
}

/// How a discrepancy was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum DecisionKind {
    /// Keep coder A's codings.
    KeepA,
    /// Keep coder B's codings.
    KeepB,
    /// Keep both coders' codings.
    KeepBoth,
    /// One coding over the union of both coders' spans.
    Union,
    /// One coding over the part both coders coded.
    Intersection,
    /// One coding over a span set by hand.
    Manual,
    /// Apply another code (over the union, or a span set by hand).
    ChangeCode,
    /// Keep nothing.
    Drop,
}

impl DecisionKind {
    fn as_str(self) -> &'static str {
        match self {
            DecisionKind::KeepA => "keep_a",
            DecisionKind::KeepB => "keep_b",
            DecisionKind::KeepBoth => "keep_both",
            DecisionKind::Union => "union",
            DecisionKind::Intersection => "intersection",
            DecisionKind::Manual => "manual",
            DecisionKind::ChangeCode => "change_code",
            DecisionKind::Drop => "drop",
        }
    }

    fn parse(s: &str) -> DecisionKind {
        match s {
            "keep_a" => DecisionKind::KeepA,
            "keep_b" => DecisionKind::KeepB,
            "keep_both" => DecisionKind::KeepBoth,
            "union" => DecisionKind::Union,
            "intersection" => DecisionKind::Intersection,
            "manual" => DecisionKind::Manual,
            "change_code" => DecisionKind::ChangeCode,
            _ => DecisionKind::Drop,
        }
    }
}

/// A decision as the user makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DecisionRequest {
    /// How to resolve it.
    pub kind: DecisionKind,
    /// The span for `manual` (and optionally `change_code`), in code points.
    #[serde(default)]
    pub span: Option<(i64, i64)>,
    /// The code for `change_code`.
    #[serde(default)]
    pub code: Option<CodeId>,
    /// Why, in the team's words.
    #[serde(default)]
    pub note: String,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Decision {
    /// Row id.
    pub id: i64,
    /// How it was resolved.
    pub kind: DecisionKind,
    /// The team's note.
    pub note: String,
    /// Who decided.
    pub decided_by: String,
    /// When (UTC).
    pub decided_at: String,
    /// The consensus codings it wrote: (code, start, end).
    pub consensus: Vec<(CodeId, i64, i64)>,
}

/// One place where the coders differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Discrepancy {
    /// Stable identity (the coders' codings are frozen during reconciliation).
    pub key: String,
    /// The source.
    pub source: SourceId,
    /// The source's title.
    pub source_title: String,
    /// The code.
    pub code: CodeId,
    /// The code's name.
    pub code_name: String,
    /// What kind of difference.
    pub kind: DiscrepancyKind,
    /// Start of the place (the earliest coded code point).
    pub start: i64,
    /// End of the place.
    pub end: i64,
    /// Coder A's codings here.
    pub a: Vec<Coding>,
    /// Coder B's codings here.
    pub b: Vec<Coding>,
    /// The current decision, if any.
    pub decision: Option<Decision>,
}

/// Which discrepancies to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DiscrepancyFilter {
    /// Only this code.
    #[serde(default)]
    pub code: Option<CodeId>,
    /// Only this source.
    #[serde(default)]
    pub source: Option<SourceId>,
    /// Only where this coder coded.
    #[serde(default)]
    pub coder: Option<CoderId>,
    /// Only those without a decision.
    #[serde(default)]
    pub undecided_only: bool,
}

/// The discrepancy list with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DiscrepancyList {
    /// The coders compared.
    pub pair: CoderPair,
    /// The discrepancies that pass the filter, by source, position and code.
    pub items: Vec<Discrepancy>,
    /// All discrepancies, whatever the filter.
    pub total: usize,
    /// How many of all have a decision.
    pub resolved: usize,
    /// Places where the coders agreed (they are in the consensus already).
    pub agreements: usize,
}

/// A segment of the side-by-side boundary comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DiffSegment {
    /// `equal` (both coded), `only_a` or `only_b`.
    pub tag: String,
    /// The text of the segment.
    pub text: String,
}

/// Everything the side-by-side view shows for one discrepancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DiscrepancyView {
    /// The discrepancy.
    pub discrepancy: Discrepancy,
    /// Start of the shown passage (code points into the source).
    pub passage_start: i64,
    /// The passage: the place with surrounding context.
    pub passage: String,
    /// The code's definition.
    pub code: codes::Code,
    /// Coder A's name.
    pub coder_a: String,
    /// Coder B's name.
    pub coder_b: String,
    /// Character-level comparison of A's and B's coded text.
    pub diff: Vec<DiffSegment>,
}

#[derive(Debug)]
struct Cluster {
    source: SourceId,
    code: CodeId,
    a: Vec<Coding>,
    b: Vec<Coding>,
}

impl Cluster {
    fn span(&self) -> (i64, i64) {
        let all = self.a.iter().chain(&self.b);
        let start = all.clone().map(|c| c.start).min().unwrap_or(0);
        let end = all.map(|c| c.end).max().unwrap_or(0);
        (start, end)
    }

    fn agreed(&self) -> bool {
        let spans = |v: &[Coding]| {
            let mut s: Vec<(i64, i64)> = v.iter().map(|c| (c.start, c.end)).collect();
            s.sort();
            s.dedup();
            s
        };
        !self.a.is_empty() && spans(&self.a) == spans(&self.b)
    }

    fn key(&self, prefix: &str) -> String {
        let mut guids: Vec<&str> = self
            .a
            .iter()
            .chain(&self.b)
            .map(|c| c.guid.as_str())
            .collect();
        guids.sort();
        let material = format!("{prefix}|{}|{}|{}", self.source, self.code, guids.join(","));
        store::content_hash(material.as_bytes())[..20].to_owned()
    }
}

/// Groups two coders' codings into overlap clusters per source and code.
fn clusters(a: Vec<Coding>, b: Vec<Coding>) -> Vec<Cluster> {
    let mut by_place: BTreeMap<(SourceId, CodeId), Vec<(bool, Coding)>> = BTreeMap::new();
    for c in a {
        by_place
            .entry((c.source, c.code))
            .or_default()
            .push((true, c));
    }
    for c in b {
        by_place
            .entry((c.source, c.code))
            .or_default()
            .push((false, c));
    }
    let mut out = Vec::new();
    for ((source, code), mut list) in by_place {
        list.sort_by_key(|(_, c)| (c.start, c.end));
        let mut current: Option<(Cluster, i64)> = None;
        for (is_a, c) in list {
            match &mut current {
                Some((cluster, end)) if c.start < *end => {
                    *end = (*end).max(c.end);
                    if is_a {
                        cluster.a.push(c)
                    } else {
                        cluster.b.push(c)
                    }
                }
                _ => {
                    if let Some((done, _)) = current.take() {
                        out.push(done);
                    }
                    let end = c.end;
                    let mut cluster = Cluster {
                        source,
                        code,
                        a: Vec::new(),
                        b: Vec::new(),
                    };
                    if is_a {
                        cluster.a.push(c)
                    } else {
                        cluster.b.push(c)
                    }
                    current = Some((cluster, end));
                }
            }
        }
        if let Some((done, _)) = current {
            out.push(done);
        }
    }
    out
}

impl Project {
    fn comparison_allowed(&self) -> Result<()> {
        if self.phase()? == Phase::Independent {
            return Err(Error::NotAllowed(
                "coders are coding blind: comparing their codings is available once the project moves on from independent coding".into(),
            ));
        }
        Ok(())
    }

    /// The two coders reconciled: the pair chosen when reconciliation
    /// started, or the only two coders of the project.
    pub fn coder_pair(&self) -> Result<CoderPair> {
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM project_meta WHERE key = 'reconcile_coders'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some((a, b)) = stored.as_deref().and_then(|s| s.split_once(','))
            && let (Ok(a), Ok(b)) = (a.parse(), b.parse())
        {
            return Ok(CoderPair {
                a: CoderId(a),
                b: CoderId(b),
            });
        }
        match coders::list(&self.conn)?.as_slice() {
            [a, b] => Ok(CoderPair { a: a.id, b: b.id }),
            [] | [_] => Err(Error::Invalid("reconciliation needs two coders".into())),
            _ => Err(Error::Invalid(
                "the project has more than two coders: choose the two to reconcile".into(),
            )),
        }
    }

    /// Moves the project to reconciliation of coders `a` and `b`, putting
    /// every place where they agree into the consensus. Logged.
    pub fn start_reconciliation(&mut self, pair: Option<CoderPair>) -> Result<usize> {
        let pair = match pair {
            Some(p) => p,
            None => self.coder_pair()?,
        };
        if pair.a == pair.b {
            return Err(Error::Invalid("choose two different coders".into()));
        }
        coders::get(&self.conn, pair.a)?;
        coders::get(&self.conn, pair.b)?;
        let a = codings::list(&self.conn, pair.a, &CodingFilter::default())?;
        let b = codings::list(&self.conn, pair.b, &CodingFilter::default())?;
        let agreed: Vec<Cluster> = clusters(a, b).into_iter().filter(Cluster::agreed).collect();
        let from = self.phase()?;
        self.change(None, |c| {
            c.execute(
                "INSERT INTO project_meta(key, value) VALUES ('reconcile_coders', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [format!("{},{}", pair.a.0, pair.b.0)],
            )?;
            c.execute(
                "INSERT INTO project_meta(key, value) VALUES ('phase', 'reconciliation')
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [],
            )?;
            // Agreements of an earlier round that no longer hold are dropped;
            // quotes keep their passage (their link is set to NULL).
            let keys: Vec<String> = agreed.iter().map(|k| k.key("agree")).collect();
            let mut stmt = c.prepare("SELECT id, agreement_key FROM consensus_codings WHERE agreement_key IS NOT NULL AND agreement_key NOT LIKE 'imported:%'")?;
            let existing: Vec<(i64, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            for (id, key) in existing {
                if !keys.contains(&key) {
                    c.execute("DELETE FROM consensus_codings WHERE id = ?1", [id])?;
                }
            }
            let now = store::now();
            for (cluster, key) in agreed.iter().zip(&keys) {
                for coding in &cluster.a {
                    c.execute(
                        "INSERT INTO consensus_codings(guid, code_id, source_id, start, end, memo, agreement_key, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7)
                         ON CONFLICT(agreement_key) DO NOTHING",
                        params![store::new_guid(), cluster.code, cluster.source, coding.start, coding.end,
                                if cluster.a.len() == 1 { key.clone() } else { format!("{key}:{}", coding.start) }, now],
                    )?;
                }
            }
            c.log(
                "reconcile.start",
                serde_json::json!({ "from": from.as_str(), "coder_a": pair.a, "coder_b": pair.b, "agreements": agreed.len() }),
            )
        })?;
        Ok(agreed.len())
    }

    fn decisions_by_key(&self) -> Result<BTreeMap<String, Decision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, discrepancy_key, kind, note, decided_by, decided_at FROM decisions
             WHERE undone_at IS NULL ORDER BY id",
        )?;
        let rows: Vec<(String, Decision)> = stmt
            .query_map([], |r| {
                let kind: String = r.get(2)?;
                Ok((
                    r.get::<_, String>(1)?,
                    Decision {
                        id: r.get(0)?,
                        kind: DecisionKind::parse(&kind),
                        note: r.get(3)?,
                        decided_by: r.get(4)?,
                        decided_at: r.get(5)?,
                        consensus: Vec::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut cons = self
            .conn
            .prepare_cached("SELECT code_id, start, end FROM consensus_codings WHERE decision_id = ?1 ORDER BY start")?;
        let mut out = BTreeMap::new();
        for (key, mut d) in rows {
            d.consensus = cons
                .query_map([d.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            out.insert(key, d);
        }
        Ok(out)
    }

    /// Every discrepancy between the reconciled coders, with its decision,
    /// filtered, with the progress over all of them.
    pub fn discrepancies(&self, filter: &DiscrepancyFilter) -> Result<DiscrepancyList> {
        self.comparison_allowed()?;
        let pair = self.coder_pair()?;
        let a = codings::list(&self.conn, pair.a, &CodingFilter::default())?;
        let b = codings::list(&self.conn, pair.b, &CodingFilter::default())?;
        let all = clusters(a, b);
        let decisions = self.decisions_by_key()?;
        let titles: BTreeMap<SourceId, String> = crate::store::sources::list(&self.conn)?
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect();
        let code_names: BTreeMap<CodeId, String> = codes::list(&self.conn)?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let mut items = Vec::new();
        let (mut total, mut resolved, mut agreements) = (0, 0, 0);
        for cluster in all {
            if cluster.agreed() {
                agreements += 1;
                continue;
            }
            total += 1;
            let key = cluster.key("disc");
            let decision = decisions.get(&key).cloned();
            if decision.is_some() {
                resolved += 1;
            }
            let kind = match (cluster.a.is_empty(), cluster.b.is_empty()) {
                (false, true) => DiscrepancyKind::OnlyA,
                (true, false) => DiscrepancyKind::OnlyB,
                _ => DiscrepancyKind::Boundaries,
            };
            let keep = filter.code.is_none_or(|c| c == cluster.code)
                && filter.source.is_none_or(|s| s == cluster.source)
                && filter.coder.is_none_or(|k| {
                    (k == pair.a && !cluster.a.is_empty()) || (k == pair.b && !cluster.b.is_empty())
                })
                && (!filter.undecided_only || decision.is_none());
            if !keep {
                continue;
            }
            let (start, end) = cluster.span();
            items.push(Discrepancy {
                key,
                source: cluster.source,
                source_title: titles.get(&cluster.source).cloned().unwrap_or_default(),
                code: cluster.code,
                code_name: code_names.get(&cluster.code).cloned().unwrap_or_default(),
                kind,
                start,
                end,
                a: cluster.a,
                b: cluster.b,
                decision,
            });
        }
        items.sort_by(|x, y| {
            (x.source, x.start, &x.code_name).cmp(&(y.source, y.start, &y.code_name))
        });
        Ok(DiscrepancyList {
            pair,
            items,
            total,
            resolved,
            agreements,
        })
    }

    fn discrepancy(&self, key: &str) -> Result<Discrepancy> {
        self.discrepancies(&DiscrepancyFilter::default())?
            .items
            .into_iter()
            .find(|d| d.key == key)
            .ok_or_else(|| Error::not_found(format!("discrepancy {key}")))
    }

    /// The side-by-side view of one discrepancy.
    pub fn discrepancy_view(&self, key: &str) -> Result<DiscrepancyView> {
        let d = self.discrepancy(key)?;
        let pair = self.coder_pair()?;
        let text = crate::store::sources::text(&self.conn, d.source)?;
        let index = CharIndex::new(&text);
        let passage_start = (d.start as usize).saturating_sub(CONTEXT);
        let passage_end = (d.end as usize + CONTEXT).min(index.len_chars());
        let coded = |v: &[Coding]| -> String {
            let (s, e) = (
                v.iter().map(|c| c.start).min().unwrap_or(0) as usize,
                v.iter().map(|c| c.end).max().unwrap_or(0) as usize,
            );
            index.slice(&text, s, e).to_owned()
        };
        let (a_text, b_text) = (coded(&d.a), coded(&d.b));
        let diff = similar::utils::diff_chars(Algorithm::Myers, a_text.as_str(), b_text.as_str())
            .into_iter()
            .map(|(tag, t)| DiffSegment {
                tag: match tag {
                    ChangeTag::Equal => "equal",
                    ChangeTag::Delete => "only_a",
                    ChangeTag::Insert => "only_b",
                }
                .to_owned(),
                text: t.to_owned(),
            })
            .collect();
        Ok(DiscrepancyView {
            passage_start: passage_start as i64,
            passage: index.slice(&text, passage_start, passage_end).to_owned(),
            code: codes::get(&self.conn, d.code)?,
            coder_a: coders::get(&self.conn, pair.a)?.name,
            coder_b: coders::get(&self.conn, pair.b)?.name,
            diff,
            discrepancy: d,
        })
    }

    /// Records a decision on a discrepancy (replacing an earlier one) and
    /// writes the consensus it implies. Logged with who, when and the note.
    pub fn decide(&mut self, key: &str, request: &DecisionRequest) -> Result<Decision> {
        let phase = self.phase()?;
        if phase != Phase::Reconciliation {
            return Err(Error::NotAllowed(format!(
                "decisions are made during reconciliation (the project is in {})",
                phase.as_str()
            )));
        }
        let d = self.discrepancy(key)?;
        let len: i64 = self.conn.query_row(
            "SELECT char_len FROM sources WHERE id = ?1",
            [d.source],
            |r| r.get(0),
        )?;
        let union = (d.start, d.end);
        let spans = |v: &[Coding]| v.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>();
        let (code, mut rows): (CodeId, Vec<(i64, i64)>) = match request.kind {
            DecisionKind::KeepA => (d.code, spans(&d.a)),
            DecisionKind::KeepB => (d.code, spans(&d.b)),
            DecisionKind::KeepBoth => {
                let mut all = spans(&d.a);
                all.extend(spans(&d.b));
                (d.code, all)
            }
            DecisionKind::Union => (d.code, vec![union]),
            DecisionKind::Intersection => {
                let (a0, a1) = (
                    d.a.iter().map(|c| c.start).min(),
                    d.a.iter().map(|c| c.end).max(),
                );
                let (b0, b1) = (
                    d.b.iter().map(|c| c.start).min(),
                    d.b.iter().map(|c| c.end).max(),
                );
                match (a0, a1, b0, b1) {
                    (Some(a0), Some(a1), Some(b0), Some(b1)) if a0.max(b0) < a1.min(b1) => {
                        (d.code, vec![(a0.max(b0), a1.min(b1))])
                    }
                    _ => {
                        return Err(Error::Invalid(
                            "the coders' spans do not overlap here, so there is no intersection; keep one, both, or set the span by hand".into(),
                        ));
                    }
                }
            }
            DecisionKind::Manual => {
                let span = request
                    .span
                    .ok_or_else(|| Error::Invalid("set the span to keep".into()))?;
                (d.code, vec![span])
            }
            DecisionKind::ChangeCode => {
                let code = request
                    .code
                    .ok_or_else(|| Error::Invalid("choose the code to apply instead".into()))?;
                codes::get(&self.conn, code)?;
                (code, vec![request.span.unwrap_or(union)])
            }
            DecisionKind::Drop => (d.code, Vec::new()),
        };
        rows.sort();
        rows.dedup();
        for (s, e) in &rows {
            if *s < 0 || *e > len || s >= e {
                return Err(Error::Invalid(format!(
                    "the span {s}..{e} is not inside the source (0..{len}) or is empty"
                )));
            }
        }
        let actor = self.actor().to_owned();
        let id = self.change(None, |c| {
            let now = store::now();
            let earlier: Option<i64> = c
                .query_row(
                    "SELECT id FROM decisions WHERE discrepancy_key = ?1 AND undone_at IS NULL",
                    [key],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(earlier) = earlier {
                c.execute("UPDATE decisions SET undone_at = ?2 WHERE id = ?1", params![earlier, now])?;
                c.execute("DELETE FROM consensus_codings WHERE decision_id = ?1", [earlier])?;
            }
            c.execute(
                "INSERT INTO decisions(guid, discrepancy_key, source_id, code_id, kind, note, decided_by, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![store::new_guid(), key, d.source, d.code, request.kind.as_str(), request.note.trim(), actor, now],
            )?;
            let id = c.last_insert_rowid();
            for (s, e) in &rows {
                c.execute(
                    "INSERT INTO consensus_codings(guid, code_id, source_id, start, end, decision_id, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![store::new_guid(), code, d.source, s, e, id, now],
                )?;
            }
            c.log(
                "reconcile.decide",
                serde_json::json!({
                    "discrepancy": key, "source": d.source_title, "code": d.code_name,
                    "decision": request.kind.as_str(), "note": request.note.trim(),
                    "replaces": earlier, "consensus": rows,
                }),
            )?;
            Ok(id)
        })?;
        self.decisions_by_key()?
            .into_values()
            .find(|x| x.id == id)
            .ok_or_else(|| Error::not_found(format!("decision {id}")))
    }

    /// Undoes the current decision on a discrepancy: it stays in the record
    /// as undone and its consensus codings are removed. Logged.
    pub fn undo_decision(&mut self, key: &str) -> Result<()> {
        self.change(None, |c| {
            let id: i64 = c
                .query_row(
                    "SELECT id FROM decisions WHERE discrepancy_key = ?1 AND undone_at IS NULL",
                    [key],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| Error::not_found(format!("a decision on discrepancy {key}")))?;
            c.execute(
                "UPDATE decisions SET undone_at = ?2 WHERE id = ?1",
                params![id, store::now()],
            )?;
            c.execute("DELETE FROM consensus_codings WHERE decision_id = ?1", [id])?;
            c.log(
                "reconcile.undo",
                serde_json::json!({ "discrepancy": key, "decision": id }),
            )
        })
    }

    /// The consensus layer: agreed and decided codings, by source and position.
    pub fn consensus(&self, filter: &CodingFilter) -> Result<Vec<ConsensusCoding>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, guid, code_id, source_id, start, end, memo, decision_id IS NOT NULL
             FROM consensus_codings
             WHERE (?1 IS NULL OR source_id = ?1) AND (?2 IS NULL OR code_id = ?2)
             ORDER BY source_id, start, end, id",
        )?;
        let rows = stmt.query_map(params![filter.source, filter.code], |r| {
            Ok(ConsensusCoding {
                id: r.get(0)?,
                guid: r.get(1)?,
                code: r.get(2)?,
                source: r.get(3)?,
                start: r.get(4)?,
                end: r.get(5)?,
                memo: r.get(6)?,
                decided: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A coding of the consensus layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConsensusCoding {
    /// Row id.
    pub id: i64,
    /// Stable identifier.
    pub guid: String,
    /// The code.
    pub code: CodeId,
    /// The source.
    pub source: SourceId,
    /// First code point.
    pub start: i64,
    /// One past the last code point.
    pub end: i64,
    /// A note.
    pub memo: String,
    /// Whether a decision wrote it (otherwise both coders agreed).
    pub decided: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(guid: &str, coder: i64, code: i64, start: i64, end: i64) -> Coding {
        Coding {
            id: store::CodingId(0),
            guid: guid.into(),
            coder: CoderId(coder),
            code: CodeId(code),
            source: SourceId(1),
            start,
            end,
            memo: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn clusters_split_agreements_from_discrepancies() {
        let a = vec![
            coding("a1", 1, 7, 0, 10),  // same as b1: agreement
            coding("a2", 1, 7, 20, 30), // b2 is longer: boundaries
            coding("a3", 1, 7, 50, 60), // nobody else: only A
            coding("a4", 1, 8, 0, 10),  // other code, B used 9 here
        ];
        let b = vec![
            coding("b1", 2, 7, 0, 10),
            coding("b2", 2, 7, 18, 30),
            coding("b3", 2, 7, 70, 80), // only B
            coding("b4", 2, 9, 0, 10),
        ];
        let cs = clusters(a, b);
        type Summary = (i64, (i64, i64), bool, usize, usize);
        let summary: Vec<Summary> = cs
            .iter()
            .map(|c| (c.code.0, c.span(), c.agreed(), c.a.len(), c.b.len()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (7, (0, 10), true, 1, 1),
                (7, (18, 30), false, 1, 1),
                (7, (50, 60), false, 1, 0),
                (7, (70, 80), false, 0, 1),
                (8, (0, 10), false, 1, 0),
                (9, (0, 10), false, 0, 1),
            ],
            "different codes on one passage are two discrepancies, one per code"
        );
    }

    #[test]
    fn touching_spans_are_separate_places() {
        // [0,10) and [10,20) share no code point, so they do not overlap.
        let cs = clusters(
            vec![coding("a", 1, 7, 0, 10)],
            vec![coding("b", 2, 7, 10, 20)],
        );
        assert_eq!(cs.len(), 2);
    }
}
