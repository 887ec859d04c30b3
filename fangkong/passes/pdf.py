"""The printed vehicle pass: its QR code (segno) and the A4 PDF (reportlab).

The QR code holds the absolute URL of the checkpoint scan page for the pass's token, so the
officer app reads the token from it (``selectors.vehicle_pass_token_from_qr``) and a plain phone
camera opens the scan page. The PDF shows personal data masked only: it is printed and left
behind a windscreen.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import segno
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangkong.core.fonts import cjk_font
from fangkong.passes.models import VehiclePass
from fangkong.passes.selectors import PASS_TIME_ZONE, display_plate, drivers_of

QR_ERROR = "m"  # 15 % of the code may be dirty or creased and it still reads


def pass_qr(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR, micro=False)


def pass_qr_svg(url: str) -> str:
    """An inline SVG of the QR code, for the status, detail and scan pages."""
    return pass_qr(url).svg_inline(scale=5, border=2, title=_("QR code of the vehicle pass"))


class QrFlowable(Flowable):
    """The QR code drawn as vector squares, so it prints sharp at any size."""

    def __init__(self, qr: segno.QRCode, size: float) -> None:
        super().__init__()
        self.matrix = [list(row) for row in qr.matrix_iter(border=2)]
        self.width = self.height = size

    def draw(self) -> None:
        modules = len(self.matrix)
        cell = self.width / modules
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    top = self.height - (y + 1) * cell
                    self.canv.rect(x * cell, top, cell, cell, stroke=0, fill=1)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=16)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontSize=26, leading=34, alignment=1),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, alignment=1),
        "plate": ParagraphStyle("plate", base, fontSize=30, leading=38),
        "number": ParagraphStyle("number", base, fontSize=13, leading=18),
        "label": ParagraphStyle("label", base, textColor=colors.HexColor("#555555")),
        "small": ParagraphStyle("small", base, fontSize=9, leading=13),
        "caption": ParagraphStyle("caption", base, fontSize=9, leading=12, alignment=1),
        "issuer": ParagraphStyle("issuer", base, fontSize=12, leading=18, alignment=2),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: reportlab reads paragraph text as markup."""
    return Paragraph(escape(str(text)), style)


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _decided_day(vehicle_pass: VehiclePass) -> str:
    decided = vehicle_pass.decided_at
    return _day(timezone.localtime(decided, PASS_TIME_ZONE)) if decided else ""


def _details(vehicle_pass: VehiclePass, styles: dict[str, ParagraphStyle]) -> Table:
    rows = [
        (_("Pass number"), vehicle_pass.number),
        (_("Licence plate"), display_plate(vehicle_pass.plate)),
        (_("Vehicle kind"), vehicle_pass.get_vehicle_kind_display()),
        (_("Company"), vehicle_pass.company),
        (_("Cargo"), vehicle_pass.get_cargo_kind_display()),
        (_("Route"), vehicle_pass.route),
        (_("Valid"), _validity(vehicle_pass)),
        (_("Approving unit"), vehicle_pass.unit.name),
        (_("Approved on"), _decided_day(vehicle_pass)),
    ]
    data = [[_p(k, styles["label"]), _p(v, styles["base"])] for k, v in rows]
    table = Table(data, colWidths=[35 * mm, 135 * mm])
    table.setStyle(_grid())
    return table


def _drivers(vehicle_pass: VehiclePass, styles: dict[str, ParagraphStyle]) -> Table:
    head = [_("Driver"), _("Document"), _("Mobile phone")]
    data = [[_p(h, styles["label"]) for h in head]]
    for person in drivers_of(vehicle_pass):
        cells = [person.name_masked, person.doc_masked, person.phone_masked]
        data.append([_p(c, styles["base"]) for c in cells])
    table = Table(data, colWidths=[40 * mm, 75 * mm, 55 * mm])
    table.setStyle(_grid())
    return table


def _grid() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#888888")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
    )


def _validity(vehicle_pass: VehiclePass) -> str:
    return _("%(start)s to %(end)s") % {
        "start": _day(vehicle_pass.valid_from),
        "end": _day(vehicle_pass.valid_to),
    }


def _heading(vehicle_pass: VehiclePass, scan_url: str, styles: dict[str, ParagraphStyle]) -> Table:
    """What the officer reads through the windscreen: plate, days, cargo, and the QR code."""
    left = [
        _p(display_plate(vehicle_pass.plate), styles["plate"]),
        Spacer(1, 3 * mm),
        _p(_validity(vehicle_pass), styles["number"]),
        Spacer(1, 2 * mm),
        _p(vehicle_pass.get_cargo_kind_display(), styles["number"]),
    ]
    right = [QrFlowable(pass_qr(scan_url), 48 * mm), _p(_("Scan to check"), styles["caption"])]
    table = Table([[left, right]], colWidths=[120 * mm, 50 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _issuer(vehicle_pass: VehiclePass, styles: dict[str, ParagraphStyle]) -> list[Paragraph]:
    day = _decided_day(vehicle_pass)
    return [_p(vehicle_pass.unit.name, styles["issuer"]), _p(day, styles["issuer"])]


def _frame(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#1b5e9c"))
    canvas.setLineWidth(2)
    canvas.rect(12 * mm, 12 * mm, A4[0] - 24 * mm, A4[1] - 24 * mm)
    canvas.restoreState()


def vehicle_pass_pdf(vehicle_pass: VehiclePass, *, scan_url: str) -> bytes:
    """The A4 pass, in the current language, with the QR code for ``scan_url``."""
    styles = _styles(cjk_font())
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{_('Vehicle pass')} {vehicle_pass.number}",
        author=vehicle_pass.unit.name,
    )
    footer = _(
        "Scan the QR code to check this pass. It is valid only for the vehicle and the drivers "
        "listed, on the route and days shown, and may be revoked at any time."
    )
    doc.build(
        [
            _p(_("Vehicle pass"), styles["title"]),
            _p(_("Epidemic prevention and control"), styles["subtitle"]),
            Spacer(1, 8 * mm),
            _heading(vehicle_pass, scan_url, styles),
            Spacer(1, 6 * mm),
            _details(vehicle_pass, styles),
            Spacer(1, 6 * mm),
            _drivers(vehicle_pass, styles),
            Spacer(1, 6 * mm),
            _p(footer, styles["small"]),
            Spacer(1, 12 * mm),
            *_issuer(vehicle_pass, styles),
        ],
        onFirstPage=_frame,
        onLaterPages=_frame,
    )
    return buffer.getvalue()
