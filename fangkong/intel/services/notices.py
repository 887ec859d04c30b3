"""The trace notice (协查通告): a PDF for publication with the times, places, trains and
plates of the case, and no personal identity. Every one made is audited."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangkong.core.audit import audit_record
from fangkong.core.fonts import cjk_font
from fangkong.intel.models import Trace
from fangkong.intel.services.tracing import trace_events_public


def _rows(trace: Trace) -> list[list[str]]:
    rows = []
    for event in trace_events_public(trace):
        when = (
            timezone.localtime(event["at"]).strftime("%Y-%m-%d %H:%M")
            if event["at"]
            else event["day"].isoformat()
        )
        place = event["site"] or event.get("train", "")
        rows.append([when, place, event.get("address", ""), event.get("plate", "")])
    return rows


def notice_pdf(*, actor: Any, trace: Trace, request: Any = None) -> bytes:
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm)
    header = [_("Time"), _("Place or train"), _("Address"), _("Licence plate")]
    table = Table(
        [[Paragraph(escape(h), cell) for h in header]]
        + [[Paragraph(escape(v), cell) for v in row] for row in _rows(trace)],
        colWidths=[35 * mm, 45 * mm, 60 * mm, 30 * mm],
        repeatRows=1,
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888")]))
    text = _(
        "A confirmed case passed the places below at the times shown. Anyone who was at these "
        "places at these times, or on these trains and flights, or in these vehicles, is "
        "asked to report at once to their community or the nearest police station, and to "
        "stay at home until contacted."
    )
    story = [
        Paragraph(escape(_("Trace notice")), title),
        Spacer(1, 6 * mm),
        Paragraph(escape(text), body),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
        Paragraph(escape(timezone.localdate().isoformat()), body),
    ]
    doc.build(story)
    audit_record(actor=actor, action="intel.notice_pdf", target=trace, request=request)
    return out.getvalue()
