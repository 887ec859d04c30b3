"""The demo's protective supplies: a catalogue, the detachment's and each brigade's store, a
month of movements (deliveries, transfers down to the brigades, issues to the posts every few
days, each post's evening count), two donations, a few posts running low and today's
disinfection and welfare log with some entries missing.

The month is written straight into the ledger with ``bulk_create`` and the stock sums are
then rebuilt from it (``aggregates.rebuild``), the same way ``manage.py supplies_rebuild``
does: tens of thousands of movements through the services would make the demo slow to load.
Issues draw on batches with the services' own rule (``ledger.first_expiry_first``).
"""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from fangkong.demo.loader import DemoContext, demo_layer
from fangkong.demo.prefecture import OFFICER_LOGIN_SITE
from fangkong.org.choices import UnitKind
from fangkong.org.models import Unit
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site
from fangkong.supplies import aggregates, ledger
from fangkong.supplies.choices import (
    WELFARE_SHIFT_HOURS,
    IssueStatus,
    LocationKind,
    MovementKind,
    RequestStatus,
)
from fangkong.supplies.models import (
    Batch,
    DisinfectionEntry,
    Donation,
    DonationLine,
    Issue,
    IssueLine,
    Item,
    Location,
    Movement,
    RequestLine,
    SupplyRequest,
    WelfareEntry,
)

DAYS = 30
# code, name, category, grade, measure, months to expiry (0: none), other names,
# use per person and shift at a post (0: not counted at posts).
CATALOGUE = (
    ("MASK-SURG", "医用外科口罩", "mask", "YY 0469", "piece", 24, "一次性医用口罩,外科口罩", 1.0),
    ("MASK-N95", "N95防护口罩", "mask", "GB 19083", "piece", 36, "N95口罩,KN95口罩", 0.15),
    ("GLOVE", "一次性医用手套", "gloves", "", "pair", 36, "手套,乳胶手套", 1.0),
    ("SUIT", "医用防护服", "suit", "GB 19082", "set", 24, "防护服", 0.0),
    ("GOGGLE", "护目镜", "goggles", "", "piece", 0, "防护眼镜,面屏", 0.0),
    ("ALC-500", "75%酒精（500ml）", "alcohol", "500ml", "bottle", 24, "酒精,医用酒精", 0.04),
    ("DISINF-84", "84消毒液（500ml）", "disinfectant", "500ml", "bottle", 12, "84,消毒液", 0.03),
    ("THERMO", "红外测温枪", "thermometer", "", "piece", 0, "测温枪,额温枪", 0.0),
    ("VEST", "反光背心", "vest", "", "piece", 0, "反光衣", 0.0),
    ("NOODLE", "方便面", "food", "", "box", 6, "泡面", 0.0),
    ("WATER", "瓶装饮用水", "water", "550ml×24", "box", 12, "矿泉水,纯净水", 0.0),
    ("HEATPACK", "暖宝宝", "heating", "", "piece", 24, "暖贴", 0.3),
)
# Posts whose last delivery is held back, so that the demo shows posts running low.
LOW_POSTS = 6
SUPPLIERS = ("张掖市医药有限责任公司", "甘肃康宁医疗器械有限公司", "张掖市国药控股分公司")


@dataclass
class Sim:
    """The month as it is written: stock by store and batch, by post and item."""

    ctx: DemoContext
    rng: random.Random
    items: dict[str, Item]
    stores: dict[int, Location]  # unit id -> its store
    posts: list[tuple[Location, Site]]
    batches: dict[int, dict[int, list[Any]]] = field(default_factory=dict)  # store -> batch
    post_stock: dict[tuple[int, int], int] = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)

    def moment(self, day: int, hour: int, minute: int = 0) -> datetime:
        local = timezone.localtime(self.ctx.now).date() - timedelta(days=DAYS - day)
        at = timezone.make_aware(datetime.combine(local, time(hour, minute)))
        return min(at, self.ctx.now - timedelta(minutes=5))

    def move(
        self, kind: str, location: Location, item: Item, quantity: int, at: datetime, **extra: Any
    ) -> Movement:
        movement = Movement(
            kind=kind,
            location=location,
            item=item,
            quantity=quantity,
            at=at,
            day=timezone.localtime(at).date(),
            **extra,
        )
        self.movements.append(movement)
        return movement

    def receive(
        self, store: Location, item: Item, quantity: int, at: datetime, batch: Batch, **extra: Any
    ) -> None:
        self.move(MovementKind.RECEIVED, store, item, quantity, at, batch=batch, **extra)
        self.batches.setdefault(store.pk, {})[batch.pk] = [quantity, batch.expires_on, item.pk]

    def draw(self, store: Location, item: Item, quantity: int) -> list[ledger.Draw]:
        held = self.batches.get(store.pk, {})
        stock = [ledger.BatchStock(b, q, e) for b, (q, e, i) in held.items() if i == item.pk]
        available = sum(b.quantity for b in stock)
        parts = ledger.first_expiry_first(stock, min(quantity, available), today=date.min)
        for part in parts:
            held[part.batch_id][0] -= part.quantity
        return parts

    def send(
        self,
        kind: str,
        source: Location,
        target: Location,
        item: Item,
        quantity: int,
        at: datetime,
        **extra: Any,
    ) -> int:
        """Stock from a store to another store or a post, by batch; what was sent."""
        sent = 0
        for part in self.draw(source, item, quantity):
            group = uuid.uuid4()
            common = {"batch_id": part.batch_id, "group": group, **extra}
            self.move(kind, source, item, -part.quantity, at, counterpart=target, **common)
            self.move(kind, target, item, part.quantity, at, counterpart=source, **common)
            if target.kind == LocationKind.STORE:
                self.batches.setdefault(target.pk, {}).setdefault(
                    part.batch_id, [0, self.batches[source.pk][part.batch_id][1], item.pk]
                )[0] += part.quantity
            sent += part.quantity
        return sent


