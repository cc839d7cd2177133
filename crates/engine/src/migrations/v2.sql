-- Schema version 2: reconciliation (decisions and the consensus layer) and
-- the manuscript side of themes (theme attributes and quotes).

-- One row per decision on a discrepancy. A discrepancy is identified by
-- `discrepancy_key`, derived from the source, the code and the coders'
-- codings it consists of (coders' codings are frozen during reconciliation,
-- so the key is stable). Undoing a decision sets `undone_at`; the row stays
-- as part of the record.
CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY,
    guid            TEXT NOT NULL UNIQUE,
    discrepancy_key TEXT NOT NULL,
    source_id       INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    code_id         INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('keep_a', 'keep_b', 'keep_both', 'union',
                                                   'intersection', 'manual', 'change_code', 'drop')),
    note            TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL,
    undone_at       TEXT
) STRICT;
CREATE INDEX decisions_by_key ON decisions(discrepancy_key);

-- The reconciled coding layer. Rows come from agreements (both coders, same
-- code, same span: `agreement_key` set) or from decisions (`decision_id`
-- set); nothing else writes here.
CREATE TABLE consensus_codings (
    id            INTEGER PRIMARY KEY,
    guid          TEXT NOT NULL UNIQUE,
    code_id       INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    memo          TEXT NOT NULL DEFAULT '',
    agreement_key TEXT UNIQUE,
    decision_id   INTEGER REFERENCES decisions(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    CHECK (start >= 0 AND end > start),
    CHECK ((agreement_key IS NULL) != (decision_id IS NULL))
) STRICT;
CREATE INDEX consensus_by_source ON consensus_codings(source_id, start);
CREATE INDEX consensus_by_code ON consensus_codings(code_id);

-- Attributes of themes that theme tables group by (influence = positive).
CREATE TABLE theme_attributes (
    theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (theme_id, name)
) STRICT;

-- Quotes chosen for a theme. The passage (`source_id`, `start`, `end`, and
-- the text as it was, `original`) is never changed; `edited` holds the
-- shortened or de-identified version shown in tables.
CREATE TABLE quotes (
    id                  INTEGER PRIMARY KEY,
    guid                TEXT NOT NULL UNIQUE,
    theme_id            INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    consensus_coding_id INTEGER REFERENCES consensus_codings(id) ON DELETE SET NULL,
    source_id           INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start               INTEGER NOT NULL,
    end                 INTEGER NOT NULL,
    original            TEXT NOT NULL,
    edited              TEXT,
    starred             INTEGER NOT NULL DEFAULT 1,
    position            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (theme_id, source_id, start, end)
) STRICT;
CREATE INDEX quotes_by_theme ON quotes(theme_id, position);
