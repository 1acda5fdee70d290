-- corroborate store, schema version 3: the monitor's state (corroborate watch
-- and its alerts). Feeds polled with their HTTP validators, the feed items
-- already seen, the last state of each incident the alerts looked at, and
-- every alert sent (or tried) with the key that keeps it from being sent twice.
CREATE TABLE monitor_feeds (
    url            TEXT PRIMARY KEY,
    name           TEXT NOT NULL DEFAULT '',
    etag           TEXT,
    last_modified  TEXT,
    last_polled    TEXT,                    -- ISO 8601 UTC
    last_success   TEXT,
    last_status    TEXT NOT NULL DEFAULT '', -- "200 5 new", "304", "error: ..."
    failures       INTEGER NOT NULL DEFAULT 0,  -- consecutive
    next_poll      TEXT,
    items          INTEGER NOT NULL DEFAULT 0   -- new items ingested so far
);

CREATE TABLE monitor_items (
    item_key      TEXT PRIMARY KEY,          -- normalised link or guid
    feed_url      TEXT NOT NULL,
    article_hash  TEXT,
    first_seen    TEXT NOT NULL
);

CREATE TABLE monitor_incident_state (
    incident_id  TEXT PRIMARY KEY,
    grade        TEXT NOT NULL,
    origins      INTEGER NOT NULL,
    signature    TEXT NOT NULL,
    seen_at      TEXT NOT NULL
);

CREATE TABLE monitor_alerts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key    TEXT NOT NULL,              -- rule, incident and the change
    rule         TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    change       TEXT NOT NULL,              -- match, grade-change, new-origin
    channel      TEXT NOT NULL,              -- webhook, email
    target       TEXT NOT NULL,              -- the URL or the addresses
    status       TEXT NOT NULL,              -- sent, failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '{}', -- JSON
    created      TEXT NOT NULL,
    sent_at      TEXT,
    UNIQUE (dedup_key, channel, target)
);
CREATE INDEX monitor_alerts_incident ON monitor_alerts (incident_id);
CREATE INDEX monitor_alerts_created ON monitor_alerts (created);
