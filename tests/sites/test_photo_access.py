"""Site photos go only to staff whose jurisdiction holds the site: read through the storage
API, or handed to nginx with X-Accel-Redirect; never from a public /media/ URL."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from fangkong.sites import services
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(brigade_officer: Any, sites: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    return services.site_photo_add(actor=brigade_officer, site=sites["ganzhou"][0], upload=upload)


def urls(photo: Any) -> list[str]:
    return [reverse("sites:photo", args=[photo.pk]), reverse("sites:photo_thumb", args=[photo.pk])]


def test_the_old_public_media_url_is_gone(photo: Any) -> None:
    assert Client().get(f"/media/{photo.image.name}").status_code == 404
    assert Client().get(f"/media/{photo.thumbnail.name}").status_code == 404


def test_a_visitor_is_sent_to_log_in(photo: Any) -> None:
    for url in urls(photo):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["brigade_officer", "commander"])
def test_staff_within_jurisdiction_get_the_files(request: Any, photo: Any, persona: str) -> None:
    client = login(request.getfixturevalue(persona))
    for url, field in zip(urls(photo), (photo.image, photo.thumbnail), strict=True):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=86400"
        with field.open("rb") as stored:
            assert b"".join(response.streaming_content) == stored.read()


def test_staff_of_another_brigade_get_404(photo: Any, other_officer: Any) -> None:
    client = login(other_officer)
    for url in urls(photo):
        assert client.get(url).status_code == 404


def test_a_photo_whose_file_is_missing_is_404(photo: Any, commander: Any) -> None:
    photo.image.storage.delete(photo.image.name)
    assert login(commander).get(urls(photo)[0]).status_code == 404


def test_nginx_sends_the_file_after_the_check(photo: Any, settings: Any, other_officer: Any):
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    response = login(photo.uploaded_by).get(urls(photo)[1])
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + photo.thumbnail.name
    assert response.content == b""
    refused = login(other_officer).get(urls(photo)[1])
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_the_pages_and_the_map_link_to_the_checked_urls(photo: Any, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    page = client.get(reverse("sites:detail", args=[photo.site_id])).content.decode()
    for url in urls(photo):
        assert url in page
    assert "/media/" not in page
    features = client.get("/api/v1/sites/geojson").json()["features"]
    (feature,) = [f for f in features if f["id"] == photo.site_id]
    assert feature["properties"]["photo"] == urls(photo)[1]
