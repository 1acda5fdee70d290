-- corroborate store, schema version 1.
--
-- Every table keeps the full JSON of its record (the source of truth that
-- round-trips through the model's from_dict) next to the columns used for
-- filtering and sorting. Timestamps are ISO 8601 UTC strings.

-- Articles: "seq" is a stable integer key used only as the rowid of the
-- full-text index; "hash" (the content hash, Article.id) is the key every
-- other table refers to.
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY,
    hash         TEXT    NOT NULL UNIQUE,
    external_id  TEXT,
    url          TEXT,
    outlet       TEXT,
    published    TEXT,
    language     TEXT,
    title        TEXT,
    origin       TEXT,
    text         TEXT    NOT NULL,
    ingested_at  TEXT    NOT NULL
);
CREATE INDEX articles_external_id ON articles (external_id);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);

-- Full-text index over title and text, kept in sync by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    text,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text)
    VALUES (new.seq, coalesce(new.title, ''), new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, coalesce(old.title, ''), old.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, coalesce(old.title, ''), old.text);
    INSERT INTO articles_fts (rowid, title, text)
    VALUES (new.seq, coalesce(new.title, ''), new.text);
END;

-- What extraction made of one article besides its reports: the id it was
-- given, its language and its framing.
CREATE TABLE extractions (
    article_hash       TEXT PRIMARY KEY
                       REFERENCES articles (hash) ON DELETE CASCADE,
    extraction_id      TEXT NOT NULL,
    language           TEXT,
    framing            TEXT NOT NULL,  -- Framing.to_dict() as JSON
    framing_score      REAL,
    extractor_version  TEXT,
    extracted_at       TEXT NOT NULL
);

CREATE TABLE incidents (
    incident_id     TEXT PRIMARY KEY,
    event_type      TEXT,
    sub_event_type  TEXT,
    event_date      TEXT,
    country         TEXT,
    admin1          TEXT,
    location        TEXT,
    latitude        REAL,
    longitude       REAL,
    fatalities_low  INTEGER,
    fatalities_best INTEGER,
    fatalities_high INTEGER,
    grade           TEXT,
    origins         INTEGER,
    actor1          TEXT,
    actor2          TEXT,
    n_reports       INTEGER NOT NULL DEFAULT 0,
    created         TEXT,
    updated         TEXT,
    data            TEXT NOT NULL  -- the full incident as JSON
);
CREATE INDEX incidents_event_date ON incidents (event_date DESC, incident_id);
CREATE INDEX incidents_country_date ON incidents (country COLLATE NOCASE, event_date);
CREATE INDEX incidents_admin1 ON incidents (admin1 COLLATE NOCASE);
CREATE INDEX incidents_event_type ON incidents (event_type COLLATE NOCASE, sub_event_type COLLATE NOCASE);
CREATE INDEX incidents_sub_event_type ON incidents (sub_event_type COLLATE NOCASE);
CREATE INDEX incidents_grade ON incidents (grade COLLATE NOCASE);
CREATE INDEX incidents_fatalities ON incidents (fatalities_best);
CREATE INDEX incidents_updated ON incidents (updated);

-- One event claimed in one article. report_id is "<article hash>:<idx>".
CREATE TABLE reports (
    report_id          TEXT PRIMARY KEY,
    article_hash       TEXT    NOT NULL
                       REFERENCES articles (hash) ON DELETE CASCADE,
    idx                INTEGER NOT NULL,
    event_type         TEXT,
    sub_event_type     TEXT,
    event_date         TEXT,
    time_precision     INTEGER,
    country            TEXT,
    admin1             TEXT,
    location           TEXT,
    latitude           REAL,
    longitude          REAL,
    actor1             TEXT,
    actor2             TEXT,
    civilian_targeting INTEGER NOT NULL DEFAULT 0,
    fatalities_low     INTEGER,
    fatalities_best    INTEGER,
    fatalities_high    INTEGER,
    data               TEXT    NOT NULL,  -- the full report as JSON
    incident_id        TEXT
                       REFERENCES incidents (incident_id) ON DELETE SET NULL,
    extractor_version  TEXT,
    created            TEXT    NOT NULL,
    UNIQUE (article_hash, idx)
);
CREATE INDEX reports_incident ON reports (incident_id);
CREATE INDEX reports_event_date ON reports (event_date);
CREATE INDEX reports_country ON reports (country COLLATE NOCASE, event_date);
CREATE INDEX reports_event_type ON reports (event_type, sub_event_type);
CREATE INDEX reports_unassigned ON reports (article_hash, idx) WHERE incident_id IS NULL;

-- Inputs that could not be read, with their reason. Never deleted.
CREATE TABLE rejects (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    origin       TEXT NOT NULL,
    external_id  TEXT,
    reason       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    created      TEXT NOT NULL
);
CREATE INDEX rejects_reason ON rejects (reason);

-- The history of incidents: merges, splits, re-gradings. Kept when an
-- incident is deleted (no foreign key on purpose).
CREATE TABLE incident_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  TEXT NOT NULL,
    action       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '{}',  -- JSON object
    at           TEXT NOT NULL
);
CREATE INDEX incident_log_incident ON incident_log (incident_id, id);
