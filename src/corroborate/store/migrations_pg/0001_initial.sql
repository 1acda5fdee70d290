-- corroborate PostgreSQL store, schema version 1: the tables of the SQLite
-- store (migrations/0001_initial.sql), in the schema first on search_path.
--
-- As in SQLite, every table keeps the full JSON of its record (the source of
-- truth that round-trips through the model's from_dict) next to the columns
-- used for filtering and sorting, and timestamps are ISO 8601 UTC strings.
-- Text columns use the "C" collation, so they sort and compare by code point
-- as SQLite does, and lower() folds ASCII only, like SQLite's NOCASE.
-- Strings are stored as the store writes them: a NUL character (which
-- PostgreSQL text cannot hold) is escaped, see corroborate.store.postgres.

-- Articles: "seq" orders them by ingestion; "hash" (the content hash,
-- Article.id) is the key every other table refers to. "search" holds the
-- lexemes of title and text (case and diacritics folded by the store).
CREATE TABLE articles (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hash         text COLLATE "C" NOT NULL UNIQUE,
    external_id  text COLLATE "C",
    url          text COLLATE "C",
    outlet       text COLLATE "C",
    published    text COLLATE "C",
    language     text COLLATE "C",
    title        text COLLATE "C",
    origin       text COLLATE "C",
    text         text COLLATE "C" NOT NULL,
    ingested_at  text COLLATE "C" NOT NULL,
    search       tsvector
);
CREATE INDEX articles_external_id ON articles (external_id);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_search ON articles USING gin (search);

-- What extraction made of one article besides its reports.
CREATE TABLE extractions (
    article_hash       text COLLATE "C" PRIMARY KEY
                       REFERENCES articles (hash) ON DELETE CASCADE,
    extraction_id      text COLLATE "C" NOT NULL,
    language           text COLLATE "C",
    framing            json NOT NULL,  -- Framing.to_dict()
    framing_score      double precision,
    extractor_version  text COLLATE "C",
    extracted_at       text COLLATE "C" NOT NULL
);

-- actor1_fold/actor2_fold: the actors casefolded by the store, for the
-- actor filter (a substring match).
CREATE TABLE incidents (
    incident_id     text COLLATE "C" PRIMARY KEY,
    event_type      text COLLATE "C",
    sub_event_type  text COLLATE "C",
    event_date      text COLLATE "C",
    country         text COLLATE "C",
    admin1          text COLLATE "C",
    location        text COLLATE "C",
    latitude        double precision,
    longitude       double precision,
    fatalities_low  bigint,
    fatalities_best bigint,
    fatalities_high bigint,
    grade           text COLLATE "C",
    origins         bigint,
    actor1          text COLLATE "C",
    actor2          text COLLATE "C",
    actor1_fold     text COLLATE "C",
    actor2_fold     text COLLATE "C",
    n_reports       bigint NOT NULL DEFAULT 0,
    created         text COLLATE "C",
    updated         text COLLATE "C",
    data            json NOT NULL  -- the full incident
);
CREATE INDEX incidents_event_date ON incidents (event_date DESC NULLS LAST, incident_id);
CREATE INDEX incidents_country_date ON incidents (lower(country), event_date);
CREATE INDEX incidents_admin1 ON incidents (lower(admin1));
CREATE INDEX incidents_event_type ON incidents (lower(event_type), lower(sub_event_type));
CREATE INDEX incidents_sub_event_type ON incidents (lower(sub_event_type));
CREATE INDEX incidents_grade ON incidents (lower(grade));
CREATE INDEX incidents_fatalities ON incidents (fatalities_best);
CREATE INDEX incidents_updated ON incidents (updated);

-- One event claimed in one article. report_id is "<article hash>:<idx>".
CREATE TABLE reports (
    report_id          text COLLATE "C" PRIMARY KEY,
    article_hash       text COLLATE "C" NOT NULL
                       REFERENCES articles (hash) ON DELETE CASCADE,
    idx                integer NOT NULL,
    event_type         text COLLATE "C",
    sub_event_type     text COLLATE "C",
    event_date         text COLLATE "C",
    time_precision     integer,
    country            text COLLATE "C",
    admin1             text COLLATE "C",
    location           text COLLATE "C",
    latitude           double precision,
    longitude          double precision,
    actor1             text COLLATE "C",
    actor2             text COLLATE "C",
    civilian_targeting boolean NOT NULL DEFAULT false,
    fatalities_low     bigint,
    fatalities_best    bigint,
    fatalities_high    bigint,
    data               json NOT NULL,  -- the full report
    incident_id        text COLLATE "C"
                       REFERENCES incidents (incident_id) ON DELETE SET NULL,
    extractor_version  text COLLATE "C",
    created            text COLLATE "C" NOT NULL,
    UNIQUE (article_hash, idx)
);
CREATE INDEX reports_incident ON reports (incident_id);
CREATE INDEX reports_event_date ON reports (event_date);
CREATE INDEX reports_country ON reports (lower(country), event_date);
CREATE INDEX reports_event_type ON reports (event_type, sub_event_type);
CREATE INDEX reports_unassigned ON reports (article_hash, idx) WHERE incident_id IS NULL;

-- Inputs that could not be read, with their reason. Never deleted.
CREATE TABLE rejects (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    origin       text COLLATE "C" NOT NULL,
    external_id  text COLLATE "C",
    reason       text COLLATE "C" NOT NULL,
    detail       text COLLATE "C" NOT NULL,
    created      text COLLATE "C" NOT NULL
);
CREATE INDEX rejects_reason ON rejects (reason);

-- The history of incidents: merges, splits, re-gradings. Kept when an
-- incident is deleted (no foreign key on purpose).
CREATE TABLE incident_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id  text COLLATE "C" NOT NULL,
    action       text COLLATE "C" NOT NULL,
    reason       text COLLATE "C" NOT NULL DEFAULT '',
    detail       json NOT NULL DEFAULT '{}',  -- a JSON object
    at           text COLLATE "C" NOT NULL
);
CREATE INDEX incident_log_incident ON incident_log (incident_id, id);
