//! Themes: named, described groups of agreed codes; their representative
//! quotes; and the theme table a manuscript prints.
//!
//! Themes are built from the consensus layer only: a theme's passages are
//! the consensus codings of its codes (and of its sub-themes' codes).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::store::{self, CaseId, CodeId, SourceId, ThemeId, codes};
use crate::text::CharIndex;
use crate::{Error, Project, Result};

/// A theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Theme {
    /// Row id.
    pub id: ThemeId,
    /// Stable identifier.
    pub guid: String,
    /// The parent theme (for sub-themes).
    pub parent: Option<ThemeId>,
    /// Order among siblings.
    pub position: i64,
    /// Name, as printed in the table.
    pub name: String,
    /// Description of the theme, as printed in the table.
    pub description: String,
    /// Attributes the table groups by, e.g. influence = positive.
    pub attributes: BTreeMap<String, String>,
    /// The codes it holds, in order.
    pub codes: Vec<CodeId>,
}

/// Editable fields of a theme; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ThemeFields {
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
}

/// Counts of consensus passages, overall and per group of a case attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PassageCounts {
    /// Consensus-coded passages.
    pub passages: i64,
    /// Sources they are in.
    pub sources: i64,
    /// Cases they belong to.
    pub cases: i64,
}

/// Counts for one theme or code, overall and by group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GroupedCounts {
    /// Over all passages.
    pub all: PassageCounts,
    /// Per value of the grouping attribute (`"(none)"` for cases without one).
    pub groups: BTreeMap<String, PassageCounts>,
}

/// The themes board: themes, the codes not yet in a theme, and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ThemeBoard {
    /// Every theme, parents before children.
    pub themes: Vec<Theme>,
    /// Codes with consensus passages that are in no theme.
    pub unassigned: Vec<CodeId>,
    /// Counts per theme (including sub-themes' codes).
    pub theme_counts: BTreeMap<ThemeId, GroupedCounts>,
    /// Counts per code.
    pub code_counts: BTreeMap<CodeId, GroupedCounts>,
    /// The attribute the counts are grouped by, if any.
    pub group_by: Option<String>,
}

/// A consensus passage of a theme, possibly chosen as a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Passage {
    /// The consensus coding.
    pub consensus_id: i64,
    /// Its code.
    pub code: CodeId,
    /// Its source.
    pub source: SourceId,
    /// The source's title.
    pub source_title: String,
    /// Start (code points).
    pub start: i64,
    /// End (code points).
    pub end: i64,
    /// The passage's text, exactly as in the source.
    pub text: String,
    /// The case the passage belongs to (that of the unit it starts in).
    pub case_name: Option<String>,
    /// The case's attributes.
    pub attributes: BTreeMap<String, String>,
    /// The quote made of it, if any.
    pub quote: Option<Quote>,
}

/// A passage chosen to illustrate a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Quote {
    /// Row id.
    pub id: i64,
    /// The theme it illustrates.
    pub theme: ThemeId,
    /// The source.
    pub source: SourceId,
    /// Start of the original passage (code points).
    pub start: i64,
    /// End of the original passage.
    pub end: i64,
    /// The passage as it is in the source (never changed).
    pub original: String,
    /// The shortened or de-identified version, if edited.
    pub edited: Option<String>,
    /// Whether it is starred as representative.
    pub starred: bool,
    /// Order among the theme's quotes.
    pub position: i64,
}

impl Quote {
    /// The text a table prints: the edited version if there is one.
    pub fn shown(&self) -> &str {
        self.edited.as_deref().unwrap_or(&self.original)
    }
}

/// Which quotes a theme table prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "n")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum QuoteSelection {
    /// The starred quotes, in their order.
    Starred,
    /// Every consensus passage.
    All,
    /// At most N starred quotes per row.
    Top(usize),
}

