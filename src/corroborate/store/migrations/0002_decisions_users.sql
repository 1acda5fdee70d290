-- corroborate store, schema version 2: analysts' decisions, accounts, and
-- the deletions that `export --since` must report.

-- A manual decision about incidents. Decisions are kept as constraints on
-- reports (the ones that existed when the analyst decided), so that they
-- survive re-clustering and re-extraction whatever ids incidents get:
--   merge    report_ids must share one incident;
--   detach   report_ids (one) must not share an incident with other_ids;
--   split    report_ids and other_ids must not share an incident;
--   edit     field = JSON value on the incident holding report_ids;
--   discount the incident holding report_ids is graded Discounted.
-- A decision taken back is kept with active = 0.
CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    incident_id  TEXT    NOT NULL,          -- the incident as the analyst saw it
    report_ids   TEXT    NOT NULL DEFAULT '[]',  -- JSON list
    other_ids    TEXT    NOT NULL DEFAULT '[]',  -- JSON list
    field        TEXT,
    value        TEXT,                      -- JSON
    who          TEXT    NOT NULL,
    why          TEXT    NOT NULL DEFAULT '',
    at           TEXT    NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX decisions_incident ON decisions (incident_id);
CREATE INDEX decisions_active ON decisions (active, id);

-- Local accounts for the web app's review and the write API.
CREATE TABLE users (
    name           TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT 'analyst',
    created        TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label       TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL,
    last_used   TEXT
);

-- Incidents that no longer exist, for `export --since` (downstream copies
-- delete them). Kept forever; a re-created id is simply re-exported.
CREATE TABLE incident_deletions (
    incident_id  TEXT NOT NULL,
    at           TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_deletions_at ON incident_deletions (at);
