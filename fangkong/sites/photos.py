"""Photo uploads: checked to be a real image within the size limit, then stored re-encoded
as JPEG at a bounded size with a thumbnail, so a 12 MB phone photo never reaches a browser."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_SIDE = 400


class PhotoError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _jpeg(image: Image.Image, max_side: int, name: str) -> ContentFile:
    copy = image.copy()
    copy.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled down so that its longer side is at most ``side``."""
    width, height = size
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _check_pixels(upload: Any) -> None:
    """Refuse an image with too many pixels from its header, before anything is decoded: a
    small file can hold a huge image of one colour."""
    with Image.open(upload) as probe:
        if probe.width * probe.height > settings.PHOTO_MAX_PIXELS:
            raise PhotoError("photo_too_many_pixels")
    upload.seek(0)


def process_photo(upload: Any, size: int) -> ProcessedPhoto:
    if size > settings.PHOTO_MAX_BYTES:
        raise PhotoError("photo_too_large")
    side = settings.PHOTO_MAX_SIDE
    try:
        _check_pixels(upload)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            # A JPEG is decoded straight at 1/2, 1/4 or 1/8 of its size when that still
            # covers the stored size: a 40 MP phone photo never exists in memory in full.
            opened.draft("RGB", _fitted(opened.size, side))
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except Image.DecompressionBombError:
        raise PhotoError("photo_too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise PhotoError("photo_invalid") from None
    stem = uuid.uuid4().hex
    full = _jpeg(image, side, f"{stem}.jpg")
    thumb = _jpeg(image, THUMBNAIL_SIDE, f"{stem}-thumb.jpg")
    width, height = _fitted(image.size, side)
    return ProcessedPhoto(full, thumb, width, height)
