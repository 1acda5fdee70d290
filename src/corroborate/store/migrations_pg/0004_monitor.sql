-- corroborate PostgreSQL store, schema version 4: the monitor's state (see
-- the SQLite migration 0003 for what each table holds).
CREATE TABLE monitor_feeds (
    url            text COLLATE "C" PRIMARY KEY,
    name           text NOT NULL DEFAULT '',
    etag           text,
    last_modified  text,
    last_polled    text COLLATE "C",
    last_success   text COLLATE "C",
    last_status    text NOT NULL DEFAULT '',
    failures       integer NOT NULL DEFAULT 0,
    next_poll      text COLLATE "C",
    items          integer NOT NULL DEFAULT 0
);

CREATE TABLE monitor_items (
    item_key      text COLLATE "C" PRIMARY KEY,
    feed_url      text COLLATE "C" NOT NULL,
    article_hash  text COLLATE "C",
    first_seen    text COLLATE "C" NOT NULL
);

CREATE TABLE monitor_incident_state (
    incident_id  text COLLATE "C" PRIMARY KEY,
    grade        text NOT NULL,
    origins      integer NOT NULL,
    signature    text NOT NULL,
    seen_at      text COLLATE "C" NOT NULL
);

CREATE TABLE monitor_alerts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key    text COLLATE "C" NOT NULL,
    rule         text NOT NULL,
    incident_id  text COLLATE "C" NOT NULL,
    change       text NOT NULL,
    channel      text NOT NULL,
    target       text COLLATE "C" NOT NULL,
    status       text NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    payload      text NOT NULL DEFAULT '{}',
    created      text COLLATE "C" NOT NULL,
    sent_at      text COLLATE "C",
    UNIQUE (dedup_key, channel, target)
);
CREATE INDEX monitor_alerts_incident ON monitor_alerts (incident_id);
CREATE INDEX monitor_alerts_created ON monitor_alerts (created);