/// How to build a theme table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ThemeTableOptions {
    /// Group rows first by this case attribute (e.g. "role").
    #[serde(default)]
    pub group_by: Option<String>,
    /// Then by this theme attribute (e.g. "influence").
    #[serde(default)]
    pub split_by: Option<String>,
    /// Which quotes to print.
    pub quotes: QuoteSelection,
    /// Add a column with passage, source and case counts.
    #[serde(default)]
    pub counts: bool,
    /// Print each quote's source and case after it.
    #[serde(default)]
    pub quote_sources: bool,
    /// Heading of a group; `{value}` and `{Value}` are replaced.
    #[serde(default)]
    pub group_heading: Option<String>,
    /// Heading of a split; `{value}`, `{Value}` and `{attribute}` are replaced.
    #[serde(default)]
    pub split_heading: Option<String>,
}

impl Default for ThemeTableOptions {
    fn default() -> Self {
        ThemeTableOptions {
            group_by: None,
            split_by: None,
            quotes: QuoteSelection::Starred,
            counts: false,
            quote_sources: false,
            group_heading: None,
            split_heading: None,
        }
    }
}

/// A quote as a table prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TableQuote {
    /// The text (edited version when there is one), without quotation marks.
    pub text: String,
    /// The source's title.
    pub source: String,
    /// The case's name.
    pub case_name: Option<String>,
}

/// One row: a theme with its description and quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ThemeRow {
    /// The theme's name (sub-themes are prefixed with their parent's).
    pub theme: String,
    /// Its description.
    pub description: String,
    /// The quotes printed.
    pub quotes: Vec<TableQuote>,
    /// Counts within the group, when asked for.
    pub counts: Option<PassageCounts>,
}

/// Rows under one theme-attribute heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TableSection {
    /// E.g. "Themes indicating positive influence"; `None` without a split.
    pub heading: Option<String>,
    /// The rows.
    pub rows: Vec<ThemeRow>,
}

/// Sections under one case-attribute heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TableGroup {
    /// E.g. "Mentee response"; `None` without grouping.
    pub heading: Option<String>,
    /// The sections.
    pub sections: Vec<TableSection>,
}

/// A theme table, ready to be written in any format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ThemeTable {
    /// Column headings.
    pub columns: Vec<String>,
    /// The groups, in order.
    pub groups: Vec<TableGroup>,
    /// Whether the counts column is present.
    pub counts: bool,
    /// Whether quotes carry their source and case.
    pub quote_sources: bool,
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// One consensus passage with its case, as the counts and quotes need it.
struct Row {
    consensus_id: i64,
    code: CodeId,
    source: SourceId,
    start: i64,
    end: i64,
    /// Cases of the units the passage overlaps; the first is the unit it starts in.
    cases: Vec<CaseId>,
}

