"""The donation receipt (捐赠接收凭证) as a PDF: the receiving unit's name, the donor, what was
given and its value, and where the goods have gone so far. Printed in Chinese whatever the
user's language, like the site posters: it is handed to the donor."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

# The one CJK font helper (registered once per process), shared with the daily reports.
from fangkong.core.fonts import cjk_font
from fangkong.supplies.choices import DonorKind, MeasureUnit
from fangkong.supplies.models import Donation
from fangkong.supplies.selectors import Destination


def _table(font: str, rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table([[str(c) for c in r] for r in rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f0fb")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=10),
        "muted": ParagraphStyle("muted", parent=base, fontSize=9, textColor=colors.grey),
    }


def receipt_pdf(donation: Donation, destinations: list[Destination]) -> bytes:
    with translation.override("zh-hans"):
        return _receipt(donation, destinations)


def _doc(out: io.BytesIO) -> SimpleDocTemplate:
    margins = {f"{side}Margin": 18 * mm for side in ("left", "right", "top", "bottom")}
    return SimpleDocTemplate(out, pagesize=A4, title=_("Donation receipt"), **margins)


def _goods(donation: Donation) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Item"), _("Quantity"), _("Value (yuan)")]]
    for line in donation.lines.all():
        quantity = f"{line.quantity} {MeasureUnit(line.item.measure).label}"
        rows.append([line.item.name, quantity, f"{line.value:,.2f}"])
    return rows


def _facts(donation: Donation) -> list[list[Any]]:
    donor = f"{donation.donor_name}（{DonorKind(donation.donor_kind).label}）"
    return [
        [_("Receipt number"), donation.receipt_number],
        [_("Donor"), donor],
        [_("Received on"), donation.received_on.isoformat()],
        [_("Received into"), donation.store.name],
        [_("Total value (yuan)"), f"{donation.value:,.2f}"],
    ]


def _receipt(donation: Donation, destinations: list[Destination]) -> bytes:
    font = cjk_font()
    styles = _styles(font)

    def para(text: str, style: str = "base") -> Paragraph:
        return Paragraph(escape(text), styles[style])

    unit = donation.store.unit.name
    story: list[Any] = [
        para(_("%(unit)s: receipt for donated supplies") % {"unit": unit}, "title"),
        Spacer(1, 6 * mm),
        _table(font, _facts(donation), [40 * mm, 130 * mm]),
        para(_("Goods received"), "h2"),
        _table(font, _goods(donation), [90 * mm, 40 * mm, 40 * mm]),
        para(_("Where the goods went"), "h2"),
    ]
    if destinations:
        rows = [[_("Date"), _("To"), _("Item"), _("Quantity")]] + [
            [d.day.isoformat(), d.to, d.item, f"{d.quantity} {d.measure}"] for d in destinations
        ]
        story.append(_table(font, rows, [28 * mm, 72 * mm, 40 * mm, 30 * mm]))
    else:
        story.append(para(_("Not yet issued: the goods are in store.")))
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story += [
        Spacer(1, 8 * mm),
        para(_("Thank you for supporting epidemic control.")),
        Spacer(1, 10 * mm),
        para(_("Receiving unit (seal): %(unit)s") % {"unit": unit}),
        para(_("Printed %(time)s") % {"time": printed}, "muted"),
    ]
    out = io.BytesIO()
    _doc(out).build(story)
    return out.getvalue()
