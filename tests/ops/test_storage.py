"""Photos, reports and exports go through Django's storage API, so the backend is a setting:
the database backend here, which several app servers share with no disk or object store."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.test import Client
from PIL import Image

from fangkong.command.report_files import report_file_read
from fangkong.core.models import StoredFile
from fangkong.core.storage import DatabaseStorage
from tests.conftest import login
from tests.ops.test_two_servers import gallery_links

pytestmark = pytest.mark.django_db


def database_storages(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "fangkong.core.storage.DatabaseStorage",
            "OPTIONS": {"location": "media", "base_url": "/media/"},
        },
        "reports": {
            "BACKEND": "fangkong.core.storage.DatabaseStorage",
            "OPTIONS": {"location": "reports"},
        },
    }


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="site.png")


def test_the_database_storage_keeps_files_under_its_location() -> None:
    media, reports = DatabaseStorage("media", "/media/"), DatabaseStorage("reports")
    name = media.save("sites/S1/a.jpg", ContentFile(b"jpeg bytes"))
    assert name == "sites/S1/a.jpg"
    assert media.exists(name) and not reports.exists(name)
    assert StoredFile.objects.get().name == "media/sites/S1/a.jpg"
    assert media.open(name).read() == b"jpeg bytes"
    assert media.size(name) == 10
    assert media.url(name) == "/media/sites/S1/a.jpg"
    assert media.listdir("sites") == (["S1"], [])
    assert media.listdir("sites/S1") == ([], ["a.jpg"])
    # A second file of the same name gets a name of its own, as on disk.
    assert media.save("sites/S1/a.jpg", ContentFile(b"other")) != name
    media.delete(name)
    assert not media.exists(name)
    with pytest.raises(FileNotFoundError):
        media.open(name)
    with pytest.raises(ValueError):
        reports.url("x.pdf")


def test_a_photo_uploaded_is_served_from_the_database(
    settings: Any, brigade_officer: Any, sites: Any
) -> None:
    database_storages(settings)
    site = sites["ganzhou"][0]
    client = login(brigade_officer)
    upload = png()
    response = client.post(f"/sites/{site.pk}/photos/", {"photo": upload})
    assert response.status_code == 302
    photo = site.photos.get()
    assert default_storage.exists(photo.image.name)
    assert StoredFile.objects.count() == 2  # the photo and its thumbnail
    (link,) = gallery_links(client.get(f"/sites/{site.pk}/").content.decode())
    served = client.get(link)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert Client().get("/media/sites/nothing-here.jpg").status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404


def test_report_generate_saves_to_the_reports_storage(settings: Any, tree: Any) -> None:
    database_storages(settings)
    day = date(2026, 3, 1)
    call_command("report_generate", "--day", day.isoformat(), "--save")
    pdf = report_file_read(unit_code="620702", day=day, extension="pdf")
    xlsx = report_file_read(unit_code="620700", day=day, extension="xlsx")
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert xlsx is not None and xlsx.startswith(b"PK")
    # Run again (the timer's retry): the files are replaced, not doubled.
    call_command("report_generate", "--unit", "620700", "--day", day.isoformat(), "--save")
    assert storages["reports"].listdir("2026-03-01")[1] == sorted(
        f"report-{code}-2026-03-01.{ext}"
        for code in ("620700", "620702", "620702-1", "620723")
        for ext in ("pdf", "xlsx")
    )
