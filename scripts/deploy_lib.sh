# Shared by scripts/deploy_check.sh and scripts/upgrade_check.sh (sourced, not run).
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=${REPO:-$ROOT}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PYTHON=$("$ROOT/.venv/bin/python" -c 'import sys; print(sys._base_executable)')
PURELIB=$("$ROOT/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
RUN_ID=$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fangkong-check.XXXXXX")
PIDS=()
DATABASES=()
ROLES=()

cleanup() {
    local pid db role
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    for db in "${DATABASES[@]}"; do
        psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    for role in "${ROLES[@]}"; do
        psql -q "$PG_ADMIN_URL" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# The service user (`sudo -u fangkong` in the docs): this user, or when that is root an
# unprivileged uid in a user namespace, so that deploy/manage's refusal of root holds.
as_service() {
    if [ "$(id -u)" -eq 0 ]; then
        unshare --user --map-user=1000 --map-group=1000 -- "$@"
    else
        "$@"
    fi
}

exec_as_service() {
    if [ "$(id -u)" -eq 0 ]; then
        exec unshare --user --map-user=1000 --map-group=1000 -- "$@"
    fi
    exec "$@"
}

say() { printf "\n== [%3d s] %s\n" "$SECONDS" "$*"; }

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

random_hex() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# docs/deploy.md section 1 in directory $1 (the app's): venv and pip. The new virtualenv sees
# the project's installed packages through a .pth file and pip runs with PIP_NO_INDEX=1, so
# `pip install -r requirements.txt` checks them and downloads nothing.
venv_install() {
    as_service "$PYTHON" -m venv .venv
    local venv_purelib
    venv_purelib=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$PURELIB" >"$venv_purelib/fangkong-check.pth"
    pip_install
}

pip_install() {
    as_service env PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
        .venv/bin/pip install --quiet -r requirements.txt
}

# docs/deploy.md section 2: a role with a password owning a new database, whose URL goes into
# PG_DATABASE_URL (not printed: a subshell would lose what cleanup must remove).
pg_database() {
    local name=$1 role="fk_check_${RUN_ID}" password
    password=$(random_hex)
    if [ "${#ROLES[@]}" -eq 0 ]; then
        psql -q "$PG_ADMIN_URL" -c "DROP ROLE IF EXISTS $role" >/dev/null
        psql -q "$PG_ADMIN_URL" -c "CREATE ROLE $role LOGIN PASSWORD '$password'" >/dev/null
        ROLES+=("$role")
    else
        psql -q "$PG_ADMIN_URL" -c "ALTER ROLE $role PASSWORD '$password'" >/dev/null
    fi
    DATABASES+=("$name")
    createdb --maintenance-db="$PG_ADMIN_URL" "$name" --owner "$role" --encoding UTF8
    local host
    host=$("$PYTHON" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.hostname}:{p.port or 5432}")' "$PG_ADMIN_URL")
    PG_DATABASE_URL="postgres://$role:$password@$host/$name"
}

# docs/deploy.md section 2 with its two roles: the owner, who runs the migrations, and the
# application's role, which may only insert into and read the audit log. Sets PG_OWNER_URL and
# PG_APP_URL for a new database owned by the owner.
pg_owner_and_app() {
    local name=$1 owner="fk_check_${RUN_ID}_owner" app="fk_check_${RUN_ID}_app"
    local owner_password app_password host
    owner_password=$(random_hex)
    app_password=$(random_hex)
    for role in "$owner" "$app"; do
        psql -q "$PG_ADMIN_URL" -c "DROP ROLE IF EXISTS $role" >/dev/null
    done
    psql -q "$PG_ADMIN_URL" -c "CREATE ROLE $owner LOGIN PASSWORD '$owner_password'" >/dev/null
    psql -q "$PG_ADMIN_URL" -c "CREATE ROLE $app LOGIN PASSWORD '$app_password'" >/dev/null
    ROLES+=("$app" "$owner")
    DATABASES+=("$name")
    createdb --maintenance-db="$PG_ADMIN_URL" "$name" --owner "$owner" --encoding UTF8
    host=$("$PYTHON" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.hostname}:{p.port or 5432}")' "$PG_ADMIN_URL")
    PG_OWNER_URL="postgres://$owner:$owner_password@$host/$name"
    PG_APP_URL="postgres://$app:$app_password@$host/$name"
    PG_APP_ROLE=$app
}

# The SQL block of docs/deploy.md that grants the application's role its rights (the one
# tests/core/test_audit_postgres.py applies too), for role $1.
docs_grants() {
    sed -n '/<!-- audit-grants/,/^```$/p' "$ROOT/docs/deploy.md" | sed -e '1,2d' -e '$d' |
        sed "s/fangkong_app/$1/g"
}

pg_reachable() { "$ROOT/.venv/bin/python" "$ROOT/scripts/pg_reachable.py" "$PG_ADMIN_URL"; }

# Runs the caller's function `leg` once for each leg named in the arguments (sqlite, postgres);
# the PostgreSQL leg is skipped, with a word, when the server does not answer.
run_legs() {
    local kind
    for kind in "$@"; do
        case $kind in
        sqlite) leg sqlite ;;
        postgres)
            if pg_reachable; then
                leg postgres
            else
                echo "PostgreSQL at $PG_ADMIN_URL is not reachable: skipping the PostgreSQL leg."
            fi
            ;;
        *)
            echo "unknown leg: $kind (sqlite, postgres)" >&2
            exit 2
            ;;
        esac
    done
}
