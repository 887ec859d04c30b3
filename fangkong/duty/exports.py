"""The weekly supervision summary per unit (督导检查周报), as Excel and as PDF. The PDF uses
the shared CJK font helper (``core/fonts.py``)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangkong.core.excel import workbook_bytes
from fangkong.core.fonts import cjk_font
from fangkong.duty.choices import CHECKLIST
from fangkong.duty.selectors import SummaryRow
from fangkong.org.models import Unit


def _title(unit: Unit, week_start: date) -> str:
    end = week_start + timedelta(days=6)
    return _("Supervision summary %(unit)s, %(start)s to %(end)s") % {
        "unit": unit.name,
        "start": week_start.isoformat(),
        "end": end.isoformat(),
    }


def _header() -> list[str]:
    return [
        _("Post"),
        _("Unit"),
        _("Visits"),
        *[str(label) for _code, label in CHECKLIST],
        _("Fixes asked"),
        _("Fixes closed"),
        _("Fixes overdue"),
    ]


def _cells(row: SummaryRow) -> list[object]:
    failed = [row.failed.get(code, 0) for code, _label in CHECKLIST]
    return [
        row.site,
        row.unit,
        row.visits,
        *failed,
        row.fixes_asked,
        row.fixes_closed,
        row.fixes_overdue,
    ]


def summary_xlsx(unit: Unit, week_start: date, rows: list[SummaryRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Supervision")[:31]
    sheet.append([_title(unit, week_start)])
    sheet.append([_("Checklist columns count the visits where the item failed.")])
    sheet.append(_header())
    for row in rows:
        sheet.append(_cells(row))
    return workbook_bytes(book)


def summary_pdf(unit: Unit, week_start: date, rows: list[SummaryRow]) -> bytes:
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=8, leading=10)
    title = ParagraphStyle("title", base, fontSize=14, leading=20)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm)
    data = [[Paragraph(escape(str(cell)), base) for cell in _header()]]
    data += [[Paragraph(escape(str(cell)), base) for cell in _cells(row)] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
            ]
        )
    )
    parts = [
        Paragraph(escape(_title(unit, week_start)), title),
        Paragraph(_("Checklist columns count the visits where the item failed."), base),
        Spacer(1, 4 * mm),
        table,
    ]
    doc.build(parts)
    return out.getvalue()