def _need(site: Site, use: float) -> int:
    """What a post uses of an item in a day: people per shift, three shifts."""
    return round((site.required_officers + site.required_auxiliaries) * 3 * use)


@demo_layer("supplies")
def load_supplies(ctx: DemoContext) -> None:
    rng = random.Random(f"{ctx.seed}:supplies")
    sim = Sim(ctx, rng, _catalogue(ctx), _stores(ctx), _posts(ctx))
    issues: list[Issue] = []
    for day in range(DAYS + 1):
        if day in DELIVERY_DAYS:
            _delivery(sim, day)
        if day in DONATION_DAYS:
            _donation(sim, *DONATION_DAYS[day])
        if day in TRANSFER_DAYS:
            _transfers(sim, day)
        if day % 4 == 1:
            issues += _issues(sim, day)
        if 0 < day < DAYS:
            _counts(sim, day)
    Issue.objects.bulk_create(issues, batch_size=ctx.batch_size)
    IssueLine.objects.bulk_create(
        (line for issue in issues for line in issue.demo_lines), batch_size=ctx.batch_size
    )
    ctx.counts["supply_issues"] += len(issues)
    ctx.bulk_create(Movement, sim.movements, label="supply_movements")
    aggregates.rebuild()
    _requests(sim)
    _log(sim)


def _catalogue(ctx: DemoContext) -> dict[str, Item]:
    ctx.bulk_create(
        Item,
        (
            Item(
                code=code,
                name=name,
                category=category,
                grade=grade,
                measure=measure,
                tracks_expiry=months > 0,
                aliases=aliases.replace(",", ", "),
                sort_order=n,
            )
            for n, (code, name, category, grade, measure, months, aliases, _use) in enumerate(
                CATALOGUE
            )
        ),
        label="supply_items",
    )
    return {item.code: item for item in Item.objects.all()}


def _stores(ctx: DemoContext) -> dict[int, Location]:
    units = Unit.objects.filter(
        pk__in=ctx.unit_ids.values(), kind__in=[UnitKind.DETACHMENT, UnitKind.BRIGADE]
    ).order_by("path")
    ctx.bulk_create(
        Location,
        (
            Location(kind=LocationKind.STORE, name=f"{u.short_name or u.name}物资库", unit=u)
            for u in units
        ),
        label="supply_stores",
    )
    stores = Location.objects.filter(kind=LocationKind.STORE).select_related("unit")
    return {store.unit_id: store for store in stores}


def _posts(ctx: DemoContext) -> list[tuple[Location, Site]]:
    sites = list(
        Site.objects.filter(status=SiteStatus.OPEN, pk__in=ctx.site_ids.values())
        .select_related("unit")
        .order_by("code")
    )
    ctx.bulk_create(
        Location,
        (Location(kind=LocationKind.POST, name=s.name, unit=s.unit, site=s) for s in sites),
        label="supply_posts",
    )
    by_site = {loc.site_id: loc for loc in Location.objects.filter(kind=LocationKind.POST)}
    return [(by_site[site.pk], site) for site in sites]


def _detachment_store(sim: Sim) -> Location:
    return next(s for s in sim.stores.values() if s.unit.kind == UnitKind.DETACHMENT)


def _brigade_of(sim: Sim, site: Site) -> Location:
    parts = site.unit.path.strip("/").split("/")
    for store in sim.stores.values():
        if store.unit.kind == UnitKind.BRIGADE and store.unit.code in parts:
            return store
    return _detachment_store(sim)


