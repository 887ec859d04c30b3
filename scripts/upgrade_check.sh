#!/usr/bin/env bash
# Upgrades a database made by an earlier release with the steps of docs/deploy.md section 8,
# on SQLite and on PostgreSQL: the earlier code migrates a fresh database and loads the demo
# prefecture into it, then `git pull`, pip, compilemessages, collectstatic, migrate (in that
# order) bring the code and the schema to this checkout's HEAD; no migration may be left, the
# rows must still be there and the stored ID numbers must still decrypt.
# Usage: scripts/upgrade_check.sh [sqlite] [postgres]; OLD_REF (default 5d3ff43) is the
# earlier release. The earlier code runs in development mode (its demo data needs it); paths,
# service user and pip are handled as in scripts/deploy_check.sh.
set -euo pipefail

# shellcheck source=scripts/deploy_lib.sh
. "$(dirname "$0")/deploy_lib.sh"
LEGS=${*:-sqlite postgres}
OLD_REF=${OLD_REF:-5d3ff43}

# The earlier release's demo has no vehicle passes, and passes have since moved to their own
# app (fangkong/passes, state-only migrations keeping the table): one approved pass made by the
# earlier code must come through the upgrade with its encrypted contact phone readable.
SEED_PASS='
import datetime
from fangkong.org.models import Unit
from fangkong.screening.models import VehiclePass
today = datetime.date.today()
VehiclePass.objects.create(
    number="TX-UPGRADE-1", token="u" * 43, company="甘州区蔬菜批发有限公司",
    contact_name="王建国", contact_phone="+8613809360001", plate="甘G3M207",
    vehicle_kind="truck", cargo_kind="living", route="甘州区—临泽县",
    valid_from=today, valid_to=today + datetime.timedelta(days=7),
    unit=Unit.objects.order_by("pk").first(), status="approved",
)
'

# Counts of what an upgrade must keep, and decrypted checksums as proof that the keys still
# read what the earlier code wrote.
SNAPSHOT='
import hashlib, json
from fangkong.org.models import Staff, Unit
from fangkong.registration.models import Registration
from fangkong.screening.models import Check
try:
    from fangkong.passes.models import VehiclePass
except ImportError:  # the earlier release kept passes in screening
    from fangkong.screening.models import VehiclePass
staff = next(s for s in Staff.objects.order_by("pk")[:50] if s.phone)
upgrade_pass = VehiclePass.objects.get(number="TX-UPGRADE-1")
print(json.dumps({
    "units": Unit.objects.count(), "staff": Staff.objects.count(),
    "registrations": Registration.objects.count(), "checks": Check.objects.count(),
    "passes": VehiclePass.objects.count(),
    "phone": hashlib.sha256(staff.phone.encode()).hexdigest(),
    "pass": [upgrade_pass.status, upgrade_pass.plate,
             hashlib.sha256(upgrade_pass.contact_phone.encode()).hexdigest()],
}, sort_keys=True))
'

leg() {
    local kind=$1 started=$SECONDS
    local srv="$WORK/$kind/srv/fangkong"
    local env_file="$WORK/$kind/fangkong.env"
    mkdir -p "$srv"
    install -d -m 0700 "$srv/var"

    say "$kind: the earlier release ($OLD_REF) on a new database"
    as_service git -c safe.directory='*' clone --quiet "$REPO" "$srv/app"
    cd "$srv/app"
    as_service git reset --quiet --hard "$OLD_REF"
    venv_install
    {
        echo "FANGKONG_ENV=development"
        echo "FANGKONG_DATA_DIR=$srv/var"
        if [ "$kind" = postgres ]; then
            pg_database "fk_check_${RUN_ID}_upgrade"
            echo "FANGKONG_DATABASE_URL=$PG_DATABASE_URL"
        fi
    } >"$env_file"
    chmod 0600 "$env_file"
    old() { (set -a && . "$env_file" && set +a && as_service .venv/bin/python manage.py "$@"); }
    old migrate -v 0
    old demo_load --checks 200 >/dev/null
    old shell -v 0 -c "$SEED_PASS"
    local before after
    before=$(old shell -v 0 -c "$SNAPSHOT" | tail -1)
    echo "before: $before"

    say "$kind: upgrade, in the documented order"
    export ENV_FILE="$env_file"
    as_service git -c safe.directory='*' pull --quiet --ff-only
    pip_install
    as_service deploy/manage compilemessages --ignore=.venv -v 0
    as_service deploy/manage collectstatic --no-input -v 0
    as_service deploy/manage migrate -v 0

    say "$kind: after the upgrade"
    as_service deploy/manage migrate --check
    as_service deploy/manage check
    after=$(as_service deploy/manage shell -v 0 -c "$SNAPSHOT" | tail -1)
    echo "after:  $after"
    if [ "$before" != "$after" ]; then
        echo "the upgrade changed the data" >&2
        return 1
    fi
    cd "$ROOT"
    say "$kind: passed in $((SECONDS - started)) s"
}

# shellcheck disable=SC2086 # the legs are words
run_legs $LEGS
echo "upgrade_check: passed ($LEGS) from $OLD_REF in $SECONDS s"
