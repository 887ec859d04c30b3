"""QR codes and A4 posters: scoped to jurisdiction, Chinese, readable back from the PDF."""

from __future__ import annotations

import subprocess

import pytest
from django.test import Client

from tests.conftest import login

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def pdf_pages(content: bytes) -> int:
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    line = next(x for x in result.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def test_site_poster_is_chinese_and_points_at_the_form(brigade_officer, road_site) -> None:
    response = login(brigade_officer).get(f"/r/posters/{road_site.pk}/road.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "甘州西收费站卡点",
        "扫码自助登记",
        "道路卡口自助登记",
        "如实填写",
        "21天后自动删除",
    ):
        assert expected in text
    assert f"http://testserver/r/{road_site.code}/road/" in text
    assert pdf_pages(response.content) == 1


def test_public_base_url_setting_wins(brigade_officer, road_site, settings) -> None:
    settings.PUBLIC_BASE_URL = "https://fk.example.org"
    response = login(brigade_officer).get(f"/r/posters/{road_site.pk}/road.pdf")
    assert f"https://fk.example.org/r/{road_site.code}/road/" in pdf_text(response.content)


def test_posters_are_scoped_and_need_login(other_officer, road_site) -> None:
    assert Client().get(f"/r/posters/{road_site.pk}/road.pdf").status_code == 302
    assert login(other_officer).get(f"/r/posters/{road_site.pk}/road.pdf").status_code == 404


def test_a_kind_the_site_does_not_take_has_no_poster(brigade_officer, road_site) -> None:
    assert login(brigade_officer).get(f"/r/posters/{road_site.pk}/community.pdf").status_code == 404


def test_unit_sheet_has_a_page_per_site_and_kind(brigade_officer, road_site, gate_site, tree):
    response = login(brigade_officer).get(f"/r/posters/unit/{tree.ganzhou.pk}.pdf")
    assert response.status_code == 200
    # The checkpoint takes road registrations; the community gate two kinds.
    assert pdf_pages(response.content) == 3
    text = pdf_text(response.content)
    assert "幸福社区东门" in text and "流动人口登记" in text and "小区门岗自助登记" in text


def test_unit_sheet_of_another_unit_is_404(brigade_officer, hub_site, tree) -> None:
    assert login(brigade_officer).get(f"/r/posters/unit/{tree.linze.pk}.pdf").status_code == 404


def test_site_qr_svg(brigade_officer, other_officer, gate_site) -> None:
    response = login(brigade_officer).get(f"/r/qr/{gate_site.pk}/floating.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert login(other_officer).get(f"/r/qr/{gate_site.pk}/floating.svg").status_code == 404


@pytest.mark.parametrize("prefix", ["/", "/fangkong/"])
def test_a_pass_path_is_the_one_reverse_gives(prefix: str) -> None:
    from django.urls import reverse, set_script_prefix

    from fangkong.registration.posters import pass_path

    token = "Ab-_09" * 7 + "x"
    set_script_prefix(prefix)
    try:
        assert pass_path(token) == reverse("registration:pass", args=[token])
        assert pass_path(token).startswith(f"{prefix}r/pass/")
    finally:
        set_script_prefix("/")