def _month_need(sim: Sim, use: float) -> int:
    return sum(_need(site, use) for _post, site in sim.posts) * DAYS


DELIVERY_DAYS = {0: (0.9, "A"), 15: (0.8, "B")}
TRANSFER_DAYS = (1, 11, 21)
DONATION_DAYS = {
    8: (
        "张掖市某商贸有限公司",
        "company",
        False,
        (("MASK-SURG", 5000, "6000"), ("WATER", 200, "4800")),
    ),
    18: ("热心市民", "individual", True, (("HEATPACK", 1000, "1500"), ("NOODLE", 100, "3500"))),
}


def _delivery(sim: Sim, day: int) -> None:
    """A supplier's delivery to the detachment's store."""
    share, letter = DELIVERY_DAYS[day]
    store = _detachment_store(sim)
    today = timezone.localdate(sim.ctx.now)
    for code, _name, _cat, _grade, _measure, months, _aliases, use in CATALOGUE:
        item = sim.items[code]
        quantity = int(max(_month_need(sim, use) * share, 0 if use else 200))
        expiry = today + timedelta(days=30 * months + day) if months else None
        batch = Batch.objects.create(
            item=item, number=f"{today:%y%m}{letter}{item.pk:02d}", expires_on=expiry
        )
        reference = f"RK{today:%y%m}{day:02d}{item.pk:02d}"
        supplier = sim.rng.choice(SUPPLIERS)
        at = sim.moment(day, 10)
        sim.receive(store, item, quantity, at, batch, supplier=supplier, reference=reference)


def _donation(sim: Sim, donor: str, kind: str, anonymous: bool, lines: Any) -> None:
    store = _detachment_store(sim)
    day = next(d for d, spec in DONATION_DAYS.items() if spec[0] == donor)
    received = sim.moment(day, 15)
    donation = Donation.objects.create(
        store=store,
        donor_name=donor,
        donor_kind=kind,
        received_on=received.date(),
        value=sum(Decimal(v) for *_rest, v in lines),
        publish=True,
        anonymous=anonymous,
    )
    for n, (code, quantity, value) in enumerate(lines, start=1):
        item = sim.items[code]
        batch = Batch.objects.create(item=item, number=f"{donation.receipt_number}-{n}")
        DonationLine.objects.create(
            donation=donation, item=item, quantity=quantity, value=Decimal(value), batch=batch
        )
        sim.receive(
            store,
            item,
            quantity,
            received,
            batch,
            donation=donation,
            supplier=donor,
            reference=donation.receipt_number,
        )
    sim.ctx.counts["supply_donations"] += 1


def _transfers(sim: Sim, day: int) -> None:
    """The detachment's store sends each brigade's two weeks' use, three times a month."""
    source = _detachment_store(sim)
    for store in (s for s in sim.stores.values() if s.unit.kind == UnitKind.BRIGADE):
        sites = [site for _post, site in sim.posts if _brigade_of(sim, site) == store]
        for code, *_rest, use in CATALOGUE:
            quantity = sum(_need(site, use) for site in sites) * 14 or 20
            at = sim.moment(day, 9)
            sim.send(MovementKind.TRANSFERRED, source, store, sim.items[code], quantity, at)


def _counted_items(sim: Sim) -> list[tuple[Item, float]]:
    return [(sim.items[code], use) for code, *_rest, use in CATALOGUE if use > 0]


