"""The demo prefecture as pure, deterministic data specs, built from a seed.

``build(seed=...)`` returns a :class:`Prefecture`: units, sites (with their status history)
and staff (with roles and site assignments), modelled on the traffic police of Zhangye
(张掖市, Gansu). It touches no database and imports nothing from Django, so tests and
benchmarks can ask it what the demo holds, e.g. how many sites a demo login should see:

    demo = build()
    demo.sites_for_unit_code(demo.login_staff("brigade").unit_code)

The same seed always gives equal specs. :mod:`fangkong.demo.loader` writes them.

Unit codes are twelve digits: the six-digit division code, then ``000000`` for a detachment
or brigade, ``010000`` for the command centre, ``10nn00`` for squad *nn* and ``20nn00`` for
police station *nn* of a brigade. Site codes are ``<division>-<kind letter><nn>``.
Badge numbers: sworn officers six digits (two for the brigade, four serial), auxiliaries
``F`` and six digits, civilian staff ``W`` and six digits.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta

from fangkong.demo import catalogue as cat
from fangkong.demo.geography import GANZHOU, PLACES, PREFECTURE, ROADS, Point, jitter, road_point
from fangkong.demo.people import NameGenerator, PhoneGenerator, apportion, line_rank

DEFAULT_SEED = 2020
# The response started this many days before the demo is loaded; histories fit inside.
RESPONSE_DAYS = 35
# Front-line officers and auxiliaries per unit: what its open sites need every day (three
# shifts), times 7/6 because nobody may work more than six shifts in any seven days (48 hours
# a week, six days running), plus a reserve for leave, rest between shifts and the duty
# leader's days. So every brigade can be fully rostered under peacetime rules.
SHIFTS_PER_DAY = 3
COVER_RATE = 6 / 7
RESERVE = 0.2
# One squad is short on purpose, so that the demo shows how a roster explains a shortage and
# what would help; its brigade as a whole still has enough people.
SHORT_SQUAD = "甘州大队城郊中队"
SHORT_SHARE = 0.8
LOGINS = ("commander", "brigade", "officer", "analyst")

# Unit kinds, staff kinds and role codes, as in ``fangkong.org.choices``.
DETACHMENT, COMMAND_CENTRE, BRIGADE, SQUAD, STATION = (
    "detachment",
    "command_centre",
    "brigade",
    "squad",
    "station",
)
OFFICER, AUXILIARY, CIVILIAN = "officer", "auxiliary", "civilian"
COMMANDER, UNIT_ADMIN, DUTY_LEADER, CHECKPOINT_DUTY, ANALYST, GRID_WORKER, LOGISTICS = (
    "commander",
    "unit_admin",
    "duty_leader",
    "checkpoint",
    "analyst",
    "grid_worker",
    "logistics",
)
IDENTITY_REVIEW = "identity_review"  # may view full personal details, for a listed reason
LINE = "line"  # a post's rank drawn from the front-line ranks


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    path: str  # materialised path of codes, as ``Unit.build_path`` makes it
    division_code: str
    sort_order: int
    badge_prefix: str


@dataclass(frozen=True)
class StatusChangeSpec:
    status: str
    after: timedelta  # since the response started
    reason: str


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    kind: str
    unit_code: str
    lng: float
    lat: float
    address: str
    division_code: str
    lanes: int
    required_officers: int
    required_auxiliaries: int
    road: str
    history: tuple[StatusChangeSpec, ...]  # oldest first; the first opens the site

    @property
    def status(self) -> str:
        return self.history[-1].status

    @property
    def status_since(self) -> timedelta:
        return self.history[-1].after


@dataclass(frozen=True)
class StaffSpec:
    badge_number: str
    surname: str
    given_name: str
    kind: str
    unit_code: str
    rank: str
    position: str
    phone: str
    roles: tuple[str, ...]
    site_codes: tuple[str, ...] = ()
    login: str = ""  # the demo username of this person, if any

    @property
    def name(self) -> str:
        return self.surname + self.given_name


@dataclass(frozen=True)
class Prefecture:
    seed: int
    units: tuple[UnitSpec, ...]
    sites: tuple[SiteSpec, ...]
    staff: tuple[StaffSpec, ...]
    _units_by_code: dict[str, UnitSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_units_by_code", {unit.code: unit for unit in self.units})

    def unit(self, code: str) -> UnitSpec:
        return self._units_by_code[code]

    def units_for_unit_code(self, code: str) -> tuple[UnitSpec, ...]:
        """The unit and every unit below it: what a member of the unit may see."""
        path = self.unit(code).path
        return tuple(unit for unit in self.units if unit.path.startswith(path))

    def sites_for_unit_code(self, code: str) -> tuple[SiteSpec, ...]:
        """The sites of the unit's subtree, as ``site_list_for_user`` scopes them."""
        codes = {unit.code for unit in self.units_for_unit_code(code)}
        return tuple(site for site in self.sites if site.unit_code in codes)

    def staff_for_unit_code(self, code: str) -> tuple[StaffSpec, ...]:
        codes = {unit.code for unit in self.units_for_unit_code(code)}
        return tuple(person for person in self.staff if person.unit_code in codes)

    def login_staff(self, username: str) -> StaffSpec:
        """The staff member behind one of the demo logins (:data:`LOGINS`)."""
        for person in self.staff:
            if person.login == username:
                return person
        raise KeyError(username)

    def jurisdiction_code(self, username: str) -> str:
        """The unit whose subtree a login sees (a command centre serves its parent unit),
        mirroring ``fangkong.core.jurisdiction.jurisdiction_root``."""
        unit = self.unit(self.login_staff(username).unit_code)
        if unit.kind == "command_centre" and unit.parent_code:
            return unit.parent_code
        return unit.code

    def sites_for_login(self, username: str) -> tuple[SiteSpec, ...]:
        return self.sites_for_unit_code(self.jurisdiction_code(username))

    def counts(self) -> dict[str, dict[str, int]]:
        """Units, sites and staff by kind (sites also by status)."""
        return {
            "units": dict(Counter(unit.kind for unit in self.units)),
            "sites": dict(Counter(site.kind for site in self.sites)),
            "site_status": dict(Counter(site.status for site in self.sites)),
            "staff": dict(Counter(person.kind for person in self.staff)),
        }


