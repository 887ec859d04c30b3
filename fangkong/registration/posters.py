"""QR codes for the public forms and the A4 posters that carry them to the roadside.

A poster is printed once and taped to a barrier for weeks, so it holds only what does not
change: the site's name, what kind of registration it is for, the QR code of the form's
absolute URL, three short steps and the retention notice. Posters are always in Chinese.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from functools import cache

import segno
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fangkong.core.fonts import cjk_font
from fangkong.registration.forms import KIND_TITLES
from fangkong.sites.models import Site

logger = logging.getLogger(__name__)


def poster_font() -> str:
    """A poster prints even without an embeddable CJK font, in Adobe's STSong."""
    return cjk_font(unembedded_fallback=True)


def form_path(site: Site, kind: str) -> str:
    return f"/r/{site.code}/{kind}/"


@cache
def _pass_path_around(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    path = reverse("registration:pass", urlconf=urlconf, args=["TOKEN"])
    # The last "TOKEN" is the argument's: a script prefix could hold the word too.
    before, _, after = path.rpartition("TOKEN")
    return before, after


def pass_path(token: str) -> str:
    """``reverse("registration:pass", args=[token])`` without resolving the pattern again for
    every form sent: a token is URL-safe base64 and needs no quoting."""
    before, after = _pass_path_around(get_script_prefix(), get_urlconf())
    return f"{before}{token}{after}"


def form_url(site: Site, kind: str, *, base: str) -> str:
    """The absolute URL of a public form; ``base`` is ``PUBLIC_BASE_URL`` or the request's."""
    return base.rstrip("/") + form_path(site, kind)


def public_base(request_base: str) -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "") or request_base


def qr_svg(text: str, *, css_class: str = "qr") -> str:
    """An inline SVG of a QR code, with a four-module quiet zone as scanners expect."""
    code = segno.make(text, error="m", micro=False)
    return code.svg_inline(scale=1, border=4, omitsize=True, svgclass=css_class, lineclass=None)


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the code as vector runs of dark modules, so it prints sharp at any size."""
    matrix = segno.make(text, error="m", micro=False).matrix
    module = size / len(matrix)
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(x + start * module, top, (column - start) * module, module, 0, 1)


def _centred(canvas: Canvas, text: str, y: float, size: float) -> None:
    canvas.setFont(poster_font(), size)
    canvas.drawCentredString(A4[0] / 2, y, text)


def _page(canvas: Canvas, site: Site, kind: str, url: str) -> None:
    width, height = A4
    _centred(canvas, _("Scan to self-register"), height - 32 * mm, 34)
    _centred(canvas, site.name, height - 50 * mm, 26)
    _centred(canvas, str(KIND_TITLES[kind]), height - 62 * mm, 18)
    qr_size = 120 * mm
    _draw_qr(canvas, url, (width - qr_size) / 2, height - 190 * mm, qr_size)
    steps = (
        _("1. Scan the code with your phone's camera or WeChat."),
        _("2. Fill in the form truthfully and submit it."),
        _("3. Show the registration receipt on your phone to the officer on duty."),
    )
    canvas.setFont(poster_font(), 15)
    for number, step in enumerate(steps):
        canvas.drawString(30 * mm, height - (206 + number * 10) * mm, step)
    canvas.setFont(poster_font(), 10)
    notice = _(
        "Your information is used only for epidemic control and is deleted after %(days)s days."
    ) % {"days": settings.RETENTION_DAYS}
    canvas.drawCentredString(width / 2, 24 * mm, notice)
    canvas.drawCentredString(width / 2, 17 * mm, url)
    canvas.showPage()


def posters_pdf(pages: Iterable[tuple[Site, str]], *, base: str) -> bytes:
    """One A4 page per (site, kind), in Chinese whatever the requester's language."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("Fangkong QR posters")
    with translation.override("zh-hans"):
        for site, kind in pages:
            _page(canvas, site, kind, form_url(site, kind, base=base))
    canvas.save()
    return buffer.getvalue()
