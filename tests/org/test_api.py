"""The jurisdiction matrix: each persona against each endpoint that returns people or sites."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import login


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/units", "/api/v1/staff", "/api/v1/sites", "/api/v1/sites/geojson"]
)
def test_anonymous_callers_are_refused(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.django_db
def test_units_follow_jurisdiction(commander, brigade_officer, other_officer, tree) -> None:
    def codes(user) -> set[str]:
        return {u["code"] for u in login(user).get("/api/v1/units").json()}

    assert codes(commander) == {"620700", "620702", "620702-1", "620723"}
    assert codes(brigade_officer) == {"620702", "620702-1"}
    assert codes(other_officer) == {"620723"}


@pytest.mark.django_db
def test_staff_are_masked_and_scoped(commander, brigade_officer, other_officer) -> None:
    everyone = login(commander).get("/api/v1/staff").json()
    assert {s["name"] for s in everyone} == {"commander", "brigade", "linze"}
    mine = login(brigade_officer).get("/api/v1/staff").json()
    assert [s["name"] for s in mine] == ["brigade"]
    assert "****" in mine[0]["phone_masked"]
    assert "phone" not in mine[0]


@pytest.mark.django_db
def test_staff_of_another_brigade_unit_is_not_found(brigade_officer, tree) -> None:
    response = login(brigade_officer).get(f"/api/v1/staff?unit={tree.linze.pk}")
    assert response.status_code == 404


@pytest.mark.django_db
def test_sites_follow_jurisdiction(commander, brigade_officer, other_officer, sites) -> None:
    def count(user, path="/api/v1/sites") -> int:
        body = login(user).get(path).json()
        return len(body["features"]) if "features" in body else len(body)

    assert count(commander) == 5
    assert count(brigade_officer) == 3
    assert count(other_officer) == 2
    assert count(brigade_officer, "/api/v1/sites/geojson") == 3
    foreign = sites["linze"][0].pk
    assert login(brigade_officer).get(f"/api/v1/sites/{foreign}").status_code == 404
    assert login(other_officer).get(f"/api/v1/sites/{foreign}").status_code == 200


@pytest.mark.django_db
def test_site_limit_is_validated(commander, sites) -> None:
    client = login(commander)
    assert len(client.get("/api/v1/sites?limit=2").json()) == 2
    response = client.get("/api/v1/sites?limit=0")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


@pytest.mark.django_db
def test_geojson_is_a_feature_collection(commander, sites) -> None:
    body = login(commander).get("/api/v1/sites/geojson").json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    lng, lat = feature["geometry"]["coordinates"]
    assert 97 < lng < 103 and 37 < lat < 40


@pytest.mark.django_db
def test_site_list_query_count(commander, sites, django_assert_max_num_queries) -> None:
    client = login(commander)
    client.get("/api/v1/sites/geojson")  # warm the session
    with django_assert_max_num_queries(8):
        client.get("/api/v1/sites/geojson")


@pytest.mark.django_db
def test_command_centre_sees_its_detachment(tree, sites) -> None:
    from fangkong.org.choices import UnitKind
    from tests.conftest import _persona
    from tests.factories import UnitFactory

    centre = UnitFactory(code="620700-CC", kind=UnitKind.COMMAND_CENTRE, parent=tree.detachment)
    analyst = _persona(centre, "analyst")
    assert len(login(analyst).get("/api/v1/sites").json()) == 5