def build(*, seed: int = DEFAULT_SEED) -> Prefecture:
    """The demo prefecture for ``seed``; equal seeds give equal prefectures."""
    units = _units()
    sites = _sites(seed, {unit.code: unit for unit in units})
    staff = _Staffing(seed, units, sites).staff()
    return Prefecture(seed=seed, units=units, sites=sites, staff=staff)


def _rng(seed: int, stream: str) -> random.Random:
    # A string seed is hashed with SHA-512, so streams are stable across runs and platforms.
    return random.Random(f"fangkong-demo:{seed}:{stream}")


# Units -----------------------------------------------------------------------------------


def detachment_code() -> str:
    return PREFECTURE + "000000"


def command_centre_code() -> str:
    return PREFECTURE + "010000"


def brigade_code(county: str) -> str:
    return county + "000000"


def child_unit_code(county: str, short_name: str) -> str:
    """The code of a squad or police station of the county's brigade."""
    brigade = _brigade(county)
    if short_name in brigade.squads:
        return f"{county}10{brigade.squads.index(short_name) + 1:02d}00"
    return f"{county}20{brigade.stations.index(short_name) + 1:02d}00"


def _brigade(county: str) -> cat.BrigadeDef:
    return next(brigade for brigade in cat.BRIGADES if brigade.county == county)


def _units() -> tuple[UnitSpec, ...]:
    root = UnitSpec(
        code=detachment_code(),
        name=cat.DETACHMENT_NAME,
        short_name="交警支队",
        kind=DETACHMENT,
        parent_code=None,
        path=f"/{detachment_code()}/",
        division_code=PREFECTURE,
        sort_order=0,
        badge_prefix=cat.DETACHMENT_BADGE_PREFIX,
    )
    units = [
        root,
        _child(root, command_centre_code(), cat.COMMAND_CENTRE_NAME, "指挥中心",
               COMMAND_CENTRE, sort_order=0, badge_prefix=cat.COMMAND_CENTRE_BADGE_PREFIX),
    ]  # fmt: skip
    for order, brigade in enumerate(cat.BRIGADES, start=1):
        unit = _child(root, brigade_code(brigade.county), brigade.name,
                      brigade.name.removesuffix("大队"), BRIGADE, sort_order=order,
                      division_code=brigade.county, badge_prefix=brigade.badge_prefix)  # fmt: skip
        units.append(unit)
        children = [(SQUAD, short, brigade.name) for short in brigade.squads] + [
            (STATION, short, brigade.county_name) for short in brigade.stations
        ]
        for child_order, (kind, short, prefix) in enumerate(children, start=1):
            code = child_unit_code(brigade.county, short)
            units.append(_child(unit, code, prefix + short, short, kind, sort_order=child_order))
    return tuple(units)


