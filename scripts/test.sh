#!/usr/bin/env bash
# Installs what the tests need, builds with the test suites, starts PostgreSQL for the tests
# that use it, and runs the whole suite with CTest:
#
#   ./scripts/test.sh [CTEST_ARGS...]      e.g. ./scripts/test.sh -R store
#
# Exits with CTest's status (and fails when no test was found). Environment:
#   HOOKME_BUILD_DIR=build      where to build (relative to the repository root)
#   HOOKME_TEST_POSTGRES=0      do not start PostgreSQL; PostgreSQL tests then skip
#   HOOKME_TEST_PG_HOST=...     use this server as it is, with HOOKME_TEST_PG_PORT, _DB, _USER
#                               and _PASSWORD, instead of starting the local Debian cluster
#
# Tests get QT_QPA_PLATFORM=offscreen and, when PostgreSQL is up, HOOKME_TEST_PG_HOST,
# HOOKME_TEST_PG_PORT, HOOKME_TEST_PG_DB, HOOKME_TEST_PG_USER, HOOKME_TEST_PG_PASSWORD and
# HOOKME_TEST_PG_URL (postgresql://user:password@host:port/db). CI runs this through
# .ci/run as root; as another user, apt-get and PostgreSQL go through `sudo -n`.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

build_dir="${HOOKME_BUILD_DIR:-build}"

warn() {
    echo "test.sh: warning: $*" >&2
}

# Runs a command as root: directly when we are root, else through sudo without a prompt.
as_root() {
    if ((EUID == 0)); then
        "$@"
    else
        sudo -n "$@"
    fi
}

# Runs a command as the postgres system user, from / so that psql need not read our cwd.
as_postgres() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -n -u postgres "$@")
    fi
}

# Starts the Debian PostgreSQL cluster (creating it when missing), makes sure the role and
# database `hookme_test` (password `hookme_test`, password login on 127.0.0.1) exist, and
# exports HOOKME_TEST_PG_*. Never fails: when PostgreSQL cannot be had, it warns and the
# PostgreSQL tests skip.
start_postgres() {
    if [[ "${HOOKME_TEST_POSTGRES:-1}" == 0 ]]; then
        echo "test.sh: HOOKME_TEST_POSTGRES=0: not starting PostgreSQL"
        return 0
    fi
    if [[ -n "${HOOKME_TEST_PG_HOST:-}" ]]; then
        echo "test.sh: using the PostgreSQL server given in HOOKME_TEST_PG_HOST ($HOOKME_TEST_PG_HOST)"
        export HOOKME_TEST_PG_HOST
        export HOOKME_TEST_PG_PORT="${HOOKME_TEST_PG_PORT:-5432}"
        export HOOKME_TEST_PG_DB="${HOOKME_TEST_PG_DB:-hookme_test}"
        export HOOKME_TEST_PG_USER="${HOOKME_TEST_PG_USER:-hookme_test}"
        export HOOKME_TEST_PG_PASSWORD="${HOOKME_TEST_PG_PASSWORD:-hookme_test}"
        export HOOKME_TEST_PG_URL="postgresql://$HOOKME_TEST_PG_USER:$HOOKME_TEST_PG_PASSWORD@$HOOKME_TEST_PG_HOST:$HOOKME_TEST_PG_PORT/$HOOKME_TEST_PG_DB"
        return 0
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
        warn "PostgreSQL is not installed (no pg_ctlcluster/psql); PostgreSQL tests will skip"
        return 0
    fi
    if ((EUID != 0)) && ! sudo -n true 2>/dev/null; then
        warn "not root and no password-less sudo: cannot start PostgreSQL; PostgreSQL tests will skip"
        return 0
    fi

    local version cluster=main line port status
    version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    version="${version:-15}"

    line="$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c')"
    if [[ -z "$line" ]]; then
        echo "test.sh: creating PostgreSQL cluster $version/$cluster"
        if ! as_root pg_createcluster "$version" "$cluster" >/dev/null; then
            warn "pg_createcluster $version $cluster failed; PostgreSQL tests will skip"
            return 0
        fi
        line="$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c')"
    fi
    port="$(awk '{ print $3 }' <<<"$line")"
    status="$(awk '{ print $4 }' <<<"$line")"

    if [[ "$status" != online* ]]; then
        echo "test.sh: starting PostgreSQL cluster $version/$cluster on port $port"
        if ! as_root pg_ctlcluster "$version" "$cluster" start; then
            warn "pg_ctlcluster $version $cluster start failed (see /var/log/postgresql/); PostgreSQL tests will skip"
            return 0
        fi
    else
        echo "test.sh: PostgreSQL cluster $version/$cluster is running on port $port"
    fi

    local ready=0 i
    for ((i = 0; i < 30; i++)); do
        if pg_isready -q -h 127.0.0.1 -p "$port"; then
            ready=1
            break
        fi
        sleep 1
    done
    if ((ready == 0)); then
        warn "PostgreSQL does not answer on 127.0.0.1:$port; PostgreSQL tests will skip"
        return 0
    fi

    # The role and the database; both statements are no-ops when they exist. The password
    # is reset every time so that a role left by someone else still works.
    if ! as_postgres psql -p "$port" -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
SELECT 'CREATE ROLE hookme_test LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hookme_test') \gexec
ALTER ROLE hookme_test LOGIN CREATEDB PASSWORD 'hookme_test';
SELECT 'CREATE DATABASE hookme_test OWNER hookme_test'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'hookme_test') \gexec
SQL
    then
        warn "could not create the role/database hookme_test; PostgreSQL tests will skip"
        return 0
    fi

    # Debian's pg_hba.conf allows password (scram-sha-256) logins on 127.0.0.1; check that
    # the tests will get in the way they connect.
    if ! PGPASSWORD=hookme_test psql -X -q -h 127.0.0.1 -p "$port" -U hookme_test -d hookme_test \
        -c 'SELECT 1' >/dev/null; then
        warn "cannot log in as hookme_test on 127.0.0.1:$port (pg_hba.conf?); PostgreSQL tests will skip"
        return 0
    fi

    export HOOKME_TEST_PG_HOST=127.0.0.1
    export HOOKME_TEST_PG_PORT="$port"
    export HOOKME_TEST_PG_DB=hookme_test
    export HOOKME_TEST_PG_USER=hookme_test
    export HOOKME_TEST_PG_PASSWORD=hookme_test
    export HOOKME_TEST_PG_URL="postgresql://hookme_test:hookme_test@127.0.0.1:$port/hookme_test"
    echo "test.sh: PostgreSQL ready: $HOOKME_TEST_PG_URL"
}

scripts/install-deps.sh --build
scripts/build.sh "$build_dir" -- -DHOOKME_BUILD_TESTS=ON
start_postgres

export QT_QPA_PLATFORM=offscreen

# The tests use ephemeral ports and their own temporary directories, so two run at once.
# --timeout is the default for tests that set no TIMEOUT property of their own.
echo "test.sh: ctest --test-dir $build_dir --output-on-failure -j2 --timeout 600 --no-tests=error $*"
exec ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 600 --no-tests=error "$@"
