"""Photo uploads: checked to be a real image within the size limit, then stored re-encoded
as JPEG at a bounded size with a thumbnail, so a 12 MB phone photo never reaches a browser."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

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


def process_photo(upload: io.IOBase | object, size: int) -> ProcessedPhoto:
    if size > settings.PHOTO_MAX_BYTES:
        raise PhotoError("photo_too_large")
    try:
        with Image.open(upload) as probe:  # type: ignore[arg-type]
            probe.verify()
        upload.seek(0)  # type: ignore[attr-defined]
        with Image.open(upload) as opened:  # type: ignore[arg-type]
            if opened.width * opened.height > 60_000_000:
                raise PhotoError("photo_too_large")
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError("photo_invalid") from None
    stem = uuid.uuid4().hex
    full = _jpeg(image, settings.PHOTO_MAX_SIDE, f"{stem}.jpg")
    thumb = _jpeg(image, THUMBNAIL_SIDE, f"{stem}-thumb.jpg")
    width, height = image.size
    scale = min(1.0, settings.PHOTO_MAX_SIDE / max(width, height))
    return ProcessedPhoto(full, thumb, round(width * scale), round(height * scale))
