"""The demo prefecture with a hostile value in every name and free-text field, for
``test_hostile.py``. Run ``manage.py shell -c "import tests.browser.hostile_seed as s; s.run()"``.

Each value is markup that runs script if a page ever puts it into HTML unescaped: an
``onerror``/``onload`` handler that sets ``window.__xss`` to the name of the field it came from,
or a ``</script>`` that would end a JSON script early. The facts the test needs (a short code
at the officer's site, a pass, a site) go to ``hostile.json`` in the data directory.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from fangkong.command.services import analysis_report_save
from fangkong.demo.loader import demo_load
from fangkong.org.models import Staff, Unit
from fangkong.passes.services import DriverData, PassApplication, vehicle_pass_apply
from fangkong.registration.models import Person, Registration, TravelGroup
from fangkong.roster.models import Leave
from fangkong.screening.models import Check, Policy, RiskArea
from fangkong.sites.models import Site, SitePhoto, SiteStatusChange

# Breaks out of text, of a double-quoted attribute and of a script element respectively.
FORMS = (
    "<img src=x onerror=__xss='{}'>",
    "\"><svg onload=__xss='{}'>",
    "</script><img src=x onerror=__xss='{}'>",
)

# Free-text columns and where they show: names on every page, notes and reasons on details.
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Unit: ("name", "short_name"),
    Staff: ("name", "position"),
    Site: ("name", "address", "notes"),
    SiteStatusChange: ("reason",),
    SitePhoto: ("caption",),
    # What was declared stays on the record that carried it (encrypted; no length limit).
    Registration: ("name", "contact_name"),
    Person: ("verified_name",),
    TravelGroup: ("destination", "purpose", "cargo"),
    Check: ("name", "note", "override_reason"),
    Policy: ("note",),
}
# What a citizen types into a registration beyond their identity.
DECLARED_TEXT = ("building", "door", "address", "employer")


def hostile(tag: str, max_length: int | None = None, form: int = 0) -> str:
    value = FORMS[form % len(FORMS)].format(tag)
    assert max_length is None or len(value) <= max_length, (tag, value)
    return value


def _overwrite_columns() -> None:
    for n, (model, names) in enumerate(FIELDS.items()):
        for m, name in enumerate(names):
            field = model._meta.get_field(name)
            tag = f"{model.__name__[:5].lower()}.{name[:6]}"
            model.objects.update(**{name: hostile(tag, field.max_length, n + m)})
    user_model = get_user_model()
    user_model.objects.update(first_name=hostile("user.first", 150), last_name="")


def _overwrite_declarations() -> None:
    for registration in Registration.objects.all():
        declared = dict(registration.declared)
        for key in DECLARED_TEXT:
            if isinstance(declared.get(key), str):
                declared[key] = hostile(f"decl.{key[:7]}", form=len(key))
        registration.declared = declared
        registration.save(update_fields=["declared"])


def _add_records(officer_site: Site) -> dict[str, Any]:
    today = timezone.localdate()
    brigade = officer_site.unit
    while brigade.parent_id is not None and brigade.kind != "brigade":
        brigade = brigade.parent
    application = PassApplication(
        company=hostile("pass.company", 100),
        contact_name=hostile("pass.contact", 50, 1),
        contact_phone="13900001111",
        plate="甘G12345",
        vehicle_kind="truck",
        cargo_kind="medical",
        route=hostile("pass.route", 200, 2),
        valid_from=today,
        valid_to=today + timedelta(days=3),
        unit_id=brigade.pk,
        drivers=(DriverData(hostile("pass.driver", 50), "passport", "E12345678", "13900002222"),),
    )
    vehicle_pass, _created = vehicle_pass_apply(
        application=application, submission_key="hostile-seed-pass-0001"
    )
    RiskArea.objects.create(
        division_code="420100",
        name=hostile("risk.name", 100),
        level="high",
        effective_from=today - timedelta(days=1),
        source=hostile("risk.source", 200, 1),
    )
    officer = Staff.objects.get(user__username="officer")
    Leave.objects.create(
        staff=officer,
        starts_on=today + timedelta(days=2),
        ends_on=today + timedelta(days=3),
        kind="leave",
        note=hostile("leave.note", 200, 2),
    )
    commander = get_user_model().objects.select_related("staff__unit").get(username="commander")
    report = analysis_report_save(
        user=commander, unit=commander.staff.unit, day=today, remarks=hostile("report.remark")
    )
    return {
        "report": f"/command/reports/{report.unit_id}/{today.isoformat()}/",
        "pass_id": vehicle_pass.pk,
        "vehicle_pass_token": vehicle_pass.token,
    }


def run() -> None:
    demo_load(checks=200)
    officer = Staff.objects.select_related("unit").get(user__username="officer")
    site = (
        Site.objects.filter(staff=officer).order_by("code").first()
        or Site.objects.filter(unit__path__startswith=officer.unit.path).order_by("code").first()
    )
    registration = (
        Registration.objects.filter(site=site, valid_until__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    facts = _add_records(site)
    _overwrite_columns()
    _overwrite_declarations()
    facts |= {
        "officer_site": site.pk,
        "site_code": site.code,
        "kind": registration.kind,
        "short_code": registration.short_code,
        "pass_token": registration.pass_token,
        "check_id": Check.objects.filter(site=site).order_by("-pk").first().pk,
    }
    (settings.DATA_DIR / "hostile.json").write_text(json.dumps(facts))
