//! The codebook and coding on behalf of a coder, with undo and redo.
//!
//! Architecture invariant: every function here that reads or writes
//! codings takes the [`CoderId`] it acts for, and touches only that coder's
//! codings. Blindness during independent coding is therefore a property of
//! the API, not of the screens.

use std::collections::HashMap;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::store::codes::{self, Code, CodeFields};
use crate::store::codings::{self, Coding, CodingFilter};
use crate::store::{self, CodeId, CoderId, CodingId, SourceId, UnitId, coders};
use crate::text::{self, CharIndex};
use crate::{Error, Phase, Project, Result};

/// How many coding actions each coder can undo.
const UNDO_DEPTH: usize = 500;

/// Counts of one code's use by one coder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodeCount {
    /// The code.
    pub code: CodeId,
    /// Number of codings.
    pub codings: i64,
    /// Number of units the codings overlap.
    pub units: i64,
    /// Number of sources coded.
    pub sources: i64,
    /// Number of cases whose units the codings overlap.
    pub cases: i64,
}

/// A change to one coding; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodingChange {
    /// Another code.
    #[serde(default)]
    pub code: Option<CodeId>,
    /// New start (code points).
    #[serde(default)]
    pub start: Option<i64>,
    /// New end (code points).
    #[serde(default)]
    pub end: Option<i64>,
    /// New memo.
    #[serde(default)]
    pub memo: Option<String>,
}

/// What a merge of two codes changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodeMergeSummary {
    /// Codings moved to the surviving code.
    pub codings_moved: i64,
    /// Codings dropped because the coder already had the same span with the surviving code.
    pub duplicates_removed: i64,
    /// Child codes moved under the surviving code.
    pub children_moved: i64,
}

/// Whether a coder has something to undo or redo, and what.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct UndoState {
    /// What undo would take back, e.g. "Apply “Trust”".
    pub undo: Option<String>,
    /// What redo would do again.
    pub redo: Option<String>,
}

/// A span a single action can code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SpanKind {
    /// The sentence around a position.
    Sentence,
    /// The unit around a position (answer, paragraph, speaker turn).
    Unit,
}

#[derive(Debug, Clone)]
enum Step {
    Add(Coding),
    Remove(Coding),
    Update { before: Coding, after: Coding },
}

#[derive(Debug, Clone)]
pub(crate) struct Action {
    label: String,
    steps: Vec<Step>,
}

/// Per-coder undo and redo stacks. They live in memory for the session.
#[derive(Debug, Default)]
pub(crate) struct History {
    undo: Vec<Action>,
    redo: Vec<Action>,
}

fn code_label(conn: &rusqlite::Connection, code: CodeId) -> String {
    codes::get(conn, code)
        .map(|c| c.name)
        .unwrap_or_else(|_| format!("code {code}"))
}

impl Project {
    fn coding_allowed(&self) -> Result<()> {
        match self.phase()? {
            Phase::Setup | Phase::Independent => Ok(()),
            phase => Err(Error::NotAllowed(format!(
                "coders' own codings are frozen during {} so that agreement can always be recomputed; move the project back to independent coding to change them",
                phase.as_str()
            ))),
        }
    }

    fn coder_name(&self, coder: CoderId) -> Result<String> {
        Ok(coders::get(&self.conn, coder)?.name)
    }