def _child(
    parent: UnitSpec,
    code: str,
    name: str,
    short_name: str,
    kind: str,
    *,
    sort_order: int,
    division_code: str = "",
    badge_prefix: str = "",
) -> UnitSpec:
    """A unit below ``parent``; division and badge prefix default to the parent's."""
    return UnitSpec(
        code=code,
        name=name,
        short_name=short_name,
        kind=kind,
        parent_code=parent.code,
        path=f"{parent.path}{code}/",
        division_code=division_code or parent.division_code,
        sort_order=sort_order,
        badge_prefix=badge_prefix or parent.badge_prefix,
    )


# Sites -----------------------------------------------------------------------------------


def _sites(seed: int, units: dict[str, UnitSpec]) -> tuple[SiteSpec, ...]:
    numbering: Counter[str] = Counter()
    specs = []
    for site in _site_defs():
        prefix = f"{site.county}-{cat.CODE_LETTERS[site.kind]}"
        numbering[prefix] += 1
        code = f"{prefix}{numbering[prefix]:02d}"
        rng = _rng(seed, f"site:{code}")
        specs.append(_site_spec(site, code, rng))
    return tuple(sorted(specs, key=lambda spec: (units[spec.unit_code].path, spec.code)))


def _site_spec(site: cat.SiteDef, code: str, rng: random.Random) -> SiteSpec:
    lng, lat = jitter(rng, _locate(site.where), _jitter_radius(site))
    officers, auxiliaries = cat.REQUIREMENTS[site.kind]
    brigade = _brigade(site.county)
    return SiteSpec(
        code=code,
        name=site.name,
        kind=site.kind,
        unit_code=child_unit_code(site.county, site.unit),
        lng=lng,
        lat=lat,
        address=f"甘肃省张掖市{brigade.county_name}{site.address}",
        division_code=site.county,
        lanes=site.lanes or cat.LANES[site.kind],
        required_officers=officers,
        required_auxiliaries=auxiliaries,
        road=site.road,
        history=_history(site, rng),
    )


def _locate(where: cat.Where) -> Point:
    if isinstance(where, cat.At):
        return PLACES[where.place]
    if isinstance(where, cat.On):
        names = ROADS[where.road]
        return road_point(where.road, names[0], names[-1], where.t)
    lng, lat = PLACES[where.place]
    return (lng + where.dlng, lat + where.dlat)


def _jitter_radius(site: cat.SiteDef) -> float:
    # Border posts stay where they were put, just inside their own county.
    return {cat.BORDER: 0.0, cat.INTERSECTION: 0.0003, cat.GATE: 0.005}.get(site.kind, 0.001)


def _history(site: cat.SiteDef, rng: random.Random) -> tuple[StatusChangeSpec, ...]:
    if site.kind == cat.GATE:
        day, reason = rng.randint(9, 12), cat.GATE_OPENING_REASON
    elif site.kind == cat.HOSPITAL:
        day, reason = rng.randint(3, 7), cat.LATE_OPENING_REASON
    elif site.kind == cat.INTERSECTION:
        day, reason = rng.randint(2, 5), cat.OPENING_REASON
    else:
        day, reason = rng.randint(0, 2), cat.OPENING_REASON
    changes = [StatusChangeSpec("open", _moment(rng, day), reason)]
    for event in site.events:
        changes.append(StatusChangeSpec(event.status, _moment(rng, event.day), event.reason))
    return tuple(changes)


def _moment(rng: random.Random, day: int) -> timedelta:
    return timedelta(days=day, hours=rng.randint(8, 20), minutes=rng.choice((0, 15, 30, 45)))


def _site_defs() -> Iterator[cat.SiteDef]:
    yield from cat.ROAD_SITES
    yield from _ganzhou_intersections()
    for county, squad, ns, ew, dlng, dlat in cat.COUNTY_INTERSECTIONS:
        name = f"{_brigade(county).county_name}{ns}与{ew}交叉口"
        yield cat.SiteDef(county, squad, cat.INTERSECTION, name,
                          cat.Near(cat.SEATS[county], dlng, dlat), f"{ns}与{ew}交叉口")  # fmt: skip
    for county, station, district, communities, centre in cat.GATES:
        county_name = _brigade(county).county_name
        for community in communities:
            yield cat.SiteDef(county, station, cat.GATE, f"{county_name}{district}{community}卡口",
                              centre, f"{district}{community}")  # fmt: skip


