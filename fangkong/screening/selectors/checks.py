"""Reads for screening: checks, the officer's look-up of parties, risk areas and site counters,
every one scoped to the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from fangkong.core.jurisdiction import scope_q
from fangkong.passes.selectors import vehicle_pass_states
from fangkong.registration.models import Registration, TravelGroup
from fangkong.registration.selectors import registration_lookup_for_user
from fangkong.screening.choices import Outcome
from fangkong.screening.models import Check, RiskArea
from fangkong.screening.rules import VehiclePassState
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_list_for_user


def officer_sites(*, user: Any) -> QuerySet[Site]:
    """The sites an officer may record checks at: their unit's subtree, not closed."""
    return site_list_for_user(user=user).exclude(status=SiteStatus.CLOSED)


# --- lookup by the officer: registrations grouped into parties ---------------------------


@dataclass(frozen=True)
class LastCheck:
    """The latest check of a registration, as the look-up shows it."""

    outcome: str
    checked_at: datetime


@dataclass
class Party:
    """What the officer screens together: a travel group (one vehicle), or one person; with
    the vehicle's pass state (``none`` without a vehicle) and each registration's last check."""

    group: TravelGroup | None
    registrations: list[Registration] = field(default_factory=list)
    last_checks: dict[int, LastCheck] = field(default_factory=dict)
    pass_state: str = VehiclePassState.NONE.value


MAX_PARTIES = 20


def party_lookup_for_user(
    *,
    user: Any,
    site: Site | None = None,
    code: str | None = None,
    plate: str | None = None,
    phone_tail: str | None = None,
    token: str | None = None,
    at: datetime | None = None,
) -> list[Party]:
    """Parties matching what the officer typed or scanned. Plates and phone tails are
    searched at the officer's site only, codes and tokens in the whole jurisdiction.

    Two queries for any number of parties: the registrations found with their travel
    companions and last checks, then the pass states of their vehicles at ``at``."""
    local = site if (plate or phone_tail) else None
    matches = registration_lookup_for_user(
        user=user, code=code, plate=plate, phone_tail=phone_tail, token=token, site=local
    )[: MAX_PARTIES * 4]
    found = list(_with_last_check(_found_with_companions(matches)))
    parties = _parties(found)[:MAX_PARTIES]
    _attach_pass_states(parties, at or timezone.now())
    for party in parties:
        party.last_checks = {
            r.pk: LastCheck(r.last_outcome, r.last_checked_at)
            for r in party.registrations
            if r.last_outcome
        }
    return parties


def _attach_pass_states(parties: list[Party], at: datetime) -> None:
    """Each party's vehicle pass state, in one query for all their plates."""
    plates = {_plate(party) for party in parties} - {""}
    states = vehicle_pass_states(plates=plates, at=at) if plates else {}
    for party in parties:
        party.pass_state = states.get(_plate(party), VehiclePassState.NONE.value)


def _plate(party: Party) -> str:
    vehicle = party.group.vehicle if party.group is not None else None
    return vehicle.plate if vehicle is not None else ""


def _found_with_companions(matches: QuerySet[Registration]) -> QuerySet[Registration]:
    """The matching registrations and everyone in their travel groups, each marked whether
    it matched itself, newest match first."""
    ids = matches.values("pk")
    return (
        Registration.objects.filter(Q(pk__in=ids) | Q(group_id__in=matches.values("group_id")))
        .annotate(matched=ExpressionWrapper(Q(pk__in=ids), output_field=BooleanField()))
        .select_related("person", "group__vehicle", "site")
        .order_by("-matched", "-created_at", "pk")
    )


def _with_last_check(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    latest = Check.objects.filter(registration=OuterRef("pk")).order_by("-checked_at", "-pk")
    return registrations.annotate(
        last_outcome=Subquery(latest.values("outcome")[:1]),
        last_checked_at=Subquery(latest.values("checked_at")[:1]),
    )


def _parties(found: list[Registration]) -> list[Party]:
    """One party per travel group, the driver first, in the order of the newest match; a
    registration without a group is a party of one."""
    by_group: dict[int, list[Registration]] = {}
    for registration in found:
        if registration.group_id:
            by_group.setdefault(registration.group_id, []).append(registration)
    parties: list[Party] = []
    seen: set[int] = set()
    for registration in found:
        if not registration.matched:
            continue
        if registration.group_id is None:
            parties.append(Party(None, [registration]))
        elif registration.group_id not in seen:
            seen.add(registration.group_id)
            members = _driver_first(by_group[registration.group_id])
            parties.append(Party(members[0].group, members))
    return parties


def _driver_first(registrations: list[Registration]) -> list[Registration]:
    return sorted(registrations, key=lambda r: (r.role != "driver", r.pk))


# --- checks -------------------------------------------------------------------------------


def check_list_for_user(
    *, user: Any, site: Site | None = None, since: datetime | None = None
) -> QuerySet[Check]:
    checks = Check.objects.filter(scope_q(user, unit_field="site__unit")).select_related(
        "site", "person", "officer", "group__vehicle"
    )
    if site is not None:
        checks = checks.filter(site=site)
    if since is not None:
        checks = checks.filter(checked_at__gte=since)
    return checks.order_by("-checked_at", "-id")


def check_get_for_user(*, user: Any, check_id: int) -> Check:
    return (
        Check.objects.filter(scope_q(user, unit_field="site__unit"))
        .select_related(
            "site__unit", "person", "officer", "registration__site__unit", "group__vehicle"
        )
        .get(pk=check_id)
    )


def risk_area_list_current(*, day: date) -> QuerySet[RiskArea]:
    """Risk areas in force on ``day`` or later (none lifted before it), newest first. Not
    personal data: every officer may read them."""
    in_force = Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    return RiskArea.objects.filter(in_force).order_by("-effective_from", "division_code")


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def site_counters(*, site: Site, day: date | None = None) -> dict[str, Any]:
    """Today's figures at a site (the local day): persons and vehicles checked, and the
    checks of each outcome. One query."""
    day = day or timezone.localdate()
    start, end = local_day_bounds(day)
    outcome_counts = {outcome: Count("id", filter=Q(outcome=outcome)) for outcome in Outcome.values}
    figures = Check.objects.filter(site=site, checked_at__gte=start, checked_at__lt=end).aggregate(
        checks=Count("id"),
        persons=Count("person", distinct=True),
        vehicles=Count("group", distinct=True, filter=Q(group__vehicle__isnull=False)),
        overridden=Count("id", filter=~Q(outcome=F("recommended"))),
        **outcome_counts,
    )
    figures["outcomes"] = [
        {"value": value, "label": label, "count": figures.pop(value)}
        for value, label in Outcome.choices
    ]
    figures["day"] = day
    return figures
