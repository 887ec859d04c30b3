"""Signatures drawn on the phone's screen: checked to be a real, not blank, PNG of a sane
size, and stored re-encoded (grey on white) through Django's storage API."""

from __future__ import annotations

import base64
import binascii
import io
import uuid

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 512 * 1024
MAX_SIDE = 2000
# A signature darkens at least this share of the pad; fewer dark pixels is a tap, not a name.
MIN_INK = 0.002
DATA_URL_PREFIX = "data:image/png;base64,"


class SignatureError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def decode_data_url(text: str) -> bytes:
    """The PNG bytes of a ``data:image/png;base64,…`` URL, as a canvas gives it."""
    if not text.startswith(DATA_URL_PREFIX):
        raise SignatureError("signature_missing" if not text else "signature_invalid")
    if len(text) > MAX_BYTES * 4 // 3 + len(DATA_URL_PREFIX) + 4:
        raise SignatureError("signature_too_large")
    try:
        return base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("signature_invalid") from None


def process_signature(data: bytes) -> ContentFile:
    if not data:
        raise SignatureError("signature_missing")
    if len(data) > MAX_BYTES:
        raise SignatureError("signature_too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG":
                raise SignatureError("signature_invalid")
            if max(probe.size) > MAX_SIDE:
                raise SignatureError("signature_too_large")
            probe.load()
            image = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise SignatureError("signature_invalid") from None
    # Strokes drawn on a transparent canvas: flatten them onto white, then keep grey levels.
    flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat.alpha_composite(image)
    grey = ImageOps.grayscale(flat)
    histogram = grey.histogram()
    ink = sum(histogram[:160]) / (grey.width * grey.height)
    if ink < MIN_INK:
        raise SignatureError("signature_blank")
    out = io.BytesIO()
    # Not ``optimize``: it tries every filter and takes longer than the rest of the signing.
    grey.save(out, format="PNG", compress_level=6)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")
