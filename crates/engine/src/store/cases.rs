//! Cases and their typed attributes (`cases`, `attributes`, `case_attributes`).

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{AttributeId, CaseId};
use crate::{Error, Project, Result};

/// What a case is in the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CaseRole {
    /// A survey respondent.
    Respondent,
    /// A focus-group participant.
    Participant,
    /// A focus-group moderator.
    Moderator,
    /// The person interviewed in interview notes.
    Interviewee,
}

impl CaseRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseRole::Respondent => "respondent",
            CaseRole::Participant => "participant",
            CaseRole::Moderator => "moderator",
            CaseRole::Interviewee => "interviewee",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> CaseRole {
        match s {
            "respondent" => CaseRole::Respondent,
            "moderator" => CaseRole::Moderator,
            "interviewee" => CaseRole::Interviewee,
            _ => CaseRole::Participant,
        }
    }
}

/// The type of an attribute's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AttributeType {
    /// Unordered categories (fellowship type, role).
    Categorical,
    /// Ordered levels, such as a Likert scale.
    Ordinal,
    /// A number.
    Number,
    /// A date.
    Date,
    /// Free text that is not coded (e.g. an e-mail address).
    Text,
}

impl AttributeType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::Categorical => "categorical",
            AttributeType::Ordinal => "ordinal",
            AttributeType::Number => "number",
            AttributeType::Date => "date",
            AttributeType::Text => "text",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> AttributeType {
        match s {
            "ordinal" => AttributeType::Ordinal,
            "number" => AttributeType::Number,
            "date" => AttributeType::Date,
            "text" => AttributeType::Text,
            _ => AttributeType::Categorical,
        }
    }
}

/// An attribute of cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Attribute {
    /// Row id.
    pub id: AttributeId,
    /// Stable identifier, kept through REFI-QDA exchange.
    pub guid: String,
    /// Name, e.g. "role" or "My mentor was a good match".
    pub name: String,
    /// Type of the values.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: AttributeType,
    /// For ordinal attributes, the levels from lowest to highest.
    pub levels: Vec<String>,
    /// The values that occur, in level order for ordinal attributes and
    /// alphabetical order otherwise.
    pub values: Vec<String>,
}

