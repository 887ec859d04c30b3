"""What became of a checkpoint outcome: a 劝返 check's destination and the later confirmation
(who, when, how), a 移交卫健 check's handover (who received the person, of which unit, when);
as services, pages and API, scoped to the site's unit tree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.keypersons import services
from fangkong.keypersons.models import Candidate, HealthHandover, ReturnReferral
from fangkong.org.models import Staff
from fangkong.screening.models import Check
from tests.conftest import login
from tests.factories import PersonFactory, SiteFactory
from tests.grid.world import World, persona

pytestmark = pytest.mark.django_db
API = "/api/v1/keypersons"


def _check(site, outcome: str, key: str) -> Check:
    return Check.objects.create(
        site=site, person=PersonFactory(), temperature="37.9", recommended=outcome,
        outcome=outcome, reasons=[], policy_version=1,
        checked_at=timezone.now() - timedelta(hours=2), idempotency_key=key,
    )  # fmt: skip


@pytest.fixture
def checks(world: World, tree) -> dict:
    site = SiteFactory(unit=tree.ganzhou, name="甘州东收费站")
    return {
        "return": _check(site, "persuade_return", "r1"),
        "health": _check(site, "refer_health", "h1"),
        "brigade": persona(tree.ganzhou, "brigade", "officer", "unit_admin"),
    }


def _codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def test_return_destination_then_confirmation(world: World, checks: dict) -> None:
    user, check = checks["brigade"], checks["return"]
    services.return_record(actor=user, check=check, destination="张掖市临泽县")
    referral = services.return_record(actor=user, check=check, destination="酒泉市肃州区")
    assert referral.destination == "酒泉市肃州区" and referral.state == "sent"
    assert Candidate.objects.filter(check_record=check, status="pending").count() == 1
    with pytest.raises(ValidationError) as bad:
        services.return_confirm(actor=user, check=check, state="sent", how="carrier pigeon")
    assert _codes(bad.value) == {"invalid_choice"}
    done = services.return_confirm(
        actor=user, check=check, state="left", how="exit_checkpoint", note="高速出口登记"
    )
    assert done.state == "left" and done.confirmed_by == user and done.confirmed_at
    with pytest.raises(ValidationError) as twice:
        services.return_confirm(actor=user, check=check, state="arrived", how="phone")
    assert "confirmed" in _codes(twice.value)
    with pytest.raises(ValidationError):
        services.return_record(actor=user, check=check, destination="别处")
    assert AuditLog.objects.filter(action="keyperson.return_confirm").count() == 1


def test_confirmation_needs_a_destination_and_a_time_after_the_check(checks: dict) -> None:
    user, check = checks["brigade"], checks["return"]
    with pytest.raises(ValidationError) as none:
        services.return_confirm(actor=user, check=check, state="arrived", how="phone")
    assert _codes(none.value) == {"not_sent"}
    services.return_record(actor=user, check=check, destination="酒泉市")
    with pytest.raises(ValidationError) as early:
        services.return_confirm(
            actor=user, check=check, state="arrived", how="phone",
            at=check.checked_at - timedelta(hours=1),
        )  # fmt: skip
    assert _codes(early.value) == {"before_check"}


def test_handover_once_and_only_for_a_referral(checks: dict) -> None:
    user = checks["brigade"]
    with pytest.raises(ValidationError) as wrong:
        services.handover_record(
            actor=user, check=checks["return"], receiver_name="李医生", receiver_unit="甘州区医院"
        )
    assert "outcome_mismatch" in _codes(wrong.value)
    handover = services.handover_record(
        actor=user, check=checks["health"], receiver_name="李医生",
        receiver_unit="甘州区人民医院发热门诊",
    )  # fmt: skip
    assert handover.handed_at and Candidate.objects.filter(check_record=checks["health"]).exists()
    with pytest.raises(ValidationError) as again:
        services.handover_record(
            actor=user, check=checks["health"], receiver_name="王护士", receiver_unit="甘州区医院"
        )
    assert _codes(again.value) == {"duplicate"}


def test_another_county_may_not_record(world: World, checks: dict) -> None:
    with pytest.raises(PermissionDeniedError):
        services.return_record(
            actor=world.users["linze_station"], check=checks["return"], destination="临泽"
        )
    assert not ReturnReferral.objects.exists()


def test_pages_record_and_show_it(world: World, checks: dict) -> None:
    client = login(checks["brigade"])
    check = checks["return"]
    detail = client.get(f"/screening/checks/{check.pk}/").content.decode()
    assert f"/keypersons/checks/{check.pk}/outcome/" in detail
    url = f"/keypersons/checks/{check.pk}/outcome/"
    assert client.get(url).status_code == 200
    empty = client.post(url, {"action": "return", "destination": ""})
    assert empty.status_code == 422
    assert client.post(url, {"action": "return", "destination": "酒泉市肃州区"}).status_code == 302
    confirmed = client.post(url, {"action": "confirm", "state": "arrived", "how": "phone"})
    assert confirmed.status_code == 302
    page = client.get(url).content.decode()
    assert "酒泉市肃州区" in page and 'id="kp-confirmed"' in page
    queue = client.get("/keypersons/candidates/").content.decode()
    assert "酒泉市肃州区" in queue
    handover_url = f"/keypersons/checks/{checks['health'].pk}/outcome/"
    response = client.post(handover_url, {
        "action": "handover", "receiver_name": "李医生", "receiver_unit": "甘州区人民医院",
        "handed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    assert response.status_code == 302 and HealthHandover.objects.count() == 1
    assert "李医生" in client.get(handover_url).content.decode()
    outsider = login(world.users["linze_station"])
    assert outsider.get(url).status_code == 404


def test_api_records_and_lists(world: World, checks: dict) -> None:
    client = login(checks["brigade"])
    rid, hid = checks["return"].pk, checks["health"].pk
    sent = client.post(f"{API}/checks/{rid}/return", {"destination": "酒泉市"},
                       content_type="application/json")  # fmt: skip
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    bad = client.post(f"{API}/checks/{rid}/return/confirm", {"state": "gone", "how": "phone"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_choice"
    ok = client.post(f"{API}/checks/{rid}/return/confirm", {"state": "arrived", "how": "phone"},
                     content_type="application/json")  # fmt: skip
    badge = Staff.objects.get(user=checks["brigade"]).badge_number
    assert ok.json()["state"] == "arrived" and ok.json()["confirmed_by"] == f"brigade ({badge})"
    handed = client.post(f"{API}/checks/{hid}/handover",
                         {"receiver_name": "李医生", "receiver_unit": "甘州区人民医院"},
                         content_type="application/json")  # fmt: skip
    assert handed.status_code == 201
    wrong = client.post(f"{API}/checks/{hid}/return", {"destination": "酒泉市"},
                        content_type="application/json")  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["code"] == "outcome_mismatch"
    rows = {row["check_id"]: row for row in client.get(f"{API}/candidates").json()}
    assert rows[rid]["return_to"]["destination"] == "酒泉市"
    assert rows[rid]["return_to"]["confirmed_by"] == f"brigade ({badge})"
    assert rows[hid]["handover"]["receiver_unit"] == "甘州区人民医院"
    outsider = login(world.users["linze_station"])
    hidden = outsider.post(f"{API}/checks/{rid}/return", {"destination": "x"},
                           content_type="application/json")  # fmt: skip
    assert hidden.status_code == 404


def test_pages_name_who_recorded_by_name_and_badge(checks: dict) -> None:
    """The destination, its confirmation and the handover show the staff member's name and
    badge number, not the account's username."""
    user = checks["brigade"]
    Staff.objects.filter(user=user).update(name="王建国", badge_number="B1023")
    services.return_record(actor=user, check=checks["return"], destination="酒泉市肃州区")
    services.return_confirm(actor=user, check=checks["return"], state="arrived", how="phone")
    services.handover_record(
        actor=user, check=checks["health"], receiver_name="李医生", receiver_unit="甘州区医院"
    )
    client = login(user)
    returned = client.get(f"/keypersons/checks/{checks['return'].pk}/outcome/").content.decode()
    handed = client.get(f"/keypersons/checks/{checks['health'].pk}/outcome/").content.decode()
    for page, ids in (
        (returned, ("kp-return-by", "kp-confirmed-by")),
        (handed, ("kp-handover-by",)),
    ):
        for element in ids:
            assert f'<span id="{element}">王建国 (B1023)</span>' in page
        assert ">brigade<" not in page and " brigade" not in page