impl Project {
    fn theme_rows(&self) -> Result<Vec<Row>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.id, k.code_id, k.source_id, k.start, k.end, u.case_id
             FROM consensus_codings k
             LEFT JOIN units u ON u.source_id = k.source_id AND u.start < k.end AND k.start < u.end
             ORDER BY k.id, u.start",
        )?;
        let mut out: Vec<Row> = Vec::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, CodeId>(1)?,
                r.get::<_, SourceId>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<CaseId>>(5)?,
            ))
        })?;
        for row in rows {
            let (id, code, source, start, end, case) = row?;
            match out.last_mut() {
                Some(last) if last.consensus_id == id => {
                    if let Some(c) = case
                        && !last.cases.contains(&c)
                    {
                        last.cases.push(c);
                    }
                }
                _ => out.push(Row {
                    consensus_id: id,
                    code,
                    source,
                    start,
                    end,
                    cases: case.into_iter().collect(),
                }),
            }
        }
        Ok(out)
    }

    fn case_values(&self, attribute: &str) -> Result<HashMap<CaseId, String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ca.case_id, ca.value FROM case_attributes ca JOIN attributes a ON a.id = ca.attribute_id
             WHERE a.name = ?1 COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([attribute], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every theme, parents before children, siblings in order.
    pub fn themes(&self) -> Result<Vec<Theme>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, guid, parent_id, position, name, description FROM themes ORDER BY position, id")?;
        let all: Vec<Theme> = stmt
            .query_map([], |r| {
                Ok(Theme {
                    id: r.get(0)?,
                    guid: r.get(1)?,
                    parent: r.get(2)?,
                    position: r.get(3)?,
                    name: r.get(4)?,
                    description: r.get(5)?,
                    attributes: BTreeMap::new(),
                    codes: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut attrs = self
            .conn
            .prepare_cached("SELECT name, value FROM theme_attributes WHERE theme_id = ?1")?;
        let mut codes = self.conn.prepare_cached(
            "SELECT code_id FROM theme_codes WHERE theme_id = ?1 ORDER BY position, code_id",
        )?;
        let mut ordered = Vec::with_capacity(all.len());
        fn walk(all: &[Theme], parent: Option<ThemeId>, out: &mut Vec<Theme>) {
            for t in all.iter().filter(|t| t.parent == parent) {
                out.push(t.clone());
                walk(all, Some(t.id), out);
            }
        }
        walk(&all, None, &mut ordered);
        for t in &mut ordered {
            t.attributes = attrs
                .query_map([t.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            t.codes = codes
                .query_map([t.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(ordered)
    }

    fn theme(&self, id: ThemeId) -> Result<Theme> {
        self.themes()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::not_found(format!("theme {id}")))
    }

    /// Finds a theme by name.
    pub fn resolve_theme(&self, name: &str) -> Result<Theme> {
        self.themes()?
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| Error::not_found(format!("theme \"{name}\"")))
    }

    /// Adds a theme (under `parent` for a sub-theme), after its siblings.
    pub fn create_theme(&mut self, parent: Option<ThemeId>, fields: &ThemeFields) -> Result<Theme> {
        let name = fields
            .name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        if name.is_empty() {
            return Err(Error::Invalid("a theme needs a name".into()));
        }
        if self
            .themes()?
            .iter()
            .any(|t| t.name.eq_ignore_ascii_case(&name))
        {
            return Err(Error::Conflict(format!(
                "there is already a theme called \"{name}\""
            )));
        }
        if let Some(p) = parent {
            self.theme(p)?;
        }
        let id = self.change(None, |c| {
            let position: i64 = c.query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM themes WHERE coalesce(parent_id, 0) = coalesce(?1, 0)",
                [parent],
                |r| r.get(0),
            )?;
            c.execute(
                "INSERT INTO themes(guid, parent_id, position, name, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![store::new_guid(), parent, position, name, fields.description.as_deref().unwrap_or_default().trim(), store::now()],
            )?;
            let id = ThemeId(c.last_insert_rowid());
            c.log("theme.create", serde_json::json!({ "theme": name, "parent": parent }))?;
            Ok(id)
        })?;
        self.theme(id)
    }

    /// Renames or re-describes a theme.
    pub fn update_theme(&mut self, id: ThemeId, fields: &ThemeFields) -> Result<Theme> {
        let before = self.theme(id)?;
        if let Some(name) = &fields.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::Invalid("a theme needs a name".into()));
            }
            if self
                .themes()?
                .iter()
                .any(|t| t.id != id && t.name.eq_ignore_ascii_case(name))
            {
                return Err(Error::Conflict(format!(
                    "there is already a theme called \"{name}\""
                )));
            }
        }
        self.change(None, |c| {
            c.execute(
                "UPDATE themes SET name = ?2, description = ?3 WHERE id = ?1",
                params![
                    id,
                    fields
                        .name
                        .as_deref()
                        .map(str::trim)
                        .unwrap_or(&before.name),
                    fields
                        .description
                        .as_deref()
                        .map(str::trim)
                        .unwrap_or(&before.description)
                ],
            )?;
            c.log(
                "theme.update",
                serde_json::json!({ "theme": before.name, "fields": fields }),
            )
        })?;
        self.theme(id)
    }

    /// Moves a theme under `parent` (or to the top) at `index`: reorders and nests.
    pub fn move_theme(&mut self, id: ThemeId, parent: Option<ThemeId>, index: usize) -> Result<()> {
        let theme = self.theme(id)?;
        let themes = self.themes()?;
        let mut p = parent;
        while let Some(pid) = p {
            if pid == id {
                return Err(Error::Invalid(format!(
                    "\"{}\" cannot be nested inside itself",
                    theme.name
                )));
            }
            p = themes.iter().find(|t| t.id == pid).and_then(|t| t.parent);
        }
        self.change(None, |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id FROM themes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND id != ?2 ORDER BY position, id",
            )?;
            let mut siblings: Vec<ThemeId> =
                stmt.query_map(params![parent, id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            siblings.insert(index.min(siblings.len()), id);
            c.execute("UPDATE themes SET parent_id = ?2 WHERE id = ?1", params![id, parent])?;
            for (i, s) in siblings.iter().enumerate() {
                c.execute("UPDATE themes SET position = ?2 WHERE id = ?1", params![s, i as i64])?;
            }
            c.log("theme.move", serde_json::json!({ "theme": theme.name, "parent": parent, "index": index }))
        })
    }

    /// Deletes a theme and its sub-themes; their codes become unassigned.
    pub fn delete_theme(&mut self, id: ThemeId) -> Result<()> {
        let theme = self.theme(id)?;
        self.change(None, |c| {
            c.execute("DELETE FROM themes WHERE id = ?1", [id])?;
            c.log(
                "theme.delete",
                serde_json::to_value(&theme).unwrap_or_default(),
            )
        })
    }

    /// Sets (or with `None` removes) an attribute of a theme, e.g. influence = positive.
    pub fn set_theme_attribute(
        &mut self,
        id: ThemeId,
        name: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let theme = self.theme(id)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid("a theme attribute needs a name".into()));
        }
        self.change(None, |c| {
            match value.map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => c.execute(
                    "INSERT INTO theme_attributes(theme_id, name, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT(theme_id, name) DO UPDATE SET value = excluded.value",
                    params![id, name, v],
                )?,
                None => c.execute(
                    "DELETE FROM theme_attributes WHERE theme_id = ?1 AND name = ?2",
                    params![id, name],
                )?,
            };
            c.log(
                "theme.attribute",
                serde_json::json!({ "theme": theme.name, "attribute": name, "value": value }),
            )
        })
    }

    /// Puts a code into a theme at `index` (taking it out of any other
    /// theme: a code belongs to at most one), or with `None` out of themes.
    pub fn assign_code(
        &mut self,
        code: CodeId,
        theme: Option<ThemeId>,
        index: usize,
    ) -> Result<()> {
        let code_row = codes::get(&self.conn, code)?;
        if let Some(t) = theme {
            self.theme(t)?;
        }
        self.change(None, |c| {
            c.execute("DELETE FROM theme_codes WHERE code_id = ?1", [code])?;
            if let Some(t) = theme {
                let mut stmt = c.prepare_cached("SELECT code_id FROM theme_codes WHERE theme_id = ?1 ORDER BY position, code_id")?;
                let mut members: Vec<CodeId> = stmt.query_map([t], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                members.insert(index.min(members.len()), code);
                c.execute("DELETE FROM theme_codes WHERE theme_id = ?1", [t])?;
                for (i, m) in members.iter().enumerate() {
                    c.execute(
                        "INSERT INTO theme_codes(theme_id, code_id, position) VALUES (?1, ?2, ?3)",
                        params![t, m, i as i64],
                    )?;
                }
            }
            c.log("theme.assign_code", serde_json::json!({ "code": code_row.name, "theme": theme }))
        })
    }

    /// The codes of a theme and all its sub-themes.
    fn theme_code_set(themes: &[Theme], id: ThemeId) -> BTreeSet<CodeId> {
        let mut set: BTreeSet<CodeId> = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(t) = stack.pop() {
            if let Some(theme) = themes.iter().find(|x| x.id == t) {
                set.extend(theme.codes.iter().copied());
            }
            stack.extend(themes.iter().filter(|x| x.parent == Some(t)).map(|x| x.id));
        }
        set
    }

    fn count(rows: &[&Row], group: Option<&HashMap<CaseId, String>>) -> GroupedCounts {
        let tally = |rows: &mut dyn Iterator<Item = &&Row>| {
            let mut passages = 0;
            let mut sources = BTreeSet::new();
            let mut cases = BTreeSet::new();
            for r in rows {
                passages += 1;
                sources.insert(r.source);
                cases.extend(r.cases.iter().copied());
            }
            PassageCounts {
                passages,
                sources: sources.len() as i64,
                cases: cases.len() as i64,
            }
        };
        let all = tally(&mut rows.iter());
        let mut groups = BTreeMap::new();
        if let Some(values) = group {
            let mut names: BTreeSet<String> = values.values().cloned().collect();
            names.insert("(none)".into());
            for name in names {
                let value_of = |r: &Row| {
                    r.cases
                        .first()
                        .and_then(|c| values.get(c))
                        .cloned()
                        .unwrap_or_else(|| "(none)".into())
                };
                let c = tally(&mut rows.iter().filter(|r| value_of(r) == name));
                if c.passages > 0 {
                    groups.insert(name, c);
                }
            }
        }
        GroupedCounts { all, groups }
    }

    /// The themes board with counts, grouped by a case attribute if given.
    pub fn theme_board(&self, group_by: Option<&str>) -> Result<ThemeBoard> {
        let themes = self.themes()?;
        let rows = self.theme_rows()?;
        let values = match group_by {
            Some(a) => Some(self.case_values(a)?),
            None => None,
        };
        let mut code_counts = BTreeMap::new();
        let mut by_code: BTreeMap<CodeId, Vec<&Row>> = BTreeMap::new();
        for r in &rows {
            by_code.entry(r.code).or_default().push(r);
        }
        for (code, rs) in &by_code {
            code_counts.insert(*code, Self::count(rs, values.as_ref()));
        }
        let assigned: BTreeSet<CodeId> = themes
            .iter()
            .flat_map(|t| t.codes.iter().copied())
            .collect();
        let unassigned = codes::list(&self.conn)?
            .into_iter()
            .map(|c| c.id)
            .filter(|c| !assigned.contains(c) && by_code.contains_key(c))
            .collect();
        let mut theme_counts = BTreeMap::new();
        for t in &themes {
            let set = Self::theme_code_set(&themes, t.id);
            let rs: Vec<&Row> = rows.iter().filter(|r| set.contains(&r.code)).collect();
            theme_counts.insert(t.id, Self::count(&rs, values.as_ref()));
        }
        Ok(ThemeBoard {
            themes,
            unassigned,
            theme_counts,
            code_counts,
            group_by: group_by.map(str::to_owned),
        })
    }

    /// Every consensus passage of a theme (and its sub-themes), with its
    /// case, attributes and quote; optionally only cases where `attribute = value`.
    pub fn theme_passages(
        &self,
        theme: ThemeId,
        only: Option<(&str, &str)>,
    ) -> Result<Vec<Passage>> {
        let themes = self.themes()?;
        let set = Self::theme_code_set(&themes, theme);
        let rows = self.theme_rows()?;
        let cases: HashMap<CaseId, crate::Case> =
            self.cases()?.into_iter().map(|c| (c.id, c)).collect();
        let quotes: HashMap<(SourceId, i64, i64), Quote> = self
            .quotes(theme)?
            .into_iter()
            .map(|q| ((q.source, q.start, q.end), q))
            .collect();
        let titles: HashMap<SourceId, String> = self
            .sources()?
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect();
        let mut texts: HashMap<SourceId, (String, CharIndex)> = HashMap::new();
        let mut out = Vec::new();
        for r in rows.iter().filter(|r| set.contains(&r.code)) {
            let case = r.cases.first().and_then(|c| cases.get(c));
            if let Some((attr, value)) = only {
                let v = case.and_then(|c| {
                    c.attributes
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(attr))
                        .map(|(_, v)| v)
                });
                if v.map(|v| !v.eq_ignore_ascii_case(value)).unwrap_or(true) {
                    continue;
                }
            }
            if let std::collections::hash_map::Entry::Vacant(e) = texts.entry(r.source) {
                let t = crate::store::sources::text(&self.conn, r.source)?;
                let i = CharIndex::new(&t);
                e.insert((t, i));
            }
            let (t, i) = &texts[&r.source];
            out.push(Passage {
                consensus_id: r.consensus_id,
                code: r.code,
                source: r.source,
                source_title: titles.get(&r.source).cloned().unwrap_or_default(),
                start: r.start,
                end: r.end,
                text: i.slice(t, r.start as usize, r.end as usize).to_owned(),
                case_name: case.map(|c| c.name.clone()),
                attributes: case.map(|c| c.attributes.clone()).unwrap_or_default(),
                quote: quotes.get(&(r.source, r.start, r.end)).cloned(),
            });
        }
        out.sort_by_key(|p| {
            (
                p.quote
                    .as_ref()
                    .map_or(i64::MAX, |q| if q.starred { q.position } else { i64::MAX }),
                p.source,
                p.start,
            )
        });
        Ok(out)
    }

    /// A theme's quotes (starred or not), in order.
    pub fn quotes(&self, theme: ThemeId) -> Result<Vec<Quote>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, theme_id, source_id, start, end, original, edited, starred, position
             FROM quotes WHERE theme_id = ?1 ORDER BY position, id",
        )?;
        let rows = stmt.query_map([theme], |r| {
            Ok(Quote {
                id: r.get(0)?,
                theme: r.get(1)?,
                source: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                original: r.get(5)?,
                edited: r.get(6)?,
                starred: r.get(7)?,
                position: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn quote(&self, id: i64) -> Result<Quote> {
        let theme: ThemeId = self
            .conn
            .query_row("SELECT theme_id FROM quotes WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| Error::not_found(format!("quote {id}")))?;
        self.quotes(theme)?
            .into_iter()
            .find(|q| q.id == id)
            .ok_or_else(|| Error::not_found(format!("quote {id}")))
    }

    /// Stars (or un-stars) a consensus passage as a representative quote of
    /// `theme`. A newly starred quote goes to the end of the order.
    pub fn star_passage(
        &mut self,
        theme: ThemeId,
        consensus_id: i64,
        starred: bool,
    ) -> Result<Quote> {
        let t = self.theme(theme)?;
        let (code, source, start, end): (CodeId, SourceId, i64, i64) = self
            .conn
            .query_row(
                "SELECT code_id, source_id, start, end FROM consensus_codings WHERE id = ?1",
                [consensus_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(format!("consensus passage {consensus_id}")))?;
        let themes = self.themes()?;
        if !Self::theme_code_set(&themes, theme).contains(&code) {
            return Err(Error::Invalid(format!(
                "that passage is not coded with a code of \"{}\"",
                t.name
            )));
        }
        let text = crate::store::sources::text(&self.conn, source)?;
        let original = crate::text::slice(&text, start as usize, end as usize).to_owned();
        let id = self.change(None, |c| {
            let now = store::now();
            let position: i64 = c.query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM quotes WHERE theme_id = ?1 AND starred = 1",
                [theme],
                |r| r.get(0),
            )?;
            c.execute(
                "INSERT INTO quotes(guid, theme_id, consensus_coding_id, source_id, start, end, original, starred, position, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
                 ON CONFLICT(theme_id, source_id, start, end) DO UPDATE SET
                   starred = excluded.starred,
                   position = CASE WHEN quotes.starred = 0 AND excluded.starred = 1 THEN excluded.position ELSE quotes.position END,
                   updated_at = excluded.updated_at",
                params![store::new_guid(), theme, consensus_id, source, start, end, original, starred, position, now],
            )?;
            let id: i64 = c.query_row(
                "SELECT id FROM quotes WHERE theme_id = ?1 AND source_id = ?2 AND start = ?3 AND end = ?4",
                params![theme, source, start, end],
                |r| r.get(0),
            )?;
            c.log(
                if starred { "quote.star" } else { "quote.unstar" },
                serde_json::json!({ "theme": t.name, "quote": id, "text": original }),
            )?;
            Ok(id)
        })?;
        self.quote(id)
    }

    /// Stores a shortened or de-identified version of a quote (`None`
    /// restores the original). The original passage is never changed.
    pub fn edit_quote(&mut self, id: i64, edited: Option<&str>) -> Result<Quote> {
        let q = self.quote(id)?;
        let edited = edited
            .map(str::trim)
            .filter(|e| !e.is_empty() && *e != q.original);
        self.change(None, |c| {
            c.execute(
                "UPDATE quotes SET edited = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, edited, store::now()],
            )?;
            c.log(
                "quote.edit",
                serde_json::json!({ "quote": id, "original": q.original, "before": q.edited, "after": edited }),
            )
        })?;
        self.quote(id)
    }

    /// Moves a starred quote to `index` among its theme's starred quotes.
    pub fn move_quote(&mut self, id: i64, index: usize) -> Result<()> {
        let q = self.quote(id)?;
        self.change(None, |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id FROM quotes WHERE theme_id = ?1 AND starred = 1 AND id != ?2 ORDER BY position, id",
            )?;
            let mut ids: Vec<i64> = stmt.query_map(params![q.theme, id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids.insert(index.min(ids.len()), id);
            for (i, qid) in ids.iter().enumerate() {
                c.execute("UPDATE quotes SET position = ?2 WHERE id = ?1", params![qid, i as i64])?;
            }
            c.log("quote.move", serde_json::json!({ "quote": id, "index": index }))
        })
    }

    /// Builds the theme table: grouped by a case attribute, then split by a
    /// theme attribute, one row per theme with its quotes.
    pub fn theme_table(&self, options: &ThemeTableOptions) -> Result<ThemeTable> {
        let themes = self.themes()?;
        let rows = self.theme_rows()?;
        let cases: HashMap<CaseId, crate::Case> =
            self.cases()?.into_iter().map(|c| (c.id, c)).collect();
        let titles: HashMap<SourceId, String> = self
            .sources()?
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect();
        let values = match &options.group_by {
            Some(a) => Some(self.case_values(a)?),
            None => None,
        };
        let attribute_levels: Vec<String> = match &options.group_by {
            Some(a) => self
                .attributes()?
                .into_iter()
                .find(|x| x.name.eq_ignore_ascii_case(a))
                .map(|x| x.values)
                .ok_or_else(|| Error::not_found(format!("case attribute \"{a}\"")))?,
            None => Vec::new(),
        };
        let group_of = |r: &Row| -> Option<String> {
            values.as_ref().map(|v| {
                r.cases
                    .first()
                    .and_then(|c| v.get(c))
                    .cloned()
                    .unwrap_or_else(|| "(none)".into())
            })
        };
        let mut groups: Vec<Option<String>> = match &values {
            Some(_) => attribute_levels.iter().cloned().map(Some).collect(),
            None => vec![None],
        };
        if values.is_some()
            && rows
                .iter()
                .any(|r| group_of(r).as_deref() == Some("(none)"))
        {
            groups.push(Some("(none)".into()));
        }
        // The split: theme attribute values in first-seen board order.
        let mut splits: Vec<Option<String>> = Vec::new();
        match &options.split_by {
            Some(a) => {
                for t in &themes {
                    let v = t
                        .attributes
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(a))
                        .map(|(_, v)| v.clone());
                    if !splits.contains(&v) {
                        splits.push(v);
                    }
                }
                // Themes without the attribute come last.
                if let Some(i) = splits.iter().position(Option::is_none) {
                    let none = splits.remove(i);
                    splits.push(none);
                }
            }
            None => splits.push(None),
        }
        let heading = |template: &Option<String>, default: &str, value: &str, attribute: &str| {
            template
                .clone()
                .unwrap_or_else(|| default.to_owned())
                .replace("{Value}", &capitalise(value))
                .replace("{value}", value)
                .replace("{attribute}", attribute)
        };
        let quotes_by_theme: HashMap<ThemeId, Vec<Quote>> = themes
            .iter()
            .map(|t| self.quotes(t.id).map(|q| (t.id, q)))
            .collect::<Result<_>>()?;
        let mut texts: HashMap<SourceId, (String, CharIndex)> = HashMap::new();
        let mut out_groups = Vec::new();
        for g in &groups {
            let mut sections = Vec::new();
            for s in &splits {
                let mut table_rows = Vec::new();
                for t in &themes {
                    let v = options.split_by.as_ref().and_then(|a| {
                        t.attributes
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(a))
                            .map(|(_, v)| v.clone())
                    });
                    if options.split_by.is_some() && &v != s {
                        continue;
                    }
                    let set = Self::theme_code_set(&themes, t.id);
                    let rs: Vec<&Row> = rows
                        .iter()
                        .filter(|r| set.contains(&r.code) && (g.is_none() || &group_of(r) == g))
                        .collect();
                    if rs.is_empty() {
                        continue;
                    }
                    let in_group: BTreeSet<(SourceId, i64, i64)> =
                        rs.iter().map(|r| (r.source, r.start, r.end)).collect();
                    let case_of: HashMap<(SourceId, i64, i64), Option<CaseId>> = rs
                        .iter()
                        .map(|r| ((r.source, r.start, r.end), r.cases.first().copied()))
                        .collect();
                    let mut quotes: Vec<TableQuote> = Vec::new();
                    let table_quote =
                        |source: SourceId, start: i64, end: i64, text: String| TableQuote {
                            text,
                            source: titles.get(&source).cloned().unwrap_or_default(),
                            case_name: case_of
                                .get(&(source, start, end))
                                .copied()
                                .flatten()
                                .and_then(|c| cases.get(&c))
                                .map(|c| c.name.clone()),
                        };
                    match options.quotes {
                        QuoteSelection::Starred | QuoteSelection::Top(_) => {
                            let limit = if let QuoteSelection::Top(n) = options.quotes {
                                n
                            } else {
                                usize::MAX
                            };
                            for q in quotes_by_theme[&t.id]
                                .iter()
                                .filter(|q| {
                                    q.starred && in_group.contains(&(q.source, q.start, q.end))
                                })
                                .take(limit)
                            {
                                quotes.push(table_quote(
                                    q.source,
                                    q.start,
                                    q.end,
                                    q.shown().to_owned(),
                                ));
                            }
                        }
                        QuoteSelection::All => {
                            let edits: HashMap<(SourceId, i64, i64), &Quote> = quotes_by_theme
                                [&t.id]
                                .iter()
                                .map(|q| ((q.source, q.start, q.end), q))
                                .collect();
                            for r in &rs {
                                let text = match edits.get(&(r.source, r.start, r.end)) {
                                    Some(q) => q.shown().to_owned(),
                                    None => {
                                        if let std::collections::hash_map::Entry::Vacant(e) =
                                            texts.entry(r.source)
                                        {
                                            let s =
                                                crate::store::sources::text(&self.conn, r.source)?;
                                            let i = CharIndex::new(&s);
                                            e.insert((s, i));
                                        }
                                        let (s, i) = &texts[&r.source];
                                        i.slice(s, r.start as usize, r.end as usize).to_owned()
                                    }
                                };
                                quotes.push(table_quote(r.source, r.start, r.end, text));
                            }
                        }
                    }
                    let name = match t.parent.and_then(|p| themes.iter().find(|x| x.id == p)) {
                        Some(parent) => format!("{}: {}", parent.name, t.name),
                        None => t.name.clone(),
                    };
                    table_rows.push(ThemeRow {
                        theme: name,
                        description: t.description.clone(),
                        quotes,
                        counts: options.counts.then(|| Self::count(&rs, None).all),
                    });
                }
                if table_rows.is_empty() {
                    continue;
                }
                let heading = match (&options.split_by, s) {
                    (Some(a), Some(v)) => Some(heading(
                        &options.split_heading,
                        if a.eq_ignore_ascii_case("influence") {
                            "Themes indicating {value} influence"
                        } else {
                            "{attribute}: {Value}"
                        },
                        v,
                        a,
                    )),
                    (Some(_), None) => Some("Other themes".to_owned()),
                    (None, _) => None,
                };
                sections.push(TableSection {
                    heading,
                    rows: table_rows,
                });
            }
            if sections.is_empty() {
                continue;
            }
            let heading = g.as_ref().map(|v| {
                if v == "(none)" {
                    format!("No {}", options.group_by.as_deref().unwrap_or("group"))
                } else {
                    heading(
                        &options.group_heading,
                        "{Value} response",
                        v,
                        options.group_by.as_deref().unwrap_or_default(),
                    )
                }
            });
            out_groups.push(TableGroup { heading, sections });
        }
        let mut columns = vec![
            "Theme".to_owned(),
            "Description of theme".to_owned(),
            "Representative quotes".to_owned(),
        ];
        if options.counts {
            columns.push("Passages (sources, cases)".to_owned());
        }
        Ok(ThemeTable {
            columns,
            groups: out_groups,
            counts: options.counts,
            quote_sources: options.quote_sources,
        })
    }
}
