"""Excel workbooks of the supplies app: the ledger, the reorder list and the days-of-stock
table, written through ``fangkong.lib.tabular`` so that nothing a user typed (an item, a
supplier, a note) can become a formula."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core.names import person_name
from fangkong.lib.tabular import write_workbook
from fangkong.supplies.choices import LocationKind, MovementKind
from fangkong.supplies.models import Movement
from fangkong.supplies.selectors import StockRow


def ledger_workbook(movements: Iterable[Movement]) -> bytes:
    headers = [
        _("Time"),
        pgettext("supplies store", "Location"),
        _("Kind"),
        _("Item"),
        _("Batch number"),
        _("Expiry date"),
        _("Quantity"),
        _("Counted"),
        _("From / to"),
        _("Recipient"),
        _("Supplier or donor"),
        pgettext("delivery note", "Document number"),
        _("Note"),
        _("Recorded by"),
    ]
    rows = (
        [
            timezone.localtime(m.at).strftime("%Y-%m-%d %H:%M"),
            m.location.name,
            str(MovementKind(m.kind).label),
            m.item.name,
            m.batch.number if m.batch else "",
            m.batch.expires_on.isoformat() if m.batch and m.batch.expires_on else "",
            m.quantity,
            m.counted if m.counted is not None else "",
            m.counterpart.name if m.counterpart else "",
            m.recipient,
            m.supplier,
            m.reference,
            m.note,
            person_name(m.recorded_by) if m.recorded_by else "",
        ]
        for m in movements
    )
    return write_workbook([(_("Stock ledger"), headers, rows)])


def stock_rows(rows: Iterable[StockRow]) -> list[list[object]]:
    return [
        [
            r.unit,
            r.location,
            str(LocationKind(r.kind).label),
            r.item,
            r.measure,
            r.balance,
            r.daily,
            r.days_left if r.days_left is not None else "",
            r.reorder,
        ]
        for r in rows
    ]


def stock_headers() -> list[str]:
    return [
        _("Unit"),
        pgettext("supplies store", "Location"),
        _("Kind"),
        _("Item"),
        _("Unit of measure"),
        _("Balance"),
        _("Used per day (last 7 days)"),
        _("Days left"),
        _("To order"),
    ]


def reorder_workbook(reorder: list[StockRow], all_rows: list[StockRow]) -> bytes:
    return write_workbook(
        [
            (_("Reorder list"), stock_headers(), stock_rows(reorder)),
            (_("Days of stock left"), stock_headers(), stock_rows(all_rows)),
        ]
    )
