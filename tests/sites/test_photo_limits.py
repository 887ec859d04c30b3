"""A photo with too many pixels is refused from its header, before it is decoded; Pillow's own
decompression-bomb guard is set to the same limit; a large JPEG is decoded reduced."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fangkong.sites.models import SitePhoto
from tests.conftest import login
from tests.factories import SiteFactory

pytestmark = [
    pytest.mark.django_db,
    # Pillow warns of an image past its guard before our check refuses it: expected here.
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def flat_png(width: int, height: int) -> SimpleUploadedFile:
    """A one-colour image of the given size: one bit a pixel, a few kilobytes as a PNG."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return SimpleUploadedFile("flat.png", buffer.getvalue(), content_type="image/png")


def upload(user: Any, site: Any, photo: SimpleUploadedFile) -> Any:
    url = reverse("sites:photo_add", args=[site.pk])
    return login(user).post(url, {"photo": photo, "caption": ""}, **ZH)


@pytest.fixture
def site(tree: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return SiteFactory(unit=tree.ganzhou)


def test_a_56_megapixel_image_in_a_small_file_is_refused(brigade_officer, site) -> None:
    photo = flat_png(8000, 7000)
    assert photo.size < 100_000  # Well under the 10 MB limit on bytes.
    response = upload(brigade_officer, site, photo)
    assert response.status_code == 200
    errors = response.context["photo_form"].errors.as_data()["photo"]
    assert [e.code for e in errors] == ["photo_too_many_pixels"]
    assert "像素" in response.content.decode()
    assert not SitePhoto.objects.exists()


def test_pillow_refuses_a_bomb_at_open_with_the_same_limit(brigade_officer, site) -> None:
    assert Image.MAX_IMAGE_PIXELS == django_settings.PHOTO_MAX_PIXELS == 40_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(flat_png(10_000, 9_000))
    response = upload(brigade_officer, site, flat_png(10_000, 9_000))
    errors = response.context["photo_form"].errors.as_data()["photo"]
    assert [e.code for e in errors] == ["photo_too_many_pixels"]


def test_an_image_at_the_limit_is_taken(brigade_officer, site, settings) -> None:
    settings.PHOTO_MAX_PIXELS = 4_000_000
    assert upload(brigade_officer, site, flat_png(2000, 2000)).status_code == 302
    assert upload(brigade_officer, site, flat_png(2000, 2001)).status_code == 200
    assert SitePhoto.objects.count() == 1


def test_a_large_jpeg_is_stored_at_the_stored_size(brigade_officer, site) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (3300, 2400), (20, 120, 40)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert upload(brigade_officer, site, photo).status_code == 302
    stored = SitePhoto.objects.get()
    assert (stored.width, stored.height) == (1600, 1164)
    with stored.image.open() as handle, Image.open(handle) as image:
        assert image.size == (1600, 1164)
