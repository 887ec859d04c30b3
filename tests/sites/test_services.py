from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.sites import services
from fangkong.sites.choices import SiteKind, SiteStatus
from fangkong.sites.models import Site


def _data(tree, **overrides):
    data = {
        "code": "GZ-T-001",
        "name": "G30张掖东收费站",
        "kind": SiteKind.TOLL_STATION,
        "unit": tree.ganzhou,
        "lng": 100.5213,
        "lat": 38.9441,
        "division_code": "620702",
        "lanes": 4,
    }
    return data | overrides


def _codes(exc: ValidationError) -> dict[str, set[str]]:
    return {field: {e.code for e in errors} for field, errors in exc.error_dict.items()}


@pytest.mark.django_db
def test_create_records_history_and_audit(brigade_officer, tree) -> None:
    site = services.site_create(actor=brigade_officer, **_data(tree))
    assert site.status == SiteStatus.OPEN
    assert site.status_changes.count() == 1
    assert AuditLog.objects.filter(action="site.create", target_id=str(site.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"lng": 139.69, "lat": 35.69}, "lng", "outside_china"),  # Tokyo
        ({"lng": 126.98, "lat": 37.57}, "lat", "outside_china"),  # Seoul
        ({"division_code": "6207"}, "division_code", "division_format"),
        ({"division_code": "629999"}, "division_code", "division_unknown"),
        ({"lanes": 0}, "lanes", "lanes_min"),
    ],
)
def test_bad_input_is_refused_on_its_field(brigade_officer, tree, overrides, field, code) -> None:
    with pytest.raises(ValidationError) as caught:
        services.site_create(actor=brigade_officer, **_data(tree, **overrides))
    assert code in _codes(caught.value)[field]
    assert not Site.objects.exists(), "nothing half-saved"


@pytest.mark.django_db
def test_duplicate_code_is_refused(brigade_officer, tree) -> None:
    services.site_create(actor=brigade_officer, **_data(tree))
    with pytest.raises(ValidationError) as caught:
        services.site_create(actor=brigade_officer, **_data(tree, name="另一个"))
    assert _codes(caught.value) == {"code": {"site_code_taken"}}


@pytest.mark.django_db
def test_other_brigade_may_not_create_or_edit(other_officer, brigade_officer, tree) -> None:
    with pytest.raises(PermissionDeniedError):
        services.site_create(actor=other_officer, **_data(tree))
    site = services.site_create(actor=brigade_officer, **_data(tree))
    with pytest.raises(PermissionDeniedError):
        services.site_update(actor=other_officer, site=site, name="x")
    with pytest.raises(PermissionDeniedError):
        services.site_update(actor=brigade_officer, site=site, unit=tree.linze)


@pytest.mark.django_db
def test_status_history(brigade_officer, tree) -> None:
    site = services.site_create(actor=brigade_officer, **_data(tree))
    services.site_set_status(
        actor=brigade_officer, site=site, status="suspended", reason="大雪封路"
    )
    site.refresh_from_db()
    assert site.status == SiteStatus.SUSPENDED
    assert [c.status for c in site.status_changes.all()] == ["suspended", "open"]


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_photo_is_resized_with_thumbnail(brigade_officer, tree, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    site = services.site_create(actor=brigade_officer, **_data(tree))
    photo = services.site_photo_add(actor=brigade_officer, site=site, upload=_png(3200, 2400))
    assert (photo.width, photo.height) == (1600, 1200)
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 400


@pytest.mark.django_db
def test_non_image_and_oversized_photos_are_refused(
    brigade_officer, tree, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PHOTO_MAX_BYTES = 50_000
    site = services.site_create(actor=brigade_officer, **_data(tree))
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        services.site_photo_add(actor=brigade_officer, site=site, upload=fake)
    assert _codes(caught.value) == {"photo": {"photo_invalid"}}
    big = SimpleUploadedFile("b.png", b"\x89PNG" + b"0" * 60_000, content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        services.site_photo_add(actor=brigade_officer, site=site, upload=big)
    assert _codes(caught.value) == {"photo": {"photo_too_large"}}
    assert site.photos.count() == 0
