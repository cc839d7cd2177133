//! Tables of the project file, one module per table (or per table and its
//! dependent rows), each with the row type it reads and the statements that
//! read and write it. Callers outside the engine reach them through
//! [`crate::Project`]'s methods, which add transactions, audit and coder scope.

pub mod audit;
pub mod cases;
pub mod coders;
pub mod codes;
pub mod codings;
pub mod sources;

use serde::Serialize;

/// Declares a typed row id, so a `SourceId` cannot be passed where a `CodeId` is wanted.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        pub struct $name(pub i64);

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}
id_type!(
    /// Row id of a source.
    SourceId
);
id_type!(
    /// Row id of a unit.
    UnitId
);
id_type!(
    /// Row id of a case.
    CaseId
);
id_type!(
    /// Row id of an attribute.
    AttributeId
);
id_type!(
    /// Row id of a coder.
    CoderId
);
id_type!(
    /// Row id of a code.
    CodeId
);
id_type!(
    /// Row id of a coding.
    CodingId
);
id_type!(
    /// Row id of a theme.
    ThemeId
);

/// The current time as an RFC 3339 UTC timestamp with milliseconds, the form
/// every `*_at` column holds (and REFI-QDA's `xsd:dateTime` accepts).
pub(crate) fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// A new random GUID in the canonical lower-case form.
pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A short hexadecimal SHA-256 of some bytes, used to recognise a file imported twice.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// An entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditEntry {
    /// When, in UTC (RFC 3339).
    pub at: String,
    /// Who: a coder's name or the person using the project.
    pub who: String,
    /// What, as a dotted action name such as `coding.add`.
    pub action: String,
    /// The particulars, as JSON text.
    pub details: String,
}
