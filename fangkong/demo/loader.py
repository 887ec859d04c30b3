"""Writing the demo prefecture into the database: in one transaction, in batches, audited.

:func:`demo_load` builds the specs of :mod:`fangkong.demo.prefecture` and runs the demo
*layers* in order, each writing one part of the demo with ``bulk_create``. A layer is a
function taking the :class:`DemoContext`; it finds the rows written by earlier layers through
the context's id maps (unit code, username, badge number, site code → primary key) and adds
its own. Later parts of the demo (registrations, checks, rosters) register further layers
with :func:`demo_layer`::

    @demo_layer("registrations")
    def load_registrations(ctx: DemoContext) -> None: ...

``bulk_create`` still runs each field's ``pre_save``, so the encrypted phone and its blind
index are written exactly as ``save()`` writes them.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.demo.people import NameGenerator, PhoneGenerator
from fangkong.demo.prefecture import DEFAULT_SEED, LOGINS, RESPONSE_DAYS, Prefecture, build
from fangkong.org.choices import RoleCode
from fangkong.org.models import Role, Staff, Unit
from fangkong.sites.models import Site, SiteAssignment, SiteStatusChange

BATCH_SIZE = 500


class DemoLoadRefused(Exception):
    """The demo was not loaded; ``code`` is ``production`` or ``not_empty``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class DemoContext:
    """What the layers of one load share."""

    prefecture: Prefecture
    now: datetime
    start: datetime  # when the epidemic response began: ``RESPONSE_DAYS`` days before now
    batch_size: int = BATCH_SIZE
    seed: int = DEFAULT_SEED
    checks: int = 0  # synthetic checks over the last week, for the dashboards
    role_ids: dict[str, int] = field(default_factory=dict)
    unit_ids: dict[str, int] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    staff_ids: dict[str, int] = field(default_factory=dict)
    site_ids: dict[str, int] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def at(self, after: timedelta) -> datetime:
        """The moment ``after`` the response began."""
        return self.start + after

    def bulk_create(self, model: Any, objects: Iterable[Any], *, label: str) -> None:
        rows = list(objects)
        model.objects.bulk_create(rows, batch_size=self.batch_size)
        self.counts[label] += len(rows)


DemoLayer = Callable[[DemoContext], None]
LAYERS: dict[str, DemoLayer] = {}


def demo_layer(name: str) -> Callable[[DemoLayer], DemoLayer]:
    """Register a layer under ``name``; layers run in the order they were registered."""

    def register(layer: DemoLayer) -> DemoLayer:
        if name in LAYERS:
            raise ValueError(f"demo layer {name!r} is registered twice")
        LAYERS[name] = layer
        return layer

    return register


@dataclass(frozen=True)
class DemoLoadResult:
    loaded: bool
    seed: int
    counts: dict[str, int]
    seconds: float


def demo_is_loaded() -> bool:
    """Whether the database already holds units (the demo's or anyone's) or demo logins."""
    demo_users = get_user_model().objects.filter(username__in=LOGINS)
    return Unit.objects.exists() or demo_users.exists()


def demo_load(
    *,
    actor: Any = None,
    seed: int = DEFAULT_SEED,
    if_empty: bool = False,
    force: bool = False,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    checks: int = 0,
) -> DemoLoadResult:
    """Load the demo prefecture into an empty database.

    ``checks`` synthetic checks over the last week give the dashboards and reports their
    figures. Refuses in production unless ``force``; with ``if_empty`` a database that already has
    units is left alone (``loaded`` is False), otherwise it is refused.
    """
    started = time.perf_counter()
    if settings.PRODUCTION and not force:
        raise DemoLoadRefused(
            "production",
            _("This is a production installation: demo data is not loaded into it."),
        )
    with transaction.atomic():
        if demo_is_loaded():
            if if_empty:
                return DemoLoadResult(False, seed, {}, time.perf_counter() - started)
            raise DemoLoadRefused(
                "not_empty",
                _("The database already has units or demo logins: the demo needs an empty one."),
            )
        ctx = _context(build(seed=seed), now or timezone.now(), batch_size)
        ctx.seed, ctx.checks = seed, checks
        for layer in LAYERS.values():
            layer(ctx)
        counts = dict(sorted(ctx.counts.items()))
        audit_record(actor=actor, action="demo.load", extra={"seed": seed, "counts": counts})
    return DemoLoadResult(True, seed, counts, time.perf_counter() - started)


def _context(prefecture: Prefecture, now: datetime, batch_size: int) -> DemoContext:
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(days=RESPONSE_DAYS)
    return DemoContext(prefecture=prefecture, now=now, start=start, batch_size=batch_size)


