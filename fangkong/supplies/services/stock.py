"""Writes to the stock ledger: receive, transfer, use, write off, count; and the stores and
posts that hold stock. Each service validates, writes its movements and their sums
(``aggregates.apply``) and an audit record in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.org.models import Unit
from fangkong.sites.models import Site
from fangkong.supplies import aggregates, ledger
from fangkong.supplies.choices import LocationKind, MovementKind
from fangkong.supplies.models import Batch, BatchLevel, Item, Location, Movement, StockLevel
from fangkong.supplies.permissions import can_act_at_post, can_manage_stock


@dataclass(frozen=True)
class Line:
    """One item of a receipt, transfer, count or issue."""

    item: Item
    quantity: int
    batch_number: str = ""
    expires_on: date | None = None


def require_stock_role(actor: Any, location: Location) -> None:
    if not can_manage_stock(actor, location.unit):
        raise PermissionDeniedError(_("You may not manage the stock of this unit."))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def lock(*locations: Location) -> None:
    """Take the row locks of the locations, in id order so that two writers never wait on
    each other crosswise (PostgreSQL; SQLite's one writer needs none)."""
    ids = sorted({location.pk for location in locations})
    # Ordered by id, not by the model's unit path: a join would lock the units' rows too.
    rows = Location.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    list(rows.values_list("pk", flat=True))


def record(movements: Sequence[Movement]) -> list[Movement]:
    """Write movements and add them to the sums, in the caller's transaction."""
    created = Movement.objects.bulk_create(movements)
    stores = {m.location_id for m in movements if m.location.kind == LocationKind.STORE}
    aggregates.apply(created, stores)
    return created


def _check_at(errors: FieldErrors, at: datetime) -> None:
    if at > timezone.now() + timezone.timedelta(minutes=5):
        errors.add("at", _("A movement cannot be in the future."), "at_future")


def _check_quantities(errors: FieldErrors, lines: Sequence[Line]) -> None:
    if not lines:
        errors.add("lines", _("Add at least one item."), "lines_empty")
    for line in lines:
        if line.quantity <= 0:
            errors.add("lines", _("Quantities are whole numbers above zero."), "quantity_invalid")
            return


# --- locations ---------------------------------------------------------------------------


@transaction.atomic
def store_create(*, actor: Any, unit: Unit, name: str) -> Location:
    if not can_manage_stock(actor, unit):
        raise PermissionDeniedError(_("You may not manage the stock of this unit."))
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", _("Give the store a name."), "name_required")
    errors.raise_if_any()
    store = Location.objects.create(kind=LocationKind.STORE, name=name.strip(), unit=unit)
    audit_record(actor=actor, action="supplies.store_create", target=store)
    return store


def post_location(site: Site) -> Location:
    """The post's location, made the first time it is needed (under the site's unit)."""
    location = Location.objects.filter(site=site).select_related("unit", "site").first()
    if location is None:
        location, _created = Location.objects.get_or_create(
            site=site, defaults={"kind": LocationKind.POST, "name": site.name, "unit": site.unit}
        )
    return location


def stores_above(unit: Unit) -> list[Location]:
    """The stores of ``unit`` and of the units above it, nearest first."""
    parts = unit.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    stores = Location.objects.filter(
        kind=LocationKind.STORE, active=True, unit__path__in=paths
    ).select_related("unit")
    return sorted(stores, key=lambda s: (-len(s.unit.path), s.pk))


# --- batches -------------------------------------------------------------------------------


def batch_for(errors: FieldErrors, line: Line, field: str = "lines") -> Batch | None:
    """The batch a received line goes into, made if new; a known batch number with another
    expiry date is an error rather than a silent change."""
    number = line.batch_number.strip()
    batch = Batch.objects.filter(item=line.item, number=number).first()
    if batch is None:
        return Batch.objects.create(item=line.item, number=number, expires_on=line.expires_on)
    if line.expires_on and batch.expires_on and batch.expires_on != line.expires_on:
        message = _("Batch %(batch)s of %(item)s expires on %(date)s, not %(other)s.") % {
            "batch": number or "-",
            "item": line.item.name,
            "date": batch.expires_on.isoformat(),
            "other": line.expires_on.isoformat(),
        }
        errors.add(field, message, "batch_expiry_conflict")
        return None
    if line.expires_on and batch.expires_on is None:
        batch.expires_on = line.expires_on
        batch.save(update_fields=["expires_on"])
    return batch


def batch_stock(store: Location, item: Item) -> list[ledger.BatchStock]:
    rows = BatchLevel.objects.filter(location=store, item=item, quantity__gt=0).values_list(
        "batch_id", "quantity", "batch__expires_on"
    )
    return [ledger.BatchStock(batch_id, q, expires) for batch_id, q, expires in rows]


def draw(
    errors: FieldErrors, store: Location, item: Item, quantity: int, *, field: str = "lines"
) -> list[ledger.Draw]:
    """The batches ``quantity`` of ``item`` comes out of, earliest expiry first; an error on
    ``field`` when the store has too little."""
    try:
        return ledger.first_expiry_first(
            batch_stock(store, item), quantity, today=timezone.localdate()
        )
    except ledger.NotEnoughStock as exc:
        message = _("%(store)s has %(available)s %(item)s that can be issued, not %(wanted)s.")
        errors.add(
            field,
            message
            % {
                "store": store.name,
                "available": exc.available,
                "item": item.name,
                "wanted": exc.wanted,
            },
            "not_enough_stock",
        )
        return []


def level_of(location: Location, item: Item) -> int:
    found = StockLevel.objects.filter(location=location, item=item).values_list(
        "quantity", flat=True
    )
    return next(iter(found), 0)


# --- movements -----------------------------------------------------------------------------


@transaction.atomic
def stock_receive(
    *,
    actor: Any,
    store: Location,
    lines: Sequence[Line],
    supplier: str = "",
    reference: str = "",
    note: str = "",
    at: datetime | None = None,
    donation: Any = None,
    import_job: Any = None,
    batches: Sequence[Batch] | None = None,
) -> list[Movement]:
    """Goods arriving at a store (a delivery, a donation, an import)."""
    require_stock_role(actor, store)
    at = at or timezone.now()
    errors = FieldErrors()
    _check_at(errors, at)
    _check_quantities(errors, lines)
    if store.kind != LocationKind.STORE:
        errors.add("store", _("Goods are received into a store."), "not_a_store")
    errors.raise_if_any()
    lock(store)
    chosen = list(batches) if batches is not None else [batch_for(errors, line) for line in lines]
    errors.raise_if_any()
    movements = [
        Movement(
            kind=MovementKind.RECEIVED,
            location=store,
            item=line.item,
            batch=batch,
            quantity=line.quantity,
            at=at,
            day=local_day(at),
            supplier=supplier,
            reference=reference,
            note=note,
            donation=donation,
            import_job=import_job,
            recorded_by=_user(actor),
        )
        for line, batch in zip(lines, chosen, strict=True)
    ]
    created = record(movements)
    audit_record(
        actor=actor,
        action="supplies.receive",
        target=store,
        extra={"lines": len(lines), "supplier": supplier, "reference": reference},
    )
    return created


@transaction.atomic
def stock_transfer(
    *, actor: Any, source: Location, target: Location, lines: Sequence[Line], note: str = ""
) -> list[Movement]:
    """Stock sent from one store to another (the detachment's to a brigade's), by batch."""
    require_stock_role(actor, source)
    errors = FieldErrors()
    _check_quantities(errors, lines)
    if target.kind != LocationKind.STORE or target.pk == source.pk:
        errors.add("target", _("Choose another store to send to."), "target_invalid")
    errors.raise_if_any()
    lock(source, target)
    at = timezone.now()
    movements: list[Movement] = []
    for line in lines:
        for part in draw(errors, source, line.item, line.quantity):
            movements += _pair(MovementKind.TRANSFERRED, source, target, line.item, part, at, actor)
    errors.raise_if_any()
    for m in movements:
        m.note = note
    created = record(movements)
    audit_record(
        actor=actor,
        action="supplies.transfer",
        target=source,
        extra={"to": target.pk, "lines": len(lines)},
    )
    return created


def _pair(
    kind: str,
    source: Location,
    target: Location,
    item: Item,
    part: ledger.Draw,
    at: datetime,
    actor: Any,
    **extra: Any,
) -> list[Movement]:
    """The two movements of stock going from ``source`` to ``target``."""
    common = {"kind": kind, "item": item, "batch_id": part.batch_id, "at": at, "day": local_day(at)}
    group = Movement._meta.get_field("group").get_default()
    user = _user(actor)
    return [
        Movement(location=source, counterpart=target, quantity=-part.quantity, group=group,
                 recorded_by=user, **common, **extra),
        Movement(location=target, counterpart=source, quantity=part.quantity, group=group,
                 recorded_by=user, **common, **extra),
    ]  # fmt: skip


@transaction.atomic
def stock_use(
    *, actor: Any, location: Location, item: Item, quantity: int, note: str = ""
) -> list[Movement]:
    """Stock used where it is held (a store's own use, or a post's, recorded as used)."""
    _require_location_role(actor, location)
    errors = FieldErrors()
    _check_quantities(errors, [Line(item, quantity)])
    errors.raise_if_any()
    lock(location)
    at = timezone.now()
    if location.kind == LocationKind.STORE:
        parts = draw(errors, location, item, quantity)
    else:
        if quantity > level_of(location, item):
            errors.add("quantity", _("The post does not have that many."), "not_enough_stock")
        parts = [ledger.Draw(0, quantity)]
    errors.raise_if_any()
    created = record(
        [
            Movement(
                kind=MovementKind.USED,
                location=location,
                item=item,
                batch_id=part.batch_id or None,
                quantity=-part.quantity,
                at=at,
                day=local_day(at),
                note=note,
                recorded_by=_user(actor),
            )
            for part in parts
        ]
    )
    audit_record(actor=actor, action="supplies.use", target=location, extra={"item": item.pk})
    return created


def _require_location_role(actor: Any, location: Location) -> None:
    if location.kind == LocationKind.POST:
        if not (can_act_at_post(actor, location.site) or can_manage_stock(actor, location.unit)):
            raise PermissionDeniedError(_("You may not record supplies at this post."))
        return
    require_stock_role(actor, location)


@transaction.atomic
def stock_write_off(
    *,
    actor: Any,
    store: Location,
    item: Item,
    quantity: int,
    reason: str,
    batch: Batch | None = None,
) -> list[Movement]:
    """Stock that is expired, damaged or lost leaves the store (a named batch, or the
    earliest-expiring ones, expired first)."""
    require_stock_role(actor, store)
    errors = FieldErrors()
    _check_quantities(errors, [Line(item, quantity)])
    if not reason.strip():
        errors.add("reason", _("Say why the stock is written off."), "reason_required")
    errors.raise_if_any()
    lock(store)
    stock = batch_stock(store, item)
    if batch is not None:
        stock = [b for b in stock if b.batch_id == batch.pk]
    # Expired batches are written off first: ``today`` far back lets the draw take them.
    try:
        parts = ledger.first_expiry_first(stock, quantity, today=date.min)
    except ledger.NotEnoughStock as exc:
        message = _("Only %(available)s can be written off.") % {"available": exc.available}
        errors.add("quantity", message, "not_enough_stock")
        errors.raise_if_any()
        raise
    at = timezone.now()
    created = record(
        [
            Movement(
                kind=MovementKind.WRITTEN_OFF,
                location=store,
                item=item,
                batch_id=part.batch_id,
                quantity=-part.quantity,
                at=at,
                day=local_day(at),
                note=reason.strip(),
                recorded_by=_user(actor),
            )
            for part in parts
        ]
    )
    audit_record(
        actor=actor,
        action="supplies.write_off",
        target=store,
        reason=reason,
        extra={"item": item.pk},
    )
    return created


@transaction.atomic
def stock_count(
    *,
    actor: Any,
    location: Location,
    lines: Sequence[Line],
    note: str = "",
    import_job: Any = None,
) -> list[Movement]:
    """What a count found: each line's ``quantity`` is the number counted (zero allowed),
    and the movement is the difference from the books. At a store a line with a batch number
    counts that batch; at a post what is missing since the last count is what was used."""
    _require_location_role(actor, location)
    errors = FieldErrors()
    if not lines:
        errors.add("lines", _("Add at least one item."), "lines_empty")
    keys = [(line.item.pk, line.batch_number.strip()) for line in lines]
    if len(keys) != len(set(keys)):
        errors.add("lines", _("An item is counted twice."), "count_duplicate")
    if any(line.quantity < 0 for line in lines):
        errors.add("lines", _("A count cannot be below zero."), "quantity_invalid")
    errors.raise_if_any()
    lock(location)
    at = timezone.now()
    movements: list[Movement] = []
    for line in lines:
        movements += _count_line(errors, location, line, at, actor)
    errors.raise_if_any()
    for m in movements:
        m.note, m.import_job = note, import_job
    created = record(movements)
    audit_record(actor=actor, action="supplies.count", target=location, extra={"lines": len(lines)})
    return created


def _count_line(
    errors: FieldErrors, location: Location, line: Line, at: datetime, actor: Any
) -> list[Movement]:
    common = {
        "kind": MovementKind.COUNTED,
        "location": location,
        "item": line.item,
        "at": at,
        "day": local_day(at),
        "counted": line.quantity,
        "recorded_by": _user(actor),
    }
    if location.kind == LocationKind.POST:
        return [Movement(quantity=line.quantity - level_of(location, line.item), **common)]
    if line.batch_number.strip():
        batch = batch_for(errors, line)
        if batch is None:
            return []
        held = BatchLevel.objects.filter(location=location, batch=batch).values_list(
            "quantity", flat=True
        )
        return [Movement(batch=batch, quantity=line.quantity - next(iter(held), 0), **common)]
    difference = line.quantity - level_of(location, line.item)
    if difference >= 0:
        batch = batch_for(errors, Line(line.item, line.quantity, "", line.expires_on))
        return [Movement(batch=batch, quantity=difference, **common)]
    parts = ledger.first_expiry_first(batch_stock(location, line.item), -difference, today=date.min)
    return [Movement(batch_id=p.batch_id, quantity=-p.quantity, **common) for p in parts]
