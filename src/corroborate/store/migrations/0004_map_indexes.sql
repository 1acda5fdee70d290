-- corroborate store, schema version 4: indexes for the web app's map, timeline and list.
--
-- Incident rows carry the full incident JSON, so a query that reads rows
-- reads a lot; these covering indexes let the map's counts (by viewport),
-- its cells (summed from a 0.5-degree grid, in index order) and the
-- timeline's day counts read the index alone.
CREATE INDEX incidents_map ON incidents (latitude, longitude, event_type, fatalities_best);
CREATE INDEX incidents_grid ON incidents (
    floor(latitude * 2), floor(longitude * 2), event_type, fatalities_best, latitude, longitude
);
CREATE INDEX incidents_timeline ON incidents (event_date, event_type);
-- The actor filter is a substring match: with the actors in the list order's
-- index, it is checked on index entries, and only matching rows are read.
CREATE INDEX incidents_actors ON incidents (event_date DESC, incident_id, actor1, actor2);
-- An event type (the filter analysts use most) with a date range, in list order.
CREATE INDEX incidents_type_date ON incidents (event_type COLLATE NOCASE, event_date DESC, incident_id);