@demo_layer("org")
def load_units(ctx: DemoContext) -> None:
    """Roles (created if missing), then units one level at a time, parents first."""
    existing = set(Role.objects.values_list("code", flat=True))
    ctx.bulk_create(Role, (Role(code=code) for code in RoleCode.values if code not in existing),
                    label="roles")  # fmt: skip
    ctx.role_ids = dict(Role.objects.values_list("code", "id"))
    by_depth: dict[int, list[Any]] = {}
    for spec in ctx.prefecture.units:
        by_depth.setdefault(spec.path.count("/"), []).append(spec)
    for depth in sorted(by_depth):
        units = [
            Unit(
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                parent_id=ctx.unit_ids[spec.parent_code] if spec.parent_code else None,
                path=spec.path,
                division_code=spec.division_code,
                sort_order=spec.sort_order,
            )
            for spec in by_depth[depth]
        ]
        ctx.bulk_create(Unit, units, label="units")
        codes = [spec.code for spec in by_depth[depth]]
        ctx.unit_ids.update(Unit.objects.filter(code__in=codes).values_list("code", "id"))


@demo_layer("logins")
def load_logins(ctx: DemoContext) -> None:
    """The demo users. The password is hashed once: hashing is slow by design."""
    password = make_password(settings.DEMO_PASSWORD)
    user_model = get_user_model()
    users = []
    for username in LOGINS:
        person = ctx.prefecture.login_staff(username)
        users.append(
            user_model(
                username=username,
                first_name=person.given_name,
                last_name=person.surname,
                password=password,
            )
        )
    ctx.bulk_create(user_model, users, label="users")
    ctx.user_ids = dict(
        user_model.objects.filter(username__in=LOGINS).values_list("username", "id")
    )


@demo_layer("staff")
def load_staff(ctx: DemoContext) -> None:
    specs = ctx.prefecture.staff
    ctx.bulk_create(
        Staff,
        (
            Staff(
                unit_id=ctx.unit_ids[spec.unit_code],
                user_id=ctx.user_ids.get(spec.login),
                name=spec.name,
                kind=spec.kind,
                badge_number=spec.badge_number,
                rank=spec.rank,
                position=spec.position,
                phone=spec.phone,
            )
            for spec in specs
        ),
        label="staff",
    )
    ours = Staff.objects.filter(unit_id__in=ctx.unit_ids.values())
    ctx.staff_ids = dict(ours.values_list("badge_number", "id"))
    through = Staff.roles.through
    ctx.bulk_create(
        through,
        (
            through(staff_id=ctx.staff_ids[spec.badge_number], role_id=ctx.role_ids[role])
            for spec in specs
            for role in spec.roles
        ),
        label="staff_roles",
    )


@demo_layer("sites")
def load_sites(ctx: DemoContext) -> None:
    """Sites with their status history, and the staff assigned to each."""
    specs = ctx.prefecture.sites
    ctx.bulk_create(
        Site,
        (
            Site(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                unit_id=ctx.unit_ids[spec.unit_code],
                lng=spec.lng,
                lat=spec.lat,
                address=spec.address,
                division_code=spec.division_code,
                lanes=spec.lanes,
                required_officers=spec.required_officers,
                required_auxiliaries=spec.required_auxiliaries,
                status=spec.status,
                status_since=ctx.at(spec.status_since),
                notes=f"道路：{spec.road}" if spec.road else "",
            )
            for spec in specs
        ),
        label="sites",
    )
    ours = Site.objects.filter(unit_id__in=ctx.unit_ids.values())
    ctx.site_ids = dict(ours.values_list("code", "id"))
    ctx.bulk_create(
        SiteStatusChange,
        (
            SiteStatusChange(
                site_id=ctx.site_ids[spec.code],
                status=change.status,
                effective_at=ctx.at(change.after),
                reason=change.reason,
            )
            for spec in specs
            for change in spec.history
        ),
        label="status_changes",
    )
    ctx.bulk_create(
        SiteAssignment,
        (
            SiteAssignment(site_id=ctx.site_ids[code], staff_id=ctx.staff_ids[person.badge_number])
            for person in ctx.prefecture.staff
            for code in person.site_codes
        ),
        label="assignments",
    )


# Where the demo's self-registered travellers come from, and why they travel.
TRAVEL_ORIGINS = ("620102", "620702", "620722", "640104", "630104", "510104", "610113")
PURPOSES = ("返乡", "返岗复工", "运输生活物资", "就医", "探亲", "公务")
VEHICLE_KINDS = ("car", "car", "car", "truck", "bus", "supply")