def _ganzhou_intersections() -> Iterator[cat.SiteDef]:
    for ew in cat.GANZHOU_EW:
        for ns in cat.GANZHOU_NS:
            if (ns.middle, ew.middle) in cat.GANZHOU_SKIP:
                continue
            ns_name = ns.middle if ew.offset == 0 else (ns.high if ew.offset > 0 else ns.low)
            ew_name = ew.middle if ns.offset == 0 else (ew.high if ns.offset > 0 else ew.low)
            # The old town north of the drum tower is the first squad's, the south the second's.
            squad = "城区一中队" if ew.offset >= 0 else "城区二中队"
            closed = (ns.middle, ew.middle) in cat.GANZHOU_CLOSED
            yield cat.SiteDef(
                GANZHOU, squad, cat.INTERSECTION, f"甘州区{ns_name}与{ew_name}交叉口",
                cat.Near(cat.SEATS[GANZHOU], ns.offset, ew.offset), f"{ns_name}与{ew_name}交叉口",
                events=(cat.INTERSECTION_CLOSING,) if closed else (),
            )  # fmt: skip


# Staff -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A post on a unit's establishment: who holds it, with which rank and roles."""

    kind: str
    position: str
    rank: str = ""  # a Rank value, LINE, or "" for non-officers
    roles: tuple[str, ...] = ()
    count: int = 1
    login: str = ""  # the demo username of the first holder


DETACHMENT_POSTS = (
    Post(OFFICER, "支队长", "inspector_1", (COMMANDER,), login="commander"),
    Post(OFFICER, "政治委员", "inspector_1", (COMMANDER, DUTY_LEADER)),
    Post(OFFICER, "副支队长", "inspector_2", (DUTY_LEADER,), count=3),
    Post(OFFICER, "秩序科科长", "inspector_3", (DUTY_LEADER,)),
    Post(OFFICER, "法制科科长", "inspector_3", (DUTY_LEADER,)),
    Post(OFFICER, "警务保障室主任", "inspector_3", (LOGISTICS, DUTY_LEADER)),
    Post(OFFICER, "民警", LINE, count=5),
    Post(CIVILIAN, "后勤保障", roles=(LOGISTICS,), count=3),
    Post(CIVILIAN, "文职", count=5),
    Post(AUXILIARY, "辅警", count=4),
)
COMMAND_CENTRE_POSTS = (
    Post(OFFICER, "指挥中心主任", "inspector_2", (UNIT_ADMIN, ANALYST, DUTY_LEADER)),
    Post(OFFICER, "指挥中心副主任", "inspector_3", (ANALYST, DUTY_LEADER)),
    Post(OFFICER, "研判民警", LINE, (ANALYST,), count=4, login="analyst"),
    # Not every analyst may see full personal details: those who handle trace notices may.
    Post(OFFICER, "协查民警", LINE, (ANALYST, IDENTITY_REVIEW), count=2),
    Post(CIVILIAN, "研判员", roles=(ANALYST,), count=8),
    Post(AUXILIARY, "视频巡查辅警", count=6),
)
BRIGADE_POSTS = (
    Post(OFFICER, "大队长", "inspector_2", (UNIT_ADMIN, DUTY_LEADER), login="brigade"),
    Post(OFFICER, "教导员", "inspector_3", (DUTY_LEADER,)),
    Post(OFFICER, "副大队长", "inspector_3", (DUTY_LEADER,), count=2),
    Post(CIVILIAN, "内勤", roles=(LOGISTICS,)),
    Post(CIVILIAN, "统计员"),
)
SQUAD_POSTS = (Post(OFFICER, "中队长", "inspector_3", (UNIT_ADMIN, DUTY_LEADER)),)
# A squad with this many sites or more also has an instructor (指导员).
SQUAD_INSTRUCTOR_FROM_SITES = 4
SQUAD_INSTRUCTOR = Post(OFFICER, "指导员", "sergeant_1", (DUTY_LEADER,))
STATION_POSTS = (
    Post(OFFICER, "所长", "inspector_3", (UNIT_ADMIN, DUTY_LEADER)),
    Post(OFFICER, "教导员", "sergeant_1", (DUTY_LEADER,)),
    Post(OFFICER, "社区民警", LINE, (GRID_WORKER,), count=3),
    Post(CIVILIAN, "户籍内勤", count=2),
)
FRONT_LINE_OFFICER = Post(OFFICER, "民警", LINE, (CHECKPOINT_DUTY,))
FRONT_LINE_AUXILIARY = Post(AUXILIARY, "辅警", "", (CHECKPOINT_DUTY,))
# The share of women, by kind of staff.
FEMALE_SHARE = {OFFICER: 0.15, AUXILIARY: 0.25, CIVILIAN: 0.55}
# The demo's checkpoint officer works at this site.
OFFICER_LOGIN_SITE = "G30连霍高速张掖东收费站"