def _low_posts(sim: Sim) -> set[int]:
    """A few posts (the demo officer's among them) whose last delivery is held back."""
    low = {site.pk for _post, site in sim.posts[:: max(1, len(sim.posts) // LOW_POSTS)]}
    return low | {site.pk for _post, site in sim.posts if site.name == OFFICER_LOGIN_SITE}


def _issues(sim: Sim, day: int) -> list[Issue]:
    """Each brigade's store tops its posts up to six days' use, signed for at the post."""
    low = _low_posts(sim)
    issues = []
    for post, site in sim.posts:
        if site.pk in low and day > DAYS - 8:
            continue
        store = _brigade_of(sim, site)
        at = sim.moment(day, 11, sim.rng.randrange(60))
        signer = sim.rng.choice("王李张刘陈杨赵黄周吴") + "班长"
        issue = Issue(
            store=store, post=post, status=IssueStatus.SIGNED, signed_name=signer, signed_at=at
        )
        issue.demo_lines = []  # type: ignore[attr-defined]
        for item, use in _counted_items(sim):
            # Enough to hold six days' use at the post, on top of what it has.
            wanted = _need(site, use) * 6 - sim.post_stock.get((post.pk, item.pk), 0)
            if wanted <= 0:
                continue
            sent = sim.send(MovementKind.ISSUED, store, post, item, wanted, at, issue=issue)
            sim.post_stock[(post.pk, item.pk)] = sim.post_stock.get((post.pk, item.pk), 0) + sent
            if sent:
                lines: list[IssueLine] = issue.demo_lines  # type: ignore[attr-defined]
                lines.append(IssueLine(issue=issue, item=item, quantity=sent))
        issues.append(issue)
    return issues


def _counts(sim: Sim, day: int) -> None:
    """Each post counts in the evening; what is gone since the last count was used."""
    for post, site in sim.posts:
        at = sim.moment(day, 20, 30)
        for item, use in _counted_items(sim):
            key = (post.pk, item.pk)
            held = sim.post_stock.get(key, 0)
            left = max(0, held - round(_need(site, use) * sim.rng.uniform(0.7, 1.3)))
            sim.move(MovementKind.COUNTED, post, item, left - held, at, counted=left)
            sim.post_stock[key] = left


def _requests(sim: Sim) -> None:
    """Requests from the posts running low: most waiting for the brigade, one approved and
    waiting for the post's signature."""
    rows = sorted(_running_low(sim), key=lambda pair: pair[1].code)
    mask = sim.items["MASK-SURG"]
    for n, (post, site) in enumerate(rows[:4]):
        store = _brigade_of(sim, site)
        request = SupplyRequest.objects.create(
            post=post,
            store=store,
            note="物资不足，请尽快补充",
            status=RequestStatus.APPROVED if n == 0 else RequestStatus.SUBMITTED,
        )
        RequestLine.objects.create(
            request=request,
            item=mask,
            requested=_need(site, 1.0) * 5,
            approved=_need(site, 1.0) * 5 if n == 0 else None,
        )
        if n == 0:
            issue = Issue.objects.create(store=store, post=post, request=request)
            IssueLine.objects.create(issue=issue, item=mask, quantity=_need(site, 1.0) * 5)
        sim.ctx.counts["supply_requests"] += 1


def _running_low(sim: Sim) -> list[tuple[Location, Site]]:
    """The posts whose masks last fewer days than the threshold, by the rebuilt sums."""
    from django.conf import settings
    from django.db.models import Sum

    from fangkong.supplies.models import StockDay, StockLevel

    today = timezone.localdate(sim.ctx.now)
    mask = sim.items["MASK-SURG"]
    levels = dict(StockLevel.objects.filter(item=mask).values_list("location_id", "quantity"))
    used = dict(
        StockDay.objects.filter(item=mask, day__gte=today - timedelta(days=7), day__lt=today)
        .values("location_id")
        .annotate(c=Sum("consumed"))
        .values_list("location_id", "c")
    )
    return [
        (post, site)
        for post, site in sim.posts
        if ledger.is_low(levels.get(post.pk, 0), used.get(post.pk, 0), settings.SUPPLIES_LOW_DAYS)
    ]


def _demo_photo() -> str:
    """One small photo that every demo disinfection entry shows."""
    name = "supplies/disinfection/demo-post.jpg"
    if not default_storage.exists(name):
        image = Image.new("RGB", (480, 360), (70, 130, 160))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=70)
        name = default_storage.save(name, ContentFile(out.getvalue()))
    return name


def _log(sim: Sim) -> None:
    """Today's disinfection and welfare so far, every seventh post missing its entries."""
    now = timezone.localtime(sim.ctx.now)
    photo = _demo_photo()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    done, fed = [], []
    for n, (post, _site) in enumerate(sim.posts):
        if n % 7 == 3:
            continue
        for hour in (8, 14):
            at = start + timedelta(hours=hour, minutes=sim.rng.randrange(50))
            if at <= now:
                done.append(
                    DisinfectionEntry(
                        post=post,
                        done_at=at,
                        done_by=sim.rng.choice("王李张刘陈杨") + "辅警",
                        areas=["booth", "barrier", "desk"],
                        agent="84消毒液 1:100",
                        photo=photo,
                        thumbnail=photo,
                    )
                )
        winter = now.month in (11, 12, 1, 2, 3)
        for shift, (first, _end) in WELFARE_SHIFT_HOURS.items():
            if now.hour >= first + 1:
                entry = WelfareEntry(
                    post=post, day=now.date(), shift=shift, meals=6, water=True, heating=winter
                )
                fed.append(entry)
    sim.ctx.bulk_create(DisinfectionEntry, done, label="supply_disinfections")
    sim.ctx.bulk_create(WelfareEntry, fed, label="supply_welfare")
