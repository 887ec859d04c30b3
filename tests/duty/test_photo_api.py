"""Photos uploaded through the API (multipart) for supervision visits and situation reports:
stored re-encoded as the web form stores them, bad files refused with a 422 and a code."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fangkong.duty import services
from fangkong.duty.models import InspectionPhoto, ReportPhoto
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def jpeg(size: tuple[int, int] = (40, 30), name: str = "p.jpg", kind: str = "image/jpeg") -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=kind)


def test_inspection_photo_upload_and_refusals(post: Any, settings: Any) -> None:
    visit = services.inspection_record(actor=post.leader, site=post.site, checklist={})
    url = f"/api/v1/duty/inspections/{visit.pk}/photos"
    leader = login(post.leader)
    stored = leader.post(url, {"photo": jpeg()})
    assert stored.status_code == 201, stored.json()
    assert stored.json()["photos"] == 1 and stored.json()["width"] == 40
    photo = InspectionPhoto.objects.get()
    assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith("-thumb.jpg")
    text = SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")
    assert leader.post(url, {"photo": text}).json()["code"] == "photo_type"
    fake = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    assert leader.post(url, {"photo": fake}).json()["code"] == "photo_invalid"
    settings.PHOTO_MAX_BYTES = 100
    too_big = leader.post(url, {"photo": jpeg()})
    assert (too_big.status_code, too_big.json()["code"]) == (422, "photo_too_large")
    missing = leader.post(url, {})
    assert missing.status_code == 422
    # An officer who is not a leader may not add photos to a visit.
    assert login(post.alice).post(url, {"photo": jpeg()}).status_code == 403
    assert InspectionPhoto.objects.count() == 1


def test_report_photo_upload_by_the_raiser_up_to_six(post: Any, other_officer: Any) -> None:
    report, _ = services.report_raise(
        actor=post.alice, kind="incident", text="货车冲卡", at=timezone.now(),
        idempotency_key="report-photo-1",
    )  # fmt: skip
    url = f"/api/v1/duty/reports/{report.pk}/photos"
    alice = login(post.alice)
    for n in range(1, 7):
        assert alice.post(url, {"photo": jpeg()}).json()["photos"] == n
    seventh = alice.post(url, {"photo": jpeg()})
    assert (seventh.status_code, seventh.json()["code"]) == (422, "too_many")
    assert login(post.bob).post(url, {"photo": jpeg()}).status_code == 403
    assert login(other_officer).post(url, {"photo": jpeg()}).status_code == 404
    assert ReportPhoto.objects.count() == 6


def test_photo_operations_are_documented(post: Any) -> None:
    schema = login(post.leader).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/duty/inspections/{inspection_id}/photos",
                 "/api/v1/duty/reports/{report_id}/photos"):  # fmt: skip
        operation = schema["paths"][path]["post"]
        assert "multipart/form-data" in operation["requestBody"]["content"]
        assert "photo_type" in operation["description"]
