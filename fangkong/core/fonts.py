"""The CJK font every PDF we draw uses (posters, vehicle passes, reports, receipts).

reportlab embeds TrueType fonts only; Debian's ``fonts-wqy-zenhei`` is the one the machine
set-up installs (``scripts/system_deps.sh``), and ``FANGKONG_CJK_FONT_PATH`` may name another.
Noto CJK usually ships as CFF-flavoured OpenType, which reportlab cannot embed; it is tried
anyway in case a TrueType build is there.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

FONT_NAME = "FangkongCJK"
# Adobe's standard Chinese font: known to every PDF reader, so never embedded.
UNEMBEDDED_FONT = "STSong-Light"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@cache
def cjk_font(*, unembedded_fallback: bool = False) -> str:
    """The name of a CJK font registered with reportlab, once per process: the configured
    file, else the first candidate that embeds. Without one, Adobe's STSong (not embedded)
    if ``unembedded_fallback``, else a ``RuntimeError`` that says what to install."""
    configured = getattr(settings, "CJK_FONT_PATH", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if not candidate or not Path(candidate).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, candidate, subfontIndex=0))
        except Exception:  # reportlab raises TTFError and assorted others.
            logger.info("cannot embed CJK font %s", candidate)
            continue
        return FONT_NAME
    if unembedded_fallback:
        pdfmetrics.registerFont(UnicodeCIDFont(UNEMBEDDED_FONT))
        return UNEMBEDDED_FONT
    raise RuntimeError("no CJK font found: install fonts-wqy-zenhei (see scripts/system_deps.sh)")
