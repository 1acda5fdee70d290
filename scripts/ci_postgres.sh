#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for corroborate's store
# tests and print the URL to use (the only thing written to stdout).
#
#   export CORROBORATE_TEST_PG_URL="$(bash scripts/ci_postgres.sh)"
#   bash scripts/ci_postgres.sh stop      # stop it again
#
# Idempotent: it installs PostgreSQL from Debian's packages (with contrib and,
# when Debian has it, PostGIS) only when missing; when its server already
# answers it keeps it, otherwise it makes a new cluster in a temporary folder
# (throwing away what a stopped or killed one left there) and starts it; it
# creates the role and database only when they do not exist. Run it as root
# (CI and the development machines are) or as the owner of the folder.
#
# Settings (environment):
#   CORROBORATE_PG_PORT     port on 127.0.0.1 (default 5433)
#   CORROBORATE_PG_DIR      cluster folder (default /tmp/corroborate-pg-PORT)
#   CORROBORATE_PG_POSTGIS  0 to skip installing PostGIS (default 1)
#
# The cluster is for tests only: fsync is off, and it listens on 127.0.0.1.
set -euo pipefail

PORT="${CORROBORATE_PG_PORT:-5433}"
ROOT="${CORROBORATE_PG_DIR:-/tmp/corroborate-pg-$PORT}"
DATA="$ROOT/data"
ROLE=corroborate
PASSWORD=corroborate
DB=corroborate_test
WANT_POSTGIS="${CORROBORATE_PG_POSTGIS:-1}"
URL="postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"

log() { echo "ci_postgres: $*" >&2; }
die() { log "error: $*"; exit 1; }

pg_bin() {
    # The newest installed server's bin folder.
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$dir" && -x "$dir/pg_ctl" ]] && echo "$dir"
}

pg_major() { basename "$(dirname "$1")"; }

as_owner() {
    # Run a server command as the postgres user when we are root.
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

postgis_installed() {
    local major=$1
    compgen -G "/usr/share/postgresql/$major/extension/postgis.control" >/dev/null
}

install_packages() {
    local bin major
    bin=$(pg_bin || true)
    if [[ -n "$bin" ]]; then
        major=$(pg_major "$bin")
        if [[ -e "/usr/share/postgresql/$major/extension/pg_trgm.control" ]]; then
            if [[ "$WANT_POSTGIS" == 0 ]] || postgis_installed "$major"; then
                return 0
            fi
            if [[ $(id -u) -ne 0 ]]; then
                log "PostGIS is not installed (and this is not root); the store works without it"
                return 0
            fi
        fi
    fi
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and this is not root: apt-get install postgresql postgresql-contrib"
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql postgresql-contrib >&2
    bin=$(pg_bin) || die "PostgreSQL was installed but no pg_ctl was found under /usr/lib/postgresql"
    major=$(pg_major "$bin")
    if [[ "$WANT_POSTGIS" != 0 ]] && ! postgis_installed "$major"; then
        local candidate
        candidate=$(apt-cache policy "postgresql-$major-postgis-3" 2>/dev/null |
            awk '/Candidate:/ {print $2}' || true)
        if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then
            apt-get install -y -qq "postgresql-$major-postgis-3" >&2 ||
                log "warning: PostGIS did not install; the store works without it"
        else
            log "PostGIS is not packaged for PostgreSQL $major here; the store works without it"
        fi
    fi
}

stop_server() {
    local bin
    bin=$(pg_bin) || exit 0
    if [[ -f "$DATA/PG_VERSION" ]] && as_owner "$bin/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" stop -D "$DATA" -m fast -w >&2
    fi
}

if [[ "${1:-}" == "stop" ]]; then
    stop_server
    exit 0
fi

install_packages
BIN=$(pg_bin) || die "no PostgreSQL server found"

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 >/dev/null 2>&1; }

if ready && [[ -f "$DATA/PG_VERSION" ]]; then
    log "PostgreSQL already runs on 127.0.0.1:$PORT"
else
    # Nothing answers: whatever is left in the folder (a stopped or killed
    # server's cluster, stale lock files) is thrown away and made anew.
    if [[ -f "$DATA/PG_VERSION" ]]; then
        as_owner "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 10 >/dev/null 2>&1 || true
    fi
    if [[ -e "$ROOT" ]]; then
        [[ -z "$(ls -A "$ROOT")" || -f "$DATA/PG_VERSION" ]] ||
            die "$ROOT exists and is not a cluster made by this script; remove it or set CORROBORATE_PG_DIR"
        rm -rf "$ROOT"
    fi
    log "creating a cluster in $DATA"
    mkdir -p "$ROOT"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres:postgres "$ROOT"
    fi
    chmod 700 "$ROOT"
    locale_arg=(--locale=C.UTF-8)
    if ! locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
        locale_arg=(--locale=C)
    fi
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 "${locale_arg[@]}" \
        --auth-local=trust --auth-host=scram-sha-256 >"$ROOT/initdb.log" 2>&1 ||
        { cat "$ROOT/initdb.log" >&2; die "initdb failed"; }
    # Loopback only, the socket in the cluster folder; durability is not needed.
    log "starting PostgreSQL $(pg_major "$BIN") on 127.0.0.1:$PORT"
    if ! as_owner "$BIN/pg_ctl" start -D "$DATA" -w -t 60 -l "$ROOT/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" >&2; then
        tail -n 20 "$ROOT/server.log" >&2 || true
        die "PostgreSQL did not start (is port $PORT taken by another program?)"
    fi
fi

psql_admin() {
    PGOPTIONS="-c client_min_messages=warning" as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$ROOT" -p "$PORT" -U postgres "$@"
}

# The role and the database, and the extensions the store can use.
psql_admin -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    ELSE
        ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DB OWNER $ROLE ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB') \gexec
SQL

psql_admin -d "$DB" >&2 <<SQL
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
SELECT 'CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public'
WHERE EXISTS (SELECT FROM pg_available_extensions WHERE name = 'postgis') \gexec
SQL

if psql_admin -d "$DB" -tA -c "SELECT extversion FROM pg_extension WHERE extname = 'postgis'" | grep -q .; then
    log "PostGIS is available"
else
    log "PostGIS is not available; the store works without it"
fi

ready || die "PostgreSQL does not answer on 127.0.0.1:$PORT"
echo "$URL"