@demo_layer("registrations")
def load_registrations(ctx: DemoContext) -> None:
    """A week of citizens' self-registrations at the open sites, one for every ten checks,
    shaped by the hour of day and the kind of site like the checks; the first, one per site
    and kind, in the last two hours, so that officers find passes still valid.

    They go through the same service as the public form (real passes and short codes), at
    their planned time."""
    if ctx.checks <= 0:
        return
    from fangkong.command.generate import local_hour_weights, site_weight, synthetic_plate
    from fangkong.lib.idnumber import checksum_char
    from fangkong.registration.selectors import site_accepted_kinds
    from fangkong.registration.services import registration_create
    from fangkong.sites.choices import SiteStatus

    rng = random.Random(f"{ctx.seed}:registrations")
    names = NameGenerator(random.Random(f"{ctx.seed}:registrants"))
    phones = PhoneGenerator(rng)
    today = timezone.localdate(ctx.now)
    sites = [
        (site, kind)
        for site in Site.objects.filter(status=SiteStatus.OPEN).order_by("code")
        for kind in site_accepted_kinds(site)
    ]
    count = max(len(sites), ctx.checks // 10)
    hours = [ctx.now - timedelta(hours=h) for h in range(1, 7 * 24)]
    planned = [ctx.now - timedelta(seconds=rng.randrange(2 * 3600)) for _ in sites]
    planned += [
        hour + timedelta(seconds=rng.randrange(3600))
        for hour in rng.choices(hours, local_hour_weights(hours), k=count - len(sites))
    ]
    planned.sort(reverse=True)
    weights = [site_weight(site.kind) for site, _ in sites]

    def person(*, phone: bool = True) -> dict[str, str]:
        birth = today.replace(year=today.year - rng.randint(18, 70)) - timedelta(
            days=rng.randrange(365)
        )
        first17 = f"{rng.choice(TRAVEL_ORIGINS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        return {
            "name": "".join(names.draw(female=rng.random() < 0.4)),
            "doc_type": "resident_id",
            "doc_number": first17 + checksum_char(first17),
            "phone": phones.draw() if phone else "",
            "health_code": rng.choices(("green", "yellow", "red"), (96, 3, 1))[0],
        }

    for n, at in enumerate(planned):
        site, kind = sites[n] if n < len(sites) else rng.choices(sites, weights)[0]
        data: dict[str, Any] = person()
        if kind == "road":
            data |= {
                "role": "driver",
                "plate": synthetic_plate(rng),
                "vehicle_kind": rng.choice(VEHICLE_KINDS),
                "origin": rng.choice(TRAVEL_ORIGINS),
                "destination": site.name[:2] + "市区",
                "purpose": rng.choice(PURPOSES),
                "itinerary": "normal",
                "nat_date": (today - timedelta(days=rng.randint(0, 2))).isoformat(),
                "nat_result": "negative",
                "companions": [person(phone=False) for _ in range(rng.choice((0, 0, 1, 2)))],
            }
        elif kind == "community":
            visitor = rng.random() < 0.2
            data |= {"gate_role": "visitor" if visitor else "resident"}
            data |= {"direction": rng.choice(("in", "out"))}
            data |= {"building": f"{rng.randint(1, 12)}号楼", "door": f"{rng.randint(1, 6)}01"}
            if visitor:  # The resident they call on: kept encrypted on the registration.
                host = "".join(names.draw(female=rng.random() < 0.5))
                data |= {"host_name": host, "host_phone": phones.draw()}
        else:
            data |= {
                "address": site.name,
                "building": f"{rng.randint(1, 12)}号楼",
                "door": f"{rng.randint(1, 4)}单元{rng.randint(1, 6)}02",
                "arrival_date": (today - timedelta(days=rng.randint(0, 10))).isoformat(),
                "coming_from": rng.choice(TRAVEL_ORIGINS),
                "employer": "张掖市某物流公司",
                "landlord_name": "".join(names.draw(female=rng.random() < 0.5)),
                "landlord_phone": phones.draw(),
            }
        registration_create(site=site, kind=kind, submission_key=f"demo-{n}", data=data, at=at)
        ctx.counts["registrations"] += 1


# Last: the checks need the sites.
@demo_layer("checks")
def load_checks(ctx: DemoContext) -> None:
    """Nine days of checks at every site (so that yesterday's report and today's dashboard
    both have a whole same weekday last week to compare with), shaped by the hour of day,
    with their rollups."""
    if ctx.checks <= 0:
        return
    from fangkong.command.generate import checks_generate

    names = NameGenerator(random.Random(f"{ctx.seed}:travellers"))
    pool = ["".join(names.draw(female=i % 2 == 1)) for i in range(min(2_000, ctx.checks // 5 + 1))]
    result = checks_generate(
        checks=ctx.checks, days=9, end=ctx.now, seed=ctx.seed, progress=None, names=pool
    )
    ctx.counts["checks"] += result.checks


# Layers of other modules register themselves on import, after the ones above.
from fangkong.demo import duty as _duty  # noqa: E402, F401
from fangkong.demo import intel as _intel  # noqa: E402, F401
from fangkong.demo import keypersons as _keypersons  # noqa: E402, F401
from fangkong.demo import passes as _passes  # noqa: E402, F401
from fangkong.demo import sealed as _sealed  # noqa: E402, F401
from fangkong.demo import supplies as _supplies  # noqa: E402, F401
