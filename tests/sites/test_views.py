"""The site pages through the Django test client: each persona, jurisdiction, the form with
its Chinese messages on the right field, masked phones, and query counts."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fangkong.sites import services
from fangkong.sites.choices import SiteKind, SiteStatus
from fangkong.sites.models import Site, SitePhoto
from tests.conftest import login
from tests.factories import SiteFactory, StaffFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def _png(width: int = 640, height: int = 480) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")


def _form(tree: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": "GZ-T-100",
        "name": "G30张掖东收费站",
        "kind": SiteKind.TOLL_STATION,
        "unit": tree.ganzhou.pk,
        "lng": "100.5213",
        "lat": "38.9441",
        "address": "甘州区东环路",
        "division_code": "620702",
        "lanes": "4",
        "required_officers": "2",
        "required_auxiliaries": "3",
        "notes": "",
    }
    return data | overrides


def _field_errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# ---- pages render for each persona -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["commander", "brigade_officer", "other_officer"])
@pytest.mark.parametrize("name", ["sites:list", "sites:map"])
def test_pages_render_for_each_persona(request, sites, persona: str, name: str) -> None:
    response = login(request.getfixturevalue(persona)).get(reverse(name), **ZH)
    assert response.status_code == 200
    assert "防控点" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(sites) -> None:
    from django.test import Client

    site = sites["ganzhou"][0]
    for url in [reverse("sites:list"), reverse("sites:map"), f"/sites/{site.pk}/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_home_leads_the_commander_to_the_dashboard(commander) -> None:
    response = login(commander).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("command:dashboard")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tiles", "crs"),
    [("none", "wgs84"), ("tianditu", "wgs84"), ("amap", "gcj02"), ("xyz", "wgs84")],
)
def test_map_page_hands_its_configuration_to_the_script(commander, settings, tiles, crs) -> None:
    settings.MAP_TILES = tiles
    settings.MAP_TILE_KEY = "tk-123"
    settings.MAP_TILE_URL = "https://tiles.police.example/{z}/{x}/{y}.png"
    body = login(commander).get(reverse("sites:map")).content.decode()
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', body)
    assert found is not None
    config = json.loads(found.group(1))
    assert (config["tiles"], config["crs"]) == (tiles, crs)
    assert config["tileKey"] == "tk-123"
    assert config["outlineUrl"] == "/static/geo/zhangye.geojson"  # always drawn
    assert config["sitesUrl"] == "/api/v1/sites/geojson"
    assert set(config["kinds"]) == set(SiteKind.values)
    assert f'data-crs="{crs}"' in body
    assert "/static/vendor/leaflet/leaflet.js" in body
    assert "/static/sites/map.js" in body
    for cdn in ("unpkg.com", "jsdelivr", "cdnjs", "googleapis", "bootcdn"):
        assert cdn not in body


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["commander", "brigade_officer"])
def test_detail_renders_for_personas_in_jurisdiction(request, sites, persona: str) -> None:
    site = sites["ganzhou"][2]  # in the Ganzhou squad
    response = login(request.getfixturevalue(persona)).get(f"/sites/{site.pk}/", **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    assert site.name in body
    assert "甘州区" in body  # the division code's name
    assert "变更状态" in body  # admins may change the status


@pytest.mark.django_db
def test_site_page_links_its_registration_forms_qr_codes_and_posters(
    sites, brigade_officer
) -> None:
    site = sites["ganzhou"][0]  # a toll station: road registrations
    client = login(brigade_officer)
    body = client.get(f"/sites/{site.pk}/", **ZH).content.decode()
    form = f"/r/{site.code}/road/"
    poster = f"/r/posters/{site.pk}/road.pdf"
    assert form in body and f"/r/qr/{site.pk}/road.svg" in body and poster in body
    assert client.get(form).status_code == 200
    answer = client.get(poster)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    listing = client.get("/sites/", **ZH).content.decode()
    assert f"/r/posters/unit/{brigade_officer.staff.unit_id}.pdf" in listing


# ---- jurisdiction ----------------------------------------------------------------------


@pytest.mark.django_db
def test_brigade_officer_cannot_see_linze_sites(brigade_officer, sites) -> None:
    client = login(brigade_officer)
    body = client.get(reverse("sites:list")).content.decode()
    for site in sites["ganzhou"]:
        assert site.name in body
    for site in sites["linze"]:
        assert site.name not in body
        assert client.get(f"/sites/{site.pk}/").status_code == 404
        assert client.get(f"/sites/{site.pk}/edit/").status_code == 404
        photo = client.post(f"/sites/{site.pk}/photos/", {"photo": _png()})
        assert photo.status_code == 404
        status = client.post(f"/sites/{site.pk}/status/", {"status": "closed"})
        assert status.status_code == 404
    assert Site.objects.filter(status=SiteStatus.CLOSED).count() == 0


@pytest.mark.django_db
def test_other_officer_may_not_create_a_site_for_ganzhou(other_officer, tree) -> None:
    client = login(other_officer)
    form = client.get(reverse("sites:create")).context["form"]
    assert list(form.fields["unit"].queryset) == [tree.linze]
    response = client.post(reverse("sites:create"), _form(tree), **ZH)
    assert response.status_code == 200
    assert _field_errors(response, "unit")
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_viewer_without_admin_role_may_not_change_sites(sites, tree) -> None:
    # A user of the detachment with no admin role sees Ganzhou but may not change it.
    from tests.conftest import _persona

    viewer = _persona(tree.detachment, "viewer")
    site = sites["ganzhou"][0]
    client = login(viewer)
    assert client.get(f"/sites/{site.pk}/").status_code == 200
    assert client.get(f"/sites/{site.pk}/edit/").status_code == 403
    assert client.get(reverse("sites:create")).status_code == 403
    response = client.post(f"/sites/{site.pk}/status/", {"status": "closed"})
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.status == SiteStatus.OPEN


@pytest.mark.django_db
def test_list_filters_and_htmx_fragment(commander, sites, tree) -> None:
    client = login(commander)
    response = client.get(reverse("sites:list"), {"unit": tree.linze.pk}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body  # the fragment only
    assert all(s.name in body for s in sites["linze"])
    assert not any(s.name in body for s in sites["ganzhou"])
    squad = client.get(reverse("sites:list"), {"unit": tree.ganzhou.pk}).content.decode()
    assert all(s.name in squad for s in sites["ganzhou"])  # the subtree, squad included
    closed = client.get(reverse("sites:list"), {"status": "closed"}).content.decode()
    assert not any(s.name in closed for s in sites["ganzhou"] + sites["linze"])


@pytest.mark.django_db
def test_list_is_paginated(commander, tree) -> None:
    SiteFactory.create_batch(55, unit=tree.ganzhou)
    client = login(commander)
    first = client.get(reverse("sites:list"), **ZH).content.decode()
    assert "第 1 页，共 2 页" in first
    second = client.get(reverse("sites:list"), {"page": 2}, **HTMX)
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 5


# ---- the form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_with_a_photo(brigade_officer, tree, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    staff = StaffFactory(unit=tree.ganzhou_squad)
    data = _form(tree, photo=_png(), staff=[staff.pk])
    response = login(brigade_officer).post(reverse("sites:create"), data, **ZH)
    site = Site.objects.get(code="GZ-T-100")
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/"
    assert site.unit == tree.ganzhou
    assert (site.lng, site.lat, site.lanes) == (100.5213, 38.9441, 4)
    photo = site.photos.get()
    assert (tmp_path / photo.image.name).exists()
    assert (tmp_path / photo.thumbnail.name).exists()
    assert list(site.staff.all()) == [staff]


@pytest.mark.django_db
def test_staff_of_another_unit_are_not_offered(brigade_officer, tree) -> None:
    foreign = StaffFactory(unit=tree.linze)
    response = login(brigade_officer).post(reverse("sites:create"), _form(tree, staff=[foreign.pk]))
    assert response.status_code == 200
    assert _field_errors(response, "staff")
    assert not Site.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lng": "139.69", "lat": "35.69"}, "lng", "该坐标位于中国境外"),  # Tokyo
        ({"lng": "139.69", "lat": "35.69"}, "lat", "该坐标位于中国境外"),
        ({"division_code": "6207"}, "division_code", "6 位数字"),
        ({"division_code": "629999"}, "division_code", "没有此行政区划代码"),
        ({"lanes": "0"}, "lanes", "至少应有一条车道"),
        ({"lng": "东经100度"}, "lng", "数"),
    ],
)
def test_bad_input_is_shown_in_chinese_on_its_field(
    brigade_officer, tree, overrides, field, message
) -> None:
    response = login(brigade_officer).post(reverse("sites:create"), _form(tree, **overrides), **ZH)
    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert any(message in error for error in errors), errors
    body = response.content.decode()
    assert f'id="field-{field}"' in body
    assert errors[0].replace("“", "&ldquo;") in body or errors[0] in body
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_duplicate_code_is_refused_on_the_code_field(brigade_officer, tree) -> None:
    SiteFactory(code="GZ-T-100", unit=tree.ganzhou)
    response = login(brigade_officer).post(reverse("sites:create"), _form(tree), **ZH)
    assert response.status_code == 200
    assert _field_errors(response, "code") == ["该编号已被其他防控点使用。"]
    assert Site.objects.count() == 1


@pytest.mark.django_db
def test_non_image_photo_is_refused_and_nothing_saved(
    brigade_officer, tree, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = login(brigade_officer).post(reverse("sites:create"), _form(tree, photo=fake), **ZH)
    assert response.status_code == 200
    assert any("不是照片" in e for e in _field_errors(response, "photo"))
    assert not Site.objects.exists()
    assert not SitePhoto.objects.exists()
    assert not any(tmp_path.rglob("*.jpg"))


@pytest.mark.django_db
def test_english_messages_when_english_is_chosen(brigade_officer, tree) -> None:
    client = login(brigade_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/sites/"})
    response = client.post(reverse("sites:create"), _form(tree, lng="139.69", lat="35.69"))
    assert "These coordinates are outside China" in _field_errors(response, "lng")[0]


@pytest.mark.django_db
def test_edit_changes_only_what_changed(brigade_officer, sites) -> None:
    site = sites["ganzhou"][0]
    client = login(brigade_officer)
    form = client.get(f"/sites/{site.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["unit"] = site.unit.pk
    data["name"] = "新名称收费站"
    data["staff"] = []
    response = client.post(f"/sites/{site.pk}/edit/", data)
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "新名称收费站"


@pytest.mark.django_db
def test_edit_refuses_bad_division_code_on_its_field(brigade_officer, sites) -> None:
    site = sites["ganzhou"][0]
    client = login(brigade_officer)
    data = client.get(f"/sites/{site.pk}/edit/").context["form"].initial
    data = {k: v for k, v in data.items() if v is not None} | {
        "unit": site.unit.pk,
        "division_code": "12",
        "staff": [],
    }
    response = client.post(f"/sites/{site.pk}/edit/", data, **ZH)
    assert response.status_code == 200
    assert _field_errors(response, "division_code")
    site.refresh_from_db()
    assert site.division_code == "620702"


@pytest.mark.django_db
def test_division_lookup_and_staff_options(brigade_officer, tree) -> None:
    client = login(brigade_officer)
    assert "甘州区" in client.get("/sites/division/", {"division_code": "620702"}).content.decode()
    unknown = client.get("/sites/division/", {"division_code": "629999"}, **ZH)
    assert "未知" in unknown.content.decode()
    staff = StaffFactory(unit=tree.ganzhou_squad, name="赵六")
    StaffFactory(unit=tree.linze, name="钱七")
    body = client.get("/sites/staff-options/", {"unit": tree.ganzhou.pk}).content.decode()
    assert staff.name in body
    assert "钱七" not in body
    # A unit outside the jurisdiction offers nobody.
    body = client.get("/sites/staff-options/", {"unit": tree.linze.pk}).content.decode()
    assert "钱七" not in body


# ---- photos and status -----------------------------------------------------------------


@pytest.mark.django_db
def test_photo_upload_htmx_returns_the_gallery(brigade_officer, sites, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    site = sites["ganzhou"][0]
    client = login(brigade_officer)
    response = client.post(
        f"/sites/{site.pk}/photos/", {"photo": _png(), "caption": "全景"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="site-photos"' in body and "<html" not in body
    photo = site.photos.get()
    assert reverse("sites:photo_thumb", args=[photo.pk]) in body
    assert reverse("sites:photo", args=[photo.pk]) in body


@pytest.mark.django_db
def test_photo_upload_error_is_on_the_field(brigade_officer, sites, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    site = sites["ganzhou"][0]
    fake = SimpleUploadedFile("x.png", b"GIF89a nope", content_type="image/png")
    client = login(brigade_officer)
    response = client.post(f"/sites/{site.pk}/photos/", {"photo": fake}, **HTMX, **ZH)
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    assert response.context["photo_form"].errors["photo"]
    plain = client.post(f"/sites/{site.pk}/photos/", {"photo": _png()})
    assert plain.status_code == 302
    assert site.photos.count() == 1


@pytest.mark.django_db
def test_status_change_and_history(brigade_officer, sites) -> None:
    site = sites["ganzhou"][0]
    services.site_set_status(actor=brigade_officer, site=site, status="open", reason="开设")
    client = login(brigade_officer)
    response = client.post(
        f"/sites/{site.pk}/status/", {"status": "suspended", "reason": "大雪封路"}, **HTMX, **ZH
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "大雪封路" in body and "暂停" in body
    site.refresh_from_db()
    assert site.status == SiteStatus.SUSPENDED
    bad = client.post(f"/sites/{site.pk}/status/", {"status": "exploded"}, **HTMX)
    assert bad.status_code == 200
    assert bad.context["status_form"].errors["status"]


# ---- personal data and query counts ------------------------------------------------------


@pytest.mark.django_db
def test_phone_numbers_are_never_shown_in_clear(commander, sites, tree) -> None:
    site = sites["ganzhou"][0]
    staff = StaffFactory(unit=tree.ganzhou, phone="13912345678")
    site.staff.add(staff)
    client = login(commander)
    pages = [
        client.get(f"/sites/{site.pk}/"),
        client.get(f"/sites/{site.pk}/edit/"),
        client.get(reverse("sites:create")),
        client.get("/sites/staff-options/", {"unit": tree.ganzhou.pk}),
        client.get(reverse("sites:list")),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "13912345678" not in response.content.decode()
    assert "139****5678" in pages[0].content.decode()


@pytest.mark.django_db
def test_list_page_query_count_does_not_grow(
    commander, tree, django_assert_max_num_queries
) -> None:
    SiteFactory.create_batch(40, unit=tree.ganzhou)
    client = login(commander)
    client.get(reverse("sites:list"))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("sites:list"))
    assert len(response.context["page"].object_list) == 40


@pytest.mark.django_db
def test_detail_page_query_count_does_not_grow(
    commander, tree, settings, tmp_path, django_assert_max_num_queries
) -> None:
    settings.MEDIA_ROOT = tmp_path
    site = SiteFactory(unit=tree.ganzhou)
    site.staff.set(StaffFactory.create_batch(12, unit=tree.ganzhou_squad))
    for reason in ["一", "二", "三", "四"]:
        services.site_set_status(actor=commander, site=site, status="open", reason=reason)
    for _ in range(3):
        services.site_photo_add(actor=commander, site=site, upload=_png(100, 80))
    client = login(commander)
    with django_assert_max_num_queries(14):
        response = client.get(f"/sites/{site.pk}/")
    assert response.status_code == 200