class _Staffing:
    """Fills each unit's establishment, then shares the front-line officers and auxiliaries
    out between squads and stations in proportion to what their sites need per shift, and
    assigns each of them to one site of their unit."""

    def __init__(self, seed: int, units: Iterable[UnitSpec], sites: Iterable[SiteSpec]) -> None:
        self.units = tuple(units)
        self.sites_by_unit: dict[str, list[SiteSpec]] = {}
        for site in sites:
            self.sites_by_unit.setdefault(site.unit_code, []).append(site)
        self.names = NameGenerator(_rng(seed, "names"))
        self.phones = PhoneGenerator(_rng(seed, "phones"))
        self.rng = _rng(seed, "staff")
        self.serials: Counter[str] = Counter()
        self.logins_given: set[str] = set()

    def staff(self) -> tuple[StaffSpec, ...]:
        posts = {unit.code: self._posts(unit) for unit in self.units}
        officers = self._front_line(OFFICER)
        auxiliaries = self._front_line(AUXILIARY)
        people: list[StaffSpec] = []
        for unit in self.units:
            for post in posts[unit.code]:
                people.extend(self._fill(unit, post, post.count, ()))
            sites = self.sites_by_unit.get(unit.code, [])
            people.extend(self._deal(unit, FRONT_LINE_OFFICER, officers[unit.code], sites))
            people.extend(self._deal(unit, FRONT_LINE_AUXILIARY, auxiliaries[unit.code], sites))
        return tuple(people)

    def _posts(self, unit: UnitSpec) -> tuple[Post, ...]:
        if unit.kind == DETACHMENT:
            return DETACHMENT_POSTS
        if unit.kind == COMMAND_CENTRE:
            return COMMAND_CENTRE_POSTS
        if unit.kind == BRIGADE:
            return BRIGADE_POSTS
        if unit.kind == STATION:
            return STATION_POSTS
        if len(self.sites_by_unit.get(unit.code, ())) >= SQUAD_INSTRUCTOR_FROM_SITES:
            return (*SQUAD_POSTS, SQUAD_INSTRUCTOR)
        return SQUAD_POSTS

    def _front_line(self, kind: str) -> dict[str, int]:
        """Front-line staff of one kind per unit: enough to cover its open sites (see
        :data:`RESERVE`), or fewer in the :data:`SHORT_SQUAD`."""
        counts = {}
        for unit in self.units:
            sites = self.sites_by_unit.get(unit.code, ())
            daily = SHIFTS_PER_DAY * sum(_need(s, kind) for s in sites if s.status == "open")
            share = SHORT_SHARE if unit.name == SHORT_SQUAD else 1 + RESERVE
            counts[unit.code] = math.ceil(daily / COVER_RATE * share)
        return counts

    def _deal(
        self, unit: UnitSpec, post: Post, count: int, sites: list[SiteSpec]
    ) -> list[StaffSpec]:
        """``count`` holders of ``post``, shared out between the unit's sites by their need."""
        shares = apportion(count, [_need(site, post.kind) for site in sites])
        people = []
        for site, share in zip(sites, shares, strict=True):
            people.extend(self._fill(unit, post, share, (site.code,)))
            if site.name == OFFICER_LOGIN_SITE and post.kind == OFFICER and share:
                people[-share] = replace(people[-share], login="officer")
        return people

    def _fill(
        self, unit: UnitSpec, post: Post, count: int, site_codes: tuple[str, ...]
    ) -> list[StaffSpec]:
        people = []
        for _ in range(count):
            surname, given = self.names.draw(female=self.rng.random() < FEMALE_SHARE[post.kind])
            rank = line_rank(self.rng) if post.rank == LINE else post.rank
            login = post.login if post.login not in self.logins_given else ""
            if login:
                self.logins_given.add(login)
            people.append(
                StaffSpec(
                    badge_number=self._badge(unit, post.kind),
                    surname=surname,
                    given_name=given,
                    kind=post.kind,
                    unit_code=unit.code,
                    rank=rank,
                    position=post.position,
                    phone=self.phones.draw(),
                    roles=post.roles,
                    site_codes=site_codes,
                    login=login,
                )
            )
        return people

    def _badge(self, unit: UnitSpec, kind: str) -> str:
        letter = {OFFICER: "", AUXILIARY: "F", CIVILIAN: "W"}[kind]
        key = letter + unit.badge_prefix
        self.serials[key] += 1
        return f"{key}{self.serials[key]:04d}"


def _need(site: SiteSpec, kind: str) -> int:
    if kind == OFFICER:
        # An auxiliary never stands a post without a sworn officer (the roster's rule), so a
        # site that asks only for auxiliaries still takes one officer a shift.
        return max(site.required_officers, 1 if site.required_auxiliaries else 0)
    return site.required_auxiliaries
