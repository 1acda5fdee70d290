-- corroborate PostgreSQL store, schema version 2: what optional extensions add.
--
-- pg_trgm (contrib) gives the actor filter, a substring match, trigram
-- indexes; PostGIS gives incidents a geography point with a spatial index,
-- for candidate lookups by distance. Neither is required: an extension that
-- is missing, or that this role may not create, is skipped with a notice and
-- the store works without it. The store runs this file again when it opens
-- a store that has no geography column in a database that has PostGIS now,
-- so it must stay idempotent.
DO $migration$
DECLARE
    ext_schema text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm') THEN
        IF EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
            BEGIN
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'corroborate: pg_trgm not created (%); working without it', SQLERRM;
            END;
        END IF;
    END IF;
    SELECT n.nspname INTO ext_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format(
            'CREATE INDEX IF NOT EXISTS incidents_actor1_trgm ON incidents'
            ' USING gin (actor1_fold %I.gin_trgm_ops)', ext_schema);
        EXECUTE format(
            'CREATE INDEX IF NOT EXISTS incidents_actor2_trgm ON incidents'
            ' USING gin (actor2_fold %I.gin_trgm_ops)', ext_schema);
    END IF;

    ext_schema := NULL;
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'postgis') THEN
        IF EXISTS (SELECT FROM pg_available_extensions WHERE name = 'postgis') THEN
            BEGIN
                CREATE EXTENSION IF NOT EXISTS postgis;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'corroborate: PostGIS not created (%); working without it', SQLERRM;
            END;
        END IF;
    END IF;
    SELECT n.nspname INTO ext_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'postgis';
    IF ext_schema IS NOT NULL AND NOT EXISTS (
        SELECT FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'incidents'
          AND column_name = 'geog'
    ) THEN
        EXECUTE format('ALTER TABLE incidents ADD COLUMN geog %I.geography(Point, 4326)',
                       ext_schema);
        EXECUTE format(
            'UPDATE incidents SET geog = %1$I.ST_SetSRID(%1$I.ST_MakePoint(longitude, latitude),'
            ' 4326)::%1$I.geography'
            ' WHERE latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180',
            ext_schema);
        CREATE INDEX IF NOT EXISTS incidents_geog ON incidents USING gist (geog);
    END IF;
END
$migration$;
