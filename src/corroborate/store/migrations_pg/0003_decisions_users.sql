-- corroborate PostgreSQL store, schema version 3: analysts' decisions,
-- accounts, and deletions for `export --since` (see the SQLite migration
-- 0002 for what each kind of decision means).
CREATE TABLE decisions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text COLLATE "C" NOT NULL,
    incident_id  text COLLATE "C" NOT NULL,
    report_ids   json NOT NULL DEFAULT '[]',
    other_ids    json NOT NULL DEFAULT '[]',
    field        text COLLATE "C",
    value        json,
    who          text NOT NULL,
    why          text NOT NULL DEFAULT '',
    at           text COLLATE "C" NOT NULL,
    active       boolean NOT NULL DEFAULT true
);
CREATE INDEX decisions_incident ON decisions (incident_id);
CREATE INDEX decisions_active ON decisions (active, id);

CREATE TABLE users (
    name           text PRIMARY KEY,
    password_hash  text NOT NULL,
    role           text NOT NULL DEFAULT 'analyst',
    created        text COLLATE "C" NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  text PRIMARY KEY,
    user_name   text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label       text NOT NULL DEFAULT '',
    created     text COLLATE "C" NOT NULL,
    last_used   text COLLATE "C"
);

CREATE TABLE incident_deletions (
    incident_id  text COLLATE "C" NOT NULL,
    at           text COLLATE "C" NOT NULL,
    reason       text NOT NULL DEFAULT ''
);
CREATE INDEX incident_deletions_at ON incident_deletions (at);
