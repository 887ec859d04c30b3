"""Reads of the supplies app, always scoped: a user sees the stores and posts of their
unit's subtree, and what moved in and out of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from fangkong.core.jurisdiction import scope_q
from fangkong.org.models import Unit
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site
from fangkong.supplies import ledger, postlog
from fangkong.supplies.choices import IssueStatus, LocationKind, MeasureUnit, MovementKind
from fangkong.supplies.models import (
    DisinfectionEntry,
    Donation,
    DonationLine,
    ImportJob,
    Issue,
    IssueLine,
    Item,
    Location,
    Movement,
    RequestLine,
    StockDay,
    StockLevel,
    SupplyRequest,
    WelfareEntry,
)


def _within(unit_id: int | None) -> Q:
    """Locations under ``unit_id`` (already within the user's scope), or no narrowing."""
    if not unit_id:
        return Q()
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return Q(pk__in=[])  # An unknown unit holds nothing.
    return Q(unit__path__startswith=path)


def location_list_for_user(
    *, user: Any, kind: str | None = None, unit_id: int | None = None
) -> QuerySet[Location]:
    locations = Location.objects.filter(scope_q(user), _within(unit_id)).select_related(
        "unit", "site"
    )
    if kind:
        locations = locations.filter(kind=kind)
    return locations.order_by("kind", "unit__path", "name")


def location_get_for_user(*, user: Any, location_id: int) -> Location:
    return location_list_for_user(user=user).get(pk=location_id)


def store_list_for_user(*, user: Any) -> QuerySet[Location]:
    return location_list_for_user(user=user, kind=LocationKind.STORE).filter(active=True)


def item_list(*, active_only: bool = True) -> QuerySet[Item]:
    items = Item.objects.all()
    return items.filter(active=True) if active_only else items


def level_list_for_user(
    *, user: Any, location_id: int | None = None, item_id: int | None = None
) -> QuerySet[StockLevel]:
    levels = StockLevel.objects.filter(scope_q(user, unit_field="location__unit"))
    if location_id:
        levels = levels.filter(location_id=location_id)
    if item_id:
        levels = levels.filter(item_id=item_id)
    return levels.select_related("location__unit", "item").order_by(
        "location__kind", "location__unit__path", "location__name", "item__sort_order", "item__code"
    )


def movement_list_for_user(
    *,
    user: Any,
    location_id: int | None = None,
    item_id: int | None = None,
    kind: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> QuerySet[Movement]:
    movements = Movement.objects.filter(scope_q(user, unit_field="location__unit"))
    if location_id:
        movements = movements.filter(location_id=location_id)
    if item_id:
        movements = movements.filter(item_id=item_id)
    if kind:
        movements = movements.filter(kind=kind)
    if first:
        movements = movements.filter(day__gte=first)
    if last:
        movements = movements.filter(day__lte=last)
    return movements.select_related(
        "location", "item", "batch", "counterpart", "recorded_by__staff"
    ).order_by("-at", "-id")


def _store_or_post(user: Any) -> Q:
    """A request or issue concerns the user when its store or its post is theirs."""
    return scope_q(user, unit_field="store__unit") | scope_q(user, unit_field="post__unit")


def request_list_for_user(
    *, user: Any, status: str | None = None, store_id: int | None = None
) -> QuerySet[SupplyRequest]:
    requests = SupplyRequest.objects.filter(_store_or_post(user))
    if status:
        requests = requests.filter(status=status)
    if store_id:
        requests = requests.filter(store_id=store_id)
    lines = RequestLine.objects.select_related("item")
    return (
        requests.select_related("post__site", "post__unit", "store__unit", "requested_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-requested_at", "-id")
    )


def request_get_for_user(*, user: Any, request_id: int) -> SupplyRequest:
    return request_list_for_user(user=user).select_related("issue").get(pk=request_id)


def issue_list_for_user(*, user: Any, status: str | None = None) -> QuerySet[Issue]:
    issues = Issue.objects.filter(_store_or_post(user))
    if status:
        issues = issues.filter(status=status)
    lines = IssueLine.objects.select_related("item")
    return (
        issues.select_related("store__unit", "post__site", "post__unit", "recipient_staff")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-prepared_at", "-id")
    )


def issue_get_for_user(*, user: Any, issue_id: int) -> Issue:
    return issue_list_for_user(user=user).get(pk=issue_id)


def issues_awaiting_at(*, user: Any, site: Site) -> QuerySet[Issue]:
    return issue_list_for_user(user=user, status=IssueStatus.AWAITING_SIGNATURE).filter(
        post__site=site
    )


def donation_list_for_user(*, user: Any) -> QuerySet[Donation]:
    lines = DonationLine.objects.select_related("item", "batch")
    return (
        Donation.objects.filter(scope_q(user, unit_field="store__unit"))
        .select_related("store__unit")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-received_on", "-id")
    )


def donation_get_for_user(*, user: Any, donation_id: int) -> Donation:
    return donation_list_for_user(user=user).get(pk=donation_id)


def donation_public_list(*, unit: Unit) -> QuerySet[Donation]:
    """What a unit publishes: its (and its subtree's) donations marked for publication."""
    lines = DonationLine.objects.select_related("item", "batch")
    return (
        Donation.objects.filter(publish=True, store__unit__path__startswith=unit.path)
        .select_related("store__unit")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-received_on", "-id")
    )


@dataclass(frozen=True)
class Destination:
    item: str
    measure: str
    to: str
    kind: str
    quantity: int
    day: date


def donation_destinations(donation: Donation) -> list[Destination]:
    """Where the donated goods went: every issue and transfer out of a store drawn from the
    donation's batches, to the post, person or store that received them."""
    batches = [line.batch_id for line in donation.lines.all()]
    out = (
        Movement.objects.filter(
            batch_id__in=batches,
            quantity__lt=0,
            kind__in=[MovementKind.ISSUED, MovementKind.TRANSFERRED, MovementKind.USED],
        )
        .select_related("item", "counterpart", "location")
        .order_by("at", "id")
    )
    return [
        Destination(
            item=m.item.name,
            measure=str(MeasureUnit(m.item.measure).label),
            to=m.counterpart.name if m.counterpart else (m.recipient or m.location.name),
            kind=m.kind,
            quantity=-m.quantity,
            day=m.day,
        )
        for m in out
    ]


# --- days of stock left -------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    location_id: int
    location: str
    kind: str
    unit: str
    site_id: int | None
    item_id: int
    item: str
    measure: str
    balance: int
    consumed: int  # over the window
    daily: float
    days_left: float | None
    low: bool
    reorder: int


def low_days() -> float:
    return float(settings.SUPPLIES_LOW_DAYS)


def days_left_for_user(
    *, user: Any, unit_id: int | None = None, today: date | None = None
) -> list[StockRow]:
    """Every store's and post's stock of every item it holds or used lately, with the days it
    lasts at the last seven full days' rate. Four queries, whatever the ledger's length: the
    locations, their levels, their seven day sums and the items."""
    today = today or timezone.localdate()
    locations = {
        row[0]: row
        for row in Location.objects.filter(scope_q(user), _within(unit_id)).values_list(
            "pk", "name", "kind", "unit__name", "site_id", "unit__path"
        )
    }
    ids = list(locations)
    balances = {
        (loc, item): q
        for loc, item, q in StockLevel.objects.filter(location_id__in=ids).values_list(
            "location_id", "item_id", "quantity"
        )
    }
    window = StockDay.objects.filter(
        location_id__in=ids, day__gte=today - timedelta(days=ledger.WINDOW_DAYS), day__lt=today
    )
    consumed = {
        (r["location_id"], r["item_id"]): r["c"]
        for r in window.values("location_id", "item_id").annotate(c=Sum("consumed")).order_by()
    }
    items = {item.pk: item for item in Item.objects.all()}
    threshold, cover = low_days(), settings.SUPPLIES_REORDER_DAYS
    rows = []

    def order(key: tuple[int, int]) -> tuple[Any, ...]:
        _pk, name, kind, _unit, _site, path = locations[key[0]]
        return (kind != LocationKind.STORE, path, name, items[key[1]].sort_order, key[1])

    for loc, item_id in sorted(set(balances) | set(consumed), key=order):
        pk, name, kind, unit, site_id, _path = locations[loc]
        balance, used = balances.get((loc, item_id), 0), consumed.get((loc, item_id), 0)
        if balance == 0 and used == 0:
            continue
        item = items[item_id]
        rows.append(
            StockRow(
                location_id=pk,
                location=name,
                kind=kind,
                unit=unit,
                site_id=site_id,
                item_id=item_id,
                item=item.name,
                measure=str(MeasureUnit(item.measure).label),
                balance=balance,
                consumed=used,
                daily=round(ledger.daily_rate(used), 1),
                days_left=_round(ledger.days_left(balance, used)),
                low=ledger.is_low(balance, used, threshold),
                reorder=ledger.reorder_quantity(balance, used, cover),
            )
        )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class LowPost:
    location_id: int
    site_id: int | None
    name: str
    unit: str
    items: list[StockRow]

    @property
    def fewest_days(self) -> float:
        return min(row.days_left or 0 for row in self.items)


def posts_below_threshold(rows: list[StockRow]) -> list[LowPost]:
    """The posts with at least one item lasting fewer days than the threshold, worst first."""
    posts: dict[int, LowPost] = {}
    for row in rows:
        if row.kind == LocationKind.POST and row.low:
            post = posts.setdefault(
                row.location_id, LowPost(row.location_id, row.site_id, row.location, row.unit, [])
            )
            post.items.append(row)
    return sorted(posts.values(), key=lambda p: (p.fewest_days, p.name))


def reorder_rows(rows: list[StockRow]) -> list[StockRow]:
    """What each store should order to cover the reorder period, for stores running low."""
    return [r for r in rows if r.kind == LocationKind.STORE and r.low and r.reorder > 0]


def post_consumption(*, post: Location, days: int = 14, today: date | None = None) -> list[Any]:
    today = today or timezone.localdate()
    return list(
        StockDay.objects.filter(post_day_q(post, today, days))
        .values("day", "item__name", "consumed", "received")
        .order_by("-day", "item__sort_order", "item__code")
    )


def post_day_q(post: Location, today: date, days: int) -> Q:
    return Q(location=post, day__gt=today - timedelta(days=days), day__lte=today)


# --- the posts' log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PostGaps:
    site: Site
    gaps: postlog.Gaps


def log_missing_for_user(*, user: Any, now: datetime | None = None) -> list[PostGaps]:
    """Open sites of the user's jurisdiction whose disinfection or welfare of today is
    missing by now: what the duty leader is shown. Three queries."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    sites = list(
        Site.objects.filter(scope_q(user), status=SiteStatus.OPEN)
        .select_related("unit")
        .order_by("unit__path", "code")
    )
    ids = [site.pk for site in sites]
    disinfected: dict[int, list[datetime]] = {}
    for site_id, at in DisinfectionEntry.objects.filter(
        post__site_id__in=ids, done_at__gte=start, done_at__lt=start + timedelta(days=1)
    ).values_list("post__site_id", "done_at"):
        disinfected.setdefault(site_id, []).append(timezone.localtime(at))
    welfare: dict[int, list[str]] = {}
    for site_id, shift in WelfareEntry.objects.filter(
        post__site_id__in=ids, day=local.date()
    ).values_list("post__site_id", "shift"):
        welfare.setdefault(site_id, []).append(shift)
    result = []
    for site in sites:
        gaps = postlog.missing(local, disinfected.get(site.pk, []), welfare.get(site.pk, []))
        if gaps:
            result.append(PostGaps(site=site, gaps=gaps))
    return result


def disinfection_list(*, post: Location, days: int = 3) -> QuerySet[DisinfectionEntry]:
    since = timezone.now() - timedelta(days=days)
    return post.disinfections.filter(done_at__gte=since).order_by("-done_at")


def welfare_list(*, post: Location, days: int = 3) -> QuerySet[WelfareEntry]:
    return post.welfare.filter(day__gt=timezone.localdate() - timedelta(days=days)).order_by(
        "-day", "shift"
    )


def import_list_for_user(*, user: Any) -> QuerySet[ImportJob]:
    return (
        ImportJob.objects.filter(scope_q(user, unit_field="store__unit"))
        .select_related("store", "created_by")
        .order_by("-created_at", "-id")
    )


def import_get_for_user(*, user: Any, job_id: int) -> ImportJob:
    return import_list_for_user(user=user).get(pk=job_id)