    fn source_len(&self, source: SourceId) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT char_len FROM sources WHERE id = ?1",
                [source],
                |r| r.get(0),
            )
            .map_err(|_| Error::not_found(format!("source {source}")))
    }

    // ----- codebook -------------------------------------------------------

    /// Every code, in tree order.
    pub fn codes(&self) -> Result<Vec<Code>> {
        codes::list(&self.conn)
    }

    /// Finds a code by name or "Parent/Child" path.
    pub fn resolve_code(&self, reference: &str) -> Result<Code> {
        codes::resolve(&self.conn, reference)
    }

    /// Adds a code under `parent` (or at the top), after its siblings.
    pub fn create_code(&mut self, parent: Option<CodeId>, fields: &CodeFields) -> Result<Code> {
        if let Some(p) = parent {
            codes::get(&self.conn, p)?;
        }
        let id = self.change(None, |c| {
            let id = codes::insert(c, parent, fields, None)?;
            c.log(
                "code.create",
                serde_json::to_value(codes::get(c, id)?).unwrap_or_default(),
            )?;
            Ok(id)
        })?;
        codes::get(&self.conn, id)
    }

    /// Changes a code's name, definition or colour.
    pub fn update_code(&mut self, id: CodeId, fields: &CodeFields) -> Result<Code> {
        self.change(None, |c| {
            let before = codes::get(c, id)?;
            codes::update(c, id, fields)?;
            let after = codes::get(c, id)?;
            c.log(
                "code.update",
                serde_json::json!({ "before": before, "after": after }),
            )
        })?;
        codes::get(&self.conn, id)
    }

    /// Moves a code under `parent` (or to the top) at `index` among its new
    /// siblings. This both reorders and re-parents.
    pub fn move_code(&mut self, id: CodeId, parent: Option<CodeId>, index: usize) -> Result<()> {
        self.change(None, |c| {
            let code = codes::get(c, id)?;
            if let Some(p) = parent {
                if codes::subtree(c, id)?.contains(&p) {
                    return Err(Error::Invalid(format!(
                        "\"{}\" cannot be moved into itself or one of its sub-codes",
                        code.name
                    )));
                }
                codes::get(c, p)?;
            }
            if code.parent != parent && codes::name_taken(c, parent, &code.name, Some(id))? {
                return Err(Error::Conflict(format!(
                    "there is already a code called \"{}\" there",
                    code.name
                )));
            }
            let mut stmt = c.prepare_cached(
                "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND id != ?2 ORDER BY position, id",
            )?;
            let mut siblings: Vec<CodeId> =
                stmt.query_map(params![parent, id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            siblings.insert(index.min(siblings.len()), id);
            c.execute("UPDATE codes SET parent_id = ?2 WHERE id = ?1", params![id, parent])?;
            for (i, s) in siblings.iter().enumerate() {
                c.execute("UPDATE codes SET position = ?2 WHERE id = ?1", params![s, i as i64])?;
            }
            codes::renumber(c, code.parent)?;
            c.log(
                "code.move",
                serde_json::json!({ "code": code.name, "from_parent": code.parent, "to_parent": parent, "index": index }),
            )
        })
    }

    /// Merges `from` into `into`: every coder's codings of `from` follow to
    /// `into`, its sub-codes move under `into`, and `from` is removed. Logged.
    pub fn merge_codes(&mut self, from: CodeId, into: CodeId) -> Result<CodeMergeSummary> {
        if from == into {
            return Err(Error::Invalid("a code cannot be merged into itself".into()));
        }
        let summary = self.change(None, |c| {
            let a = codes::get(c, from)?;
            let b = codes::get(c, into)?;
            if codes::subtree(c, from)?.contains(&into) {
                return Err(Error::Invalid(format!(
                    "\"{}\" is inside \"{}\"; merge it the other way round",
                    b.name, a.name
                )));
            }
            // A coder who applied both codes to the same span keeps one coding.
            let duplicates_removed = c.execute(
                "DELETE FROM codings WHERE code_id = ?1 AND EXISTS (
                   SELECT 1 FROM codings d WHERE d.code_id = ?2 AND d.coder_id = codings.coder_id
                     AND d.source_id = codings.source_id AND d.start = codings.start AND d.end = codings.end)",
                params![from, into],
            )? as i64;
            let codings_moved =
                c.execute("UPDATE codings SET code_id = ?2 WHERE code_id = ?1", params![from, into])? as i64;
            let children: Vec<Code> = codes::list(c)?.into_iter().filter(|x| x.parent == Some(from)).collect();
            for child in &children {
                let mut name = child.name.clone();
                let mut n = 2;
                while codes::name_taken(c, Some(into), &name, Some(child.id))? {
                    name = format!("{} ({n})", child.name);
                    n += 1;
                }
                c.execute(
                    "UPDATE codes SET parent_id = ?2, name = ?3, position = 1000000 + position WHERE id = ?1",
                    params![child.id, into, name],
                )?;
            }
            codes::renumber(c, Some(into))?;
            c.execute("DELETE FROM codes WHERE id = ?1", [from])?;
            codes::renumber(c, a.parent)?;
            let summary = CodeMergeSummary {
                codings_moved,
                duplicates_removed,
                children_moved: children.len() as i64,
            };
            c.log(
                "code.merge",
                serde_json::json!({ "from": a, "into": b.name, "summary": summary }),
            )?;
            Ok(summary)
        })?;
        self.history.clear();
        Ok(summary)
    }

    /// Deletes a code, its sub-codes and all their codings (every coder's).
    /// The audit log keeps the definitions and the codings removed.
    pub fn delete_code(&mut self, id: CodeId) -> Result<()> {
        self.change(None, |c| {
            let code = codes::get(c, id)?;
            let ids = codes::subtree(c, id)?;
            let mut removed_codes = Vec::new();
            let mut removed_codings = Vec::new();
            for cid in &ids {
                removed_codes.push(codes::get(c, *cid)?);
                let mut stmt = c.prepare_cached(
                    "SELECT k.name, s.title, c.start, c.end, c.memo FROM codings c
                     JOIN coders k ON k.id = c.coder_id JOIN sources s ON s.id = c.source_id WHERE c.code_id = ?1",
                )?;
                for row in stmt.query_map([cid], |r| {
                    Ok(serde_json::json!({
                        "coder": r.get::<_, String>(0)?, "source": r.get::<_, String>(1)?,
                        "start": r.get::<_, i64>(2)?, "end": r.get::<_, i64>(3)?, "memo": r.get::<_, String>(4)?,
                        "code": codes::get(c, *cid).map(|x| x.name).unwrap_or_default(),
                    }))
                })? {
                    removed_codings.push(row?);
                }
            }
            c.execute("DELETE FROM codes WHERE id = ?1", [id])?;
            codes::renumber(c, code.parent)?;
            c.log(
                "code.delete",
                serde_json::json!({ "codes": removed_codes, "codings": removed_codings }),
            )
        })?;
        self.history.clear();
        Ok(())
    }

    /// Per code, how much `coder` has coded with it.
    pub fn code_counts(&self, coder: CoderId) -> Result<Vec<CodeCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.code_id, count(DISTINCT c.id), count(DISTINCT u.id), count(DISTINCT c.source_id),
                    count(DISTINCT u.case_id)
             FROM codings c LEFT JOIN units u
               ON u.source_id = c.source_id AND u.start < c.end AND c.start < u.end
             WHERE c.coder_id = ?1 GROUP BY c.code_id",
        )?;
        let rows = stmt.query_map([coder], |r| {
            Ok(CodeCount {
                code: r.get(0)?,
                codings: r.get(1)?,
                units: r.get(2)?,
                sources: r.get(3)?,
                cases: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ----- codings, on behalf of a coder ----------------------------------

    /// The coder's codings (only theirs).
    pub fn codings(&self, coder: CoderId, filter: &CodingFilter) -> Result<Vec<Coding>> {
        coders::get(&self.conn, coder)?;
        codings::list(&self.conn, coder, filter)
    }

    /// The span of the sentence or unit around code point `at`.
    pub fn span_at(&self, source: SourceId, at: i64, kind: SpanKind) -> Result<(i64, i64)> {
        match kind {
            SpanKind::Unit => self
                .conn
                .query_row(
                    "SELECT start, end FROM units WHERE source_id = ?1 AND start <= ?2 AND ?2 < end",
                    params![source, at],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|_| Error::not_found(format!("a unit at position {at}"))),
            SpanKind::Sentence => {
                let (ustart, uend) = self.span_at(source, at, SpanKind::Unit)?;
                let text = crate::store::sources::text(&self.conn, source)?;
                let unit = text::slice(&text, ustart as usize, uend as usize);
                let rel = (at - ustart) as usize;
                text::sentences(unit)
                    .into_iter()
                    .find(|(s, e)| *s <= rel && rel < *e)
                    .or_else(|| text::sentences(unit).into_iter().find(|(_, e)| rel < *e))
                    .map(|(s, e)| (ustart + s as i64, ustart + e as i64))
                    .ok_or_else(|| Error::not_found(format!("a sentence at position {at}")))
            }
        }
    }

    /// `[start, end)` widened to whole words, as [`Project::apply_codes`]
    /// snaps a selection (used when moving a coding's boundaries to a
    /// selection). Positions are clamped to the source.
    pub fn snap_span(&self, source: SourceId, start: i64, end: i64) -> Result<(i64, i64)> {
        let len = self.source_len(source)?;
        let (start, end) = (start.clamp(0, len), end.clamp(0, len));
        if start >= end {
            return Err(Error::Invalid(format!("the span {start}..{end} is empty")));
        }
        let text = crate::store::sources::text(&self.conn, source)?;
        let (s, e) = text::snap_to_words(&text, start as usize, end as usize);
        Ok((s as i64, e as i64))
    }

    /// Applies one or more codes to a span, for `coder`. With `snap`, the
    /// span first grows to whole words. A code the coder already applied to
    /// an overlapping span is not duplicated: that coding grows to the union.
    /// One undoable action.
    pub fn apply_codes(
        &mut self,
        coder: CoderId,
        source: SourceId,
        start: i64,
        end: i64,
        code_ids: &[CodeId],
        snap: bool,
    ) -> Result<Vec<Coding>> {
        self.coding_allowed()?;
        let len = self.source_len(source)?;
        if start < 0 || end > len || start >= end {
            return Err(Error::Invalid(format!(
                "the span {start}..{end} is not inside the source (0..{len}) or is empty"
            )));
        }
        if code_ids.is_empty() {
            return Err(Error::Invalid("choose at least one code".into()));
        }
        let (start, end) = if snap {
            let text = crate::store::sources::text(&self.conn, source)?;
            let (s, e) = text::snap_to_words(&text, start as usize, end as usize);
            (s as i64, e as i64)
        } else {
            (start, end)
        };
        let spans: Vec<(SourceId, i64, i64)> = vec![(source, start, end)];
        let label = match code_ids {
            [one] => format!("Apply “{}”", code_label(&self.conn, *one)),
            many => format!("Apply {} codes", many.len()),
        };
        self.apply_spans(coder, &spans, code_ids, &label)
    }

    /// Codes whole units (e.g. every search hit) with one code, for `coder`.
    /// One undoable action.
    pub fn apply_code_to_units(
        &mut self,
        coder: CoderId,
        code: CodeId,
        units: &[UnitId],
    ) -> Result<Vec<Coding>> {
        self.coding_allowed()?;
        let mut spans = Vec::with_capacity(units.len());
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source_id, start, end FROM units WHERE id = ?1")?;
        for u in units {
            let span = stmt
                .query_row([u], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(|_| Error::not_found(format!("unit {u}")))?;
            spans.push(span);
        }
        drop(stmt);
        let label = format!(
            "Code {} units as “{}”",
            units.len(),
            code_label(&self.conn, code)
        );
        self.apply_spans(coder, &spans, &[code], &label)
    }

    fn apply_spans(
        &mut self,
        coder: CoderId,
        spans: &[(SourceId, i64, i64)],
        code_ids: &[CodeId],
        label: &str,
    ) -> Result<Vec<Coding>> {
        let who = self.coder_name(coder)?;
        for code in code_ids {
            codes::get(&self.conn, *code)?;
        }
        let (steps, result) = self.change(Some(&who), |c| {
            let mut steps = Vec::new();
            let mut result = Vec::new();
            let now = store::now();
            for &(source, start, end) in spans {
                for &code in code_ids {
                    // Same-code codings of this coder that overlap or touch the span.
                    let mut stmt = c.prepare_cached(
                        "SELECT id, guid, coder_id, code_id, source_id, start, end, memo, created_at, updated_at
                         FROM codings WHERE coder_id = ?1 AND source_id = ?2 AND code_id = ?3
                           AND start <= ?5 AND ?4 <= end ORDER BY start",
                    )?;
                    let touching: Vec<Coding> = stmt
                        .query_map(params![coder, source, code, start, end], codings::row)?
                        .collect::<rusqlite::Result<_>>()?;
                    if let Some(first) = touching.first() {
                        let new_start = touching.iter().map(|x| x.start).min().unwrap_or(start).min(start);
                        let new_end = touching.iter().map(|x| x.end).max().unwrap_or(end).max(end);
                        if touching.len() == 1 && first.start == new_start && first.end == new_end {
                            result.push(first.clone());
                            continue;
                        }
                        let mut after = first.clone();
                        after.start = new_start;
                        after.end = new_end;
                        after.updated_at = now.clone();
                        after.memo = touching
                            .iter()
                            .map(|x| x.memo.trim())
                            .filter(|m| !m.is_empty())
                            .collect::<Vec<_>>()
                            .join("\n");
                        for extra in &touching[1..] {
                            codings::delete(c, coder, &extra.guid)?;
                            steps.push(Step::Remove(extra.clone()));
                        }
                        codings::update(c, &after)?;
                        steps.push(Step::Update { before: first.clone(), after: after.clone() });
                        result.push(after);
                    } else {
                        let mut coding = Coding {
                            id: CodingId(0),
                            guid: store::new_guid(),
                            coder,
                            code,
                            source,
                            start,
                            end,
                            memo: String::new(),
                            created_at: now.clone(),
                            updated_at: now.clone(),
                        };
                        coding.id = codings::insert(c, &coding)?;
                        steps.push(Step::Add(coding.clone()));
                        result.push(coding);
                    }
                }
            }
            c.log(
                "coding.apply",
                serde_json::json!({
                    "codes": code_ids.iter().map(|id| code_label(c, *id)).collect::<Vec<_>>(),
                    "spans": spans.iter().map(|(s, a, b)| serde_json::json!({"source": s, "start": a, "end": b})).collect::<Vec<_>>(),
                    "changes": steps.len(),
                }),
            )?;
            Ok((steps, result))
        })?;
        self.record(coder, label, steps);
        Ok(result)
    }

    /// Changes one of the coder's codings (code, boundaries, memo).
    pub fn update_coding(
        &mut self,
        coder: CoderId,
        id: CodingId,
        change: &CodingChange,
    ) -> Result<Coding> {
        self.coding_allowed()?;
        let who = self.coder_name(coder)?;
        let before = codings::get(&self.conn, coder, id)?;
        let len = self.source_len(before.source)?;
        let mut after = before.clone();
        if let Some(code) = change.code {
            codes::get(&self.conn, code)?;
            after.code = code;
        }
        after.start = change.start.unwrap_or(after.start);
        after.end = change.end.unwrap_or(after.end);
        if after.start < 0 || after.end > len || after.start >= after.end {
            return Err(Error::Invalid(format!(
                "the span {}..{} is not inside the source (0..{len}) or is empty",
                after.start, after.end
            )));
        }
        if let Some(memo) = &change.memo {
            after.memo = memo.clone();
        }
        if after == before {
            return Ok(before);
        }
        after.updated_at = store::now();
        let label = if change.memo.is_some()
            && change.code.is_none()
            && change.start.is_none()
            && change.end.is_none()
        {
            "Edit memo".to_owned()
        } else if change.code.is_some() {
            format!("Change code to “{}”", code_label(&self.conn, after.code))
        } else {
            "Change boundaries".to_owned()
        };
        self.change(Some(&who), |c| {
            codings::update(c, &after)?;
            c.log(
                "coding.update",
                serde_json::json!({ "before": before, "after": after }),
            )
        })?;
        self.record(
            coder,
            &label,
            vec![Step::Update {
                before,
                after: after.clone(),
            }],
        );
        codings::get(&self.conn, coder, id)
    }

    /// Removes one of the coder's codings.
    pub fn remove_coding(&mut self, coder: CoderId, id: CodingId) -> Result<()> {
        self.coding_allowed()?;
        let who = self.coder_name(coder)?;
        let coding = codings::get(&self.conn, coder, id)?;
        let label = format!("Remove “{}”", code_label(&self.conn, coding.code));
        self.change(Some(&who), |c| {
            codings::delete(c, coder, &coding.guid)?;
            c.log(
                "coding.remove",
                serde_json::to_value(&coding).unwrap_or_default(),
            )
        })?;
        self.record(coder, &label, vec![Step::Remove(coding)]);
        Ok(())
    }

    fn record(&mut self, coder: CoderId, label: &str, steps: Vec<Step>) {
        if steps.is_empty() {
            return;
        }
        let h = self.history.entry(coder).or_default();
        h.undo.push(Action {
            label: label.to_owned(),
            steps,
        });
        if h.undo.len() > UNDO_DEPTH {
            h.undo.remove(0);
        }
        h.redo.clear();
    }

    /// What undo and redo would do for `coder`.
    pub fn undo_state(&self, coder: CoderId) -> UndoState {
        self.history
            .get(&coder)
            .map_or_else(UndoState::default, |h| UndoState {
                undo: h.undo.last().map(|a| a.label.clone()),
                redo: h.redo.last().map(|a| a.label.clone()),
            })
    }

    /// Takes back the coder's last coding action. Returns its label.
    pub fn undo(&mut self, coder: CoderId) -> Result<Option<String>> {
        self.step_history(coder, true)
    }

    /// Does again the coder's last undone action. Returns its label.
    pub fn redo(&mut self, coder: CoderId) -> Result<Option<String>> {
        self.step_history(coder, false)
    }

    fn step_history(&mut self, coder: CoderId, undo: bool) -> Result<Option<String>> {
        self.coding_allowed()?;
        let who = self.coder_name(coder)?;
        let Some(action) = self
            .history
            .get_mut(&coder)
            .and_then(|h| if undo { h.undo.pop() } else { h.redo.pop() })
        else {
            return Ok(None);
        };
        let result = self.change(Some(&who), |c| {
            let now = store::now();
            let apply = |step: &Step| -> Result<()> {
                match (step, undo) {
                    (Step::Add(x), true) | (Step::Remove(x), false) => {
                        codings::delete(c, coder, &x.guid)
                    }
                    (Step::Add(x), false) | (Step::Remove(x), true) => {
                        codings::insert(c, x).map(|_| ())
                    }
                    (Step::Update { before, .. }, true) => codings::update(
                        c,
                        &Coding {
                            updated_at: now.clone(),
                            ..before.clone()
                        },
                    ),
                    (Step::Update { after, .. }, false) => codings::update(
                        c,
                        &Coding {
                            updated_at: now.clone(),
                            ..after.clone()
                        },
                    ),
                }
            };
            if undo {
                action.steps.iter().rev().try_for_each(apply)?;
            } else {
                action.steps.iter().try_for_each(apply)?;
            }
            c.log(
                if undo { "coding.undo" } else { "coding.redo" },
                serde_json::json!({ "action": action.label }),
            )
        });
        let h = self.history.entry(coder).or_default();
        match result {
            Ok(()) => {
                let label = action.label.clone();
                if undo {
                    h.redo.push(action)
                } else {
                    h.undo.push(action)
                }
                Ok(Some(label))
            }
            Err(e) => {
                // The project changed underneath (e.g. a code was deleted):
                // this step can no longer be taken back safely.
                h.undo.clear();
                h.redo.clear();
                Err(e)
            }
        }
    }

    /// The text of each of the coder's codings, for listing them (CLI, exports).
    pub fn coding_texts(&self, coder: CoderId, codings: &[Coding]) -> Result<Vec<String>> {
        let _ = coders::get(&self.conn, coder)?;
        let mut texts: HashMap<SourceId, (String, CharIndex)> = HashMap::new();
        let mut out = Vec::with_capacity(codings.len());
        for c in codings {
            if c.coder != coder {
                return Err(Error::NotAllowed(
                    "a coder can only read their own codings".into(),
                ));
            }
            if let std::collections::hash_map::Entry::Vacant(e) = texts.entry(c.source) {
                let t = crate::store::sources::text(&self.conn, c.source)?;
                let idx = CharIndex::new(&t);
                e.insert((t, idx));
            }
            let (t, idx) = &texts[&c.source];
            out.push(idx.slice(t, c.start as usize, c.end as usize).to_owned());
        }
        Ok(out)
    }
}
