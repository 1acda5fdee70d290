-- corroborate store (PostgreSQL), schema version 5: indexes for the web app's
-- map and timeline (see the SQLite migration 0004_map_indexes.sql).
CREATE INDEX incidents_map ON incidents (latitude, longitude, event_type, fatalities_best);
CREATE INDEX incidents_grid ON incidents (
    (floor(latitude * 2)), (floor(longitude * 2)), event_type, fatalities_best, latitude, longitude
);
CREATE INDEX incidents_timeline ON incidents (event_date, event_type);
CREATE INDEX incidents_type_date ON incidents (lower(event_type), event_date DESC, incident_id);