/// A person in the study, with attribute values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Case {
    /// Row id.
    pub id: CaseId,
    /// Stable identifier, kept through REFI-QDA exchange.
    pub guid: String,
    /// Name or respondent id.
    pub name: String,
    /// Respondent, participant, moderator or interviewee.
    pub role: CaseRole,
    /// Attribute values by attribute name.
    pub attributes: BTreeMap<String, String>,
    /// Number of units that belong to the case.
    pub units: i64,
    /// Number of sources with units of the case.
    pub sources: i64,
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Case>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.guid, c.name, c.role,
                (SELECT count(*) FROM units u WHERE u.case_id = c.id),
                (SELECT count(DISTINCT u.source_id) FROM units u WHERE u.case_id = c.id)
         FROM cases c ORDER BY c.name COLLATE NOCASE",
    )?;
    let mut cases: Vec<Case> = stmt
        .query_map([], |r| {
            let role: String = r.get(3)?;
            Ok(Case {
                id: r.get(0)?,
                guid: r.get(1)?,
                name: r.get(2)?,
                role: CaseRole::parse(&role),
                attributes: BTreeMap::new(),
                units: r.get(4)?,
                sources: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut values = conn.prepare_cached(
        "SELECT ca.case_id, a.name, ca.value FROM case_attributes ca
         JOIN attributes a ON a.id = ca.attribute_id",
    )?;
    let mut by_case: std::collections::HashMap<CaseId, BTreeMap<String, String>> =
        std::collections::HashMap::new();
    for row in values.query_map([], |r| Ok((r.get::<_, CaseId>(0)?, r.get(1)?, r.get(2)?)))? {
        let (case, name, value) = row?;
        by_case.entry(case).or_default().insert(name, value);
    }
    for case in &mut cases {
        if let Some(a) = by_case.remove(&case.id) {
            case.attributes = a;
        }
    }
    Ok(cases)
}

pub(crate) fn attributes(conn: &Connection) -> Result<Vec<Attribute>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, guid, name, type, scale FROM attributes ORDER BY position, id",
    )?;
    let mut attrs: Vec<Attribute> = stmt
        .query_map([], |r| {
            let kind: String = r.get(3)?;
            let scale: Option<String> = r.get(4)?;
            Ok(Attribute {
                id: r.get(0)?,
                guid: r.get(1)?,
                name: r.get(2)?,
                kind: AttributeType::parse(&kind),
                levels: scale
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
                values: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut values = conn.prepare_cached(
        "SELECT DISTINCT value FROM case_attributes WHERE attribute_id = ?1 ORDER BY value COLLATE NOCASE",
    )?;
    for a in &mut attrs {
        let mut v: Vec<String> = values
            .query_map([a.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !a.levels.is_empty() {
            let rank = |x: &String| a.levels.iter().position(|l| l == x).unwrap_or(usize::MAX);
            v.sort_by_key(rank);
        }
        a.values = v;
    }
    Ok(attrs)
}

/// Every case by name (ASCII case folded, as SQLite's NOCASE compares), for
/// importing many cases without a table scan per name.
pub(crate) struct CaseLookup(std::collections::HashMap<String, (CaseId, String)>);

impl CaseLookup {
    /// Reads every case once.
    pub(crate) fn load(conn: &Connection) -> Result<CaseLookup> {
        let mut map = std::collections::HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name, role FROM cases ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, CaseId>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, name, role) = row?;
            map.entry(name.to_ascii_lowercase()).or_insert((id, role));
        }
        Ok(CaseLookup(map))
    }

    /// Finds a case by name, creating it with `role` when missing. An
    /// existing case keeps its role, except that a moderator is recorded as
    /// one.
    pub(crate) fn upsert(
        &mut self,
        conn: &Connection,
        name: &str,
        role: CaseRole,
    ) -> Result<CaseId> {
        let key = name.to_ascii_lowercase();
        if let Some((id, existing)) = self.0.get_mut(&key) {
            if role == CaseRole::Moderator && existing != "moderator" {
                conn.prepare_cached("UPDATE cases SET role = 'moderator' WHERE id = ?1")?
                    .execute([*id])?;
                *existing = "moderator".to_owned();
            }
            return Ok(*id);
        }
        // Not in the lookup, which holds every case: a new one.
        conn.prepare_cached(
            "INSERT INTO cases(guid, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute((super::new_guid(), name, role.as_str(), super::now()))?;
        let id = CaseId(conn.last_insert_rowid());
        self.0.insert(key, (id, role.as_str().to_owned()));
        Ok(id)
    }
}

/// Finds an attribute by name, creating it when missing. When it exists with
/// another type, the stored type wins unless it was less specific.
pub(crate) fn upsert_attribute(
    conn: &Connection,
    name: &str,
    kind: AttributeType,
    levels: &[String],
) -> Result<AttributeId> {
    let scale = (!levels.is_empty()).then(|| serde_json::to_string(levels).unwrap_or_default());
    // Called for every value of every imported row: cached statements.
    if let Some(id) = conn
        .prepare_cached("SELECT id FROM attributes WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        if let Some(scale) = &scale {
            conn.prepare_cached(
                "UPDATE attributes SET type = ?2, scale = ?3 WHERE id = ?1 AND scale IS NULL",
            )?
            .execute((id, kind.as_str(), scale))?;
        }
        return Ok(id);
    }
    let position: i64 = conn.query_row("SELECT count(*) FROM attributes", [], |r| r.get(0))?;
    conn.execute(
        "INSERT INTO attributes(guid, name, type, scale, position) VALUES (?1, ?2, ?3, ?4, ?5)",
        (super::new_guid(), name, kind.as_str(), scale, position),
    )?;
    Ok(AttributeId(conn.last_insert_rowid()))
}

pub(crate) fn set_value(
    conn: &Connection,
    case: CaseId,
    attribute: AttributeId,
    value: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO case_attributes(case_id, attribute_id, value) VALUES (?1, ?2, ?3)
         ON CONFLICT(case_id, attribute_id) DO UPDATE SET value = excluded.value",
    )?
    .execute((case, attribute, value))?;
    Ok(())
}

impl Project {
    /// Every case with its attribute values, by name.
    pub fn cases(&self) -> Result<Vec<Case>> {
        list(&self.conn)
    }

    /// Every attribute, with the values that occur.
    pub fn attributes(&self) -> Result<Vec<Attribute>> {
        attributes(&self.conn)
    }

    /// Sets (or, with `None`, clears) one attribute value of a case; logged.
    pub fn set_case_attribute(
        &mut self,
        case: CaseId,
        attribute: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let attribute = attribute.trim();
        if attribute.is_empty() {
            return Err(Error::Invalid("an attribute needs a name".into()));
        }
        self.change(None, |c| {
            let name: String = c
                .query_row("SELECT name FROM cases WHERE id = ?1", [case], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found(format!("case {case}")))?;
            let attr = upsert_attribute(c, attribute, AttributeType::Categorical, &[])?;
            match value.map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => set_value(c, case, attr, v)?,
                None => {
                    c.execute(
                        "DELETE FROM case_attributes WHERE case_id = ?1 AND attribute_id = ?2",
                        (case, attr),
                    )?;
                }
            }
            // The index holds no attributes (filters on them are resolved
            // at query time), so it stays current.
            c.log(
                "case.attribute",
                serde_json::json!({ "case": name, "attribute": attribute, "value": value }),
            )
        })
    }
}
