-- Schema version 1: everything the workflow needs from import to themes.
-- Text positions (`start`, `end`) are Unicode code points into `sources.text`,
-- end exclusive, as REFI-QDA counts them.

CREATE TABLE project_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per imported file, so that importing the same bytes again is
-- recognised by `content_hash` even when the file produced several sources
-- (a survey yields one source per free-text question).
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL,
    format       TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    byte_len     INTEGER NOT NULL,
    imported_at  TEXT NOT NULL,
    options      TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    guid         TEXT NOT NULL UNIQUE,
    import_id    INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('survey', 'notes', 'transcript')),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    text         TEXT NOT NULL,
    char_len     INTEGER NOT NULL CHECK (char_len >= 0),
    content_hash TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE cases (
    id         INTEGER PRIMARY KEY,
    guid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL DEFAULT 'participant'
               CHECK (role IN ('respondent', 'participant', 'moderator', 'interviewee')),
    created_at TEXT NOT NULL
) STRICT;

-- Typed attributes of cases. `scale` holds the ordered levels of a Likert
-- (ordinal) attribute as a JSON array of strings.
CREATE TABLE attributes (
    id       INTEGER PRIMARY KEY,
    guid     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL UNIQUE,
    type     TEXT NOT NULL CHECK (type IN ('categorical', 'ordinal', 'number', 'date', 'text')),
    scale    TEXT,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE case_attributes (
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
    value        TEXT NOT NULL,
    PRIMARY KEY (case_id, attribute_id)
) STRICT;

-- The natural pieces of a source. They tile the source's text without
-- overlapping (gaps are separators such as blank lines).
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('response', 'paragraph', 'heading', 'turn')),
    case_id      INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    speaker      TEXT,
    start_ms     INTEGER,
    end_ms       INTEGER,
    question     TEXT,
    CHECK (start >= 0 AND end > start),
    UNIQUE (source_id, ordinal)
) STRICT;
CREATE INDEX units_by_source ON units(source_id, start);
CREATE INDEX units_by_case ON units(case_id);

CREATE TABLE coders (
    id         INTEGER PRIMARY KEY,
    guid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE codes (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    parent_id   INTEGER REFERENCES codes(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    inclusion   TEXT NOT NULL DEFAULT '',
    exclusion   TEXT NOT NULL DEFAULT '',
    example     TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL DEFAULT '#4e79a7',
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX codes_by_parent ON codes(parent_id, position);
-- Names are unique among siblings (NVivo and ATLAS.ti allow "Other" under
-- several parents); a code is addressed by its path when its name is shared.
CREATE UNIQUE INDEX codes_unique_sibling_name ON codes(coalesce(parent_id, 0), name COLLATE NOCASE);

-- Every coding belongs to exactly one coder.
CREATE TABLE codings (
    id         INTEGER PRIMARY KEY,
    guid       TEXT NOT NULL UNIQUE,
    coder_id   INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    code_id    INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    memo       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (start >= 0 AND end > start)
) STRICT;
CREATE INDEX codings_by_coder_source ON codings(coder_id, source_id, start);
CREATE INDEX codings_by_code ON codings(code_id);

CREATE TABLE themes (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    parent_id   INTEGER REFERENCES themes(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
) STRICT;

-- A code belongs to at most one theme.
CREATE TABLE theme_codes (
    theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    code_id  INTEGER NOT NULL UNIQUE REFERENCES codes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (theme_id, code_id)
) STRICT;

-- Free memos attached to the project, a source, a case or a code, written by
-- a coder (NULL: written outside coding, e.g. by the team).
CREATE TABLE memos (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('project', 'source', 'case', 'code')),
    target_id   INTEGER,
    coder_id    INTEGER REFERENCES coders(id) ON DELETE CASCADE,
    title       TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Append-only record of every change: who, when, what.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    action  TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
