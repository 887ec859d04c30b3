#!/usr/bin/env bash
# Follows docs/deploy.md, sections 1 to 5, in a throw-away directory: from a clone of the
# repository to the first commander logged in on the dashboard through gunicorn, with SQLite
# and with PostgreSQL. Usage: scripts/deploy_check.sh [sqlite] [postgres]  (both by default).
#
# What differs from a real host, and only that:
# - paths: /srv/fangkong, /etc/fangkong and /run/fangkong live under the throw-away directory;
# - the service user: the user running this script, or (when that is root) an unprivileged
#   uid in a user namespace, instead of `sudo -u fangkong`; root itself is checked to be
#   refused by deploy/manage;
# - pip: the new virtualenv sees the packages of the project's own .venv (a .pth file), and
#   `pip install -r requirements.txt` runs with PIP_NO_INDEX=1: it checks, downloads nothing;
# - PostgreSQL and Redis: a database, its two roles (owner and application) and a Redis with
#   a password of this run's own (PG_ADMIN_URL, default
#   postgres://postgres@127.0.0.1:5432/postgres), removed at the end;
# - gunicorn and a job worker run the ExecStart lines of deploy/systemd/fangkong.service and
#   fangkong-worker@.service under the same environment (the env file, TZ), without systemd;
#   no nginx: requests carry the Host and X-Forwarded-Proto headers that nginx sets
#   (scripts/deploy_login.py).
set -euo pipefail

# shellcheck source=scripts/deploy_lib.sh
. "$(dirname "$0")/deploy_lib.sh"
LEGS=${*:-sqlite postgres}
PUBLIC_HOST=fangkong.example.gov.cn
STAFF_HOST=staff.fangkong.example.gov.cn
UNIT_NAME=张掖市公安局交警支队
PASSWORD=Deploy-check-first-2026

start_redis() {
    # Section 2: Redis with a password.
    REDIS_PASSWORD=$(random_hex)
    local port
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --requirepass "$REDIS_PASSWORD" \
        --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
    PIDS+=($!)
    CACHE_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$port/1"
}

wait_for_health() {
    local url=$1 log=$2
    for _ in $(seq 1 150); do
        if curl -fsS -o /dev/null -H "Host: $STAFF_HOST" "$url/healthz" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    cat "$log" >&2
    return 1
}

# The ExecStart line of a systemd unit, with the unit's TZ and the env file, without systemd:
# run_unit UNIT ENV_FILE SRV RUN PORT (paths and the port moved into the throw-away directory).
run_unit() {
    local unit=$1 env_file=$2 srv=$3 run=$4 port=$5 exec_start tz
    exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" |
        sed -e 's/^ExecStart=//' -e 's/\\$//' | tr '\n' ' ')
    exec_start=${exec_start//\/srv\/fangkong\/app/$srv/app}
    exec_start=${exec_start//\/run\/fangkong/$run}
    exec_start=${exec_start//127.0.0.1:8000/127.0.0.1:$port}
    exec_start=${exec_start//%H-%i/check-1}
    tz=$(sed -n 's/^Environment=TZ=//p' "$unit")
    (
        set -a
        . "$env_file"
        set +a
        export TZ=$tz
        # shellcheck disable=SC2086 # the ExecStart line, word-split as systemd does
        exec_as_service $exec_start
    )
}

leg() {
    local kind=$1 started=$SECONDS
    local base="$WORK/$kind"
    local srv="$base/srv/fangkong" etc="$base/etc/fangkong" run="$base/run/fangkong"
    local database_url="" owner_url=""

    say "$kind: 1. packages and the service user"
    mkdir -p "$srv" "$run"
    install -d -m 0700 "$srv/var" "$etc"
    as_service git -c safe.directory='*' clone --quiet "$REPO" "$srv/app"
    cd "$srv/app"
    venv_install

    say "$kind: 2. database and Redis"
    if [ "$kind" = postgres ]; then
        pg_owner_and_app "fk_check_${RUN_ID}_deploy"
        database_url=$PG_APP_URL
        owner_url=$PG_OWNER_URL
    fi
    CACHE_URL=""
    if command -v redis-server >/dev/null; then start_redis; else echo "no redis-server: no cache"; fi

    say "$kind: 3. configuration"
    local env_file="$etc/fangkong.env"
    as_service .venv/bin/python manage.py deployconfig --out "$env_file" \
        --host "$PUBLIC_HOST" --staff-host "$STAFF_HOST" --data-dir "$srv/var" \
        ${database_url:+--database-url "$database_url"} ${CACHE_URL:+--cache-url "$CACHE_URL"}
    as_service .venv/bin/python manage.py deployconfig --check "$env_file"
    test "$(stat -c %a "$env_file")" = 600

    say "$kind: 4. first start"
    export ENV_FILE="$env_file"
    if [ "$(id -u)" -eq 0 ] && deploy/manage check >/dev/null 2>&1; then
        echo "deploy/manage ran as root" >&2
        return 1
    fi
    as_service deploy/manage compilemessages --ignore=.venv -v 0
    as_service deploy/manage collectstatic --no-input -v 0
    if [ -n "$owner_url" ]; then
        # Migrations as the owner, then the grants of section 2 for the application's role.
        as_service env FANGKONG_DATABASE_URL="$owner_url" deploy/manage migrate -v 0
        docs_grants "$PG_APP_ROLE" | psql -q -v ON_ERROR_STOP=1 "$owner_url" >/dev/null
    else
        as_service deploy/manage migrate -v 0
    fi
    as_service deploy/manage check --deploy --fail-level WARNING
    as_service env FANGKONG_BOOTSTRAP_PASSWORD="$PASSWORD" deploy/manage bootstrap \
        --division 620700 --unit-name "$UNIT_NAME" --username zhang.wei --name 张伟 --badge 620001
    as_service env FANGKONG_BOOTSTRAP_PASSWORD="$PASSWORD" deploy/manage bootstrap \
        --division 620700 --unit-name "$UNIT_NAME" --username zhang.wei --name 张伟 --badge 620001
    test "$(stat -c %a "$srv/var")" = 700

    say "$kind: 5. the application and a job worker as their units run them"
    local port log="$base/gunicorn.log"
    port=$(free_port)
    run_unit deploy/systemd/fangkong-worker@.service "$env_file" "$srv" "$run" "$port" \
        >"$base/worker.log" 2>&1 &
    PIDS+=($!)
    run_unit deploy/systemd/fangkong.service "$env_file" "$srv" "$run" "$port" >"$log" 2>&1 &
    PIDS+=($!)
    wait_for_health "http://127.0.0.1:$port" "$log"
    local said request_id
    said=$("$PYTHON" "$ROOT/scripts/deploy_login.py" "http://127.0.0.1:$port" \
        "$STAFF_HOST" zhang.wei "$PASSWORD" "$UNIT_NAME")
    echo "$said"
    request_id=$(echo "$said" | tail -1)
    # The application's JSON line of that request, found by the id the response carried.
    if ! grep -q "\"request_id\": \"$request_id\"" "$log"; then
        echo "no JSON log line with request id $request_id" >&2
        cat "$log" >&2
        return 1
    fi
    kill "${PIDS[-1]}" "${PIDS[-2]}"
    wait "${PIDS[-1]}" "${PIDS[-2]}" 2>/dev/null || true
    cd "$ROOT"
    say "$kind: passed in $((SECONDS - started)) s"
}

# shellcheck disable=SC2086 # the legs are words
run_legs $LEGS
echo "deploy_check: passed ($LEGS) in $SECONDS s"
