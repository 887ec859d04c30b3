"""Vehicle passes (通行证): the company's form, the brigade's decisions, the state a checkpoint
sees, the printed pass, and the API, with the personas of conftest.py."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import segno
import time_machine
from django.test import Client

from fangkong.core.models import AuditLog
from fangkong.org.choices import RoleCode
from fangkong.passes.choices import PassDecision, PassStatus
from fangkong.passes.models import VehiclePass
from fangkong.passes.selectors import (
    vehicle_pass_get_by_token,
    vehicle_pass_state,
    vehicle_pass_token_from_qr,
)
from fangkong.passes.services import (
    DriverData,
    PassApplication,
    vehicle_pass_apply,
    vehicle_pass_decide,
    vehicle_pass_print,
)
from tests.conftest import _persona, login

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
FIRST_DAY, LAST_DAY = date(2026, 12, 1), date(2026, 12, 10)
DRIVER_ID = "620702199001011236"  # 甘州区, valid check digit
PLATE = "甘G12345"


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def form_data(tree: Any, key: str = "k" * 24, **changes: str) -> dict[str, str]:
    data = {
        "submission_key": key,
        "company": "张掖市惠民物流有限公司",
        "contact_name": "王经理",
        "contact_phone": "13800001111",
        "plate": "甘g 12345",
        "vehicle_kind": "truck",
        "cargo_kind": "medical",
        "route": "张掖—临泽—高台，经G30连霍高速甘州收费站",
        "valid_from": FIRST_DAY.isoformat(),
        "valid_to": LAST_DAY.isoformat(),
        "unit": str(tree.ganzhou.pk),
        "drivers-TOTAL_FORMS": "3",
        "drivers-INITIAL_FORMS": "0",
        "drivers-MIN_NUM_FORMS": "1",
        "drivers-MAX_NUM_FORMS": "3",
        "drivers-0-name": "李师傅",
        "drivers-0-doc_type": "resident_id",
        "drivers-0-doc_number": DRIVER_ID,
        "drivers-0-phone": "139 0000 2222",
        "drivers-1-doc_type": "resident_id",
        "drivers-2-doc_type": "resident_id",
    }
    data.update(changes)
    return data


def application(tree: Any, **changes: Any) -> PassApplication:
    fields: dict[str, Any] = {
        "company": "张掖市惠民物流有限公司",
        "contact_name": "王经理",
        "contact_phone": "13800001111",
        "plate": PLATE,
        "vehicle_kind": "truck",
        "cargo_kind": "medical",
        "route": "张掖—临泽",
        "valid_from": FIRST_DAY,
        "valid_to": LAST_DAY,
        "unit_id": tree.ganzhou.pk,
        "drivers": (DriverData("李师傅", "resident_id", DRIVER_ID, "13900002222"),),
    }
    fields.update(changes)
    return PassApplication(**fields)


_keys = iter(range(10**6))


def applied(tree: Any, **changes: Any) -> VehiclePass:
    key = f"test-submission-{next(_keys):08d}"
    return vehicle_pass_apply(application=application(tree, **changes), submission_key=key)[0]


def approved(tree: Any, actor: Any, **changes: Any) -> VehiclePass:
    return vehicle_pass_decide(
        decision=PassDecision.APPROVE, actor=actor, vehicle_pass=applied(tree, **changes)
    )


def field_codes(response: Any) -> dict[str, list[str]]:
    return {
        f: [e.code for e in errs] for f, errs in response.context["form"].errors.as_data().items()
    }


# The company's form -------------------------------------------------------------------------


def test_the_empty_form_has_three_driver_rows_and_a_submission_key(tree) -> None:
    response = Client().get("/passes/apply/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="drivers-TOTAL_FORMS" value="3"' in html
    assert re.search(r'name="submission_key" value="[A-Za-z0-9_-]{32}"', html)
    assert "甘州大队" in html and "临泽大队" in html
    assert "张掖市公安局交警支队" not in html  # only brigades approve passes


def test_apply_approve_makes_the_pass_valid(tree, brigade_officer) -> None:
    response = Client().post("/passes/apply/", form_data(tree))
    vehicle_pass = VehiclePass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/passes/status/{vehicle_pass.token}/"
    assert re.fullmatch(r"TX202612010001", vehicle_pass.number)
    assert vehicle_pass.plate == PLATE  # normalised
    assert vehicle_pass.status == PassStatus.APPLIED
    assert [(d.person.doc_number, d.name, d.phone) for d in vehicle_pass.drivers.all()] == [
        (DRIVER_ID, "李师傅", "13900002222")
    ]
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "none"
    status_page = Client().get(response["Location"])
    assert status_page.status_code == 200 and vehicle_pass.number in status_page.content.decode()

    client = login(brigade_officer)
    response = client.post(f"/passes/{vehicle_pass.pk}/approve/", {"approve-reason": ""})
    assert response.status_code == 302
    vehicle_pass.refresh_from_db()
    assert vehicle_pass.status == PassStatus.APPROVED
    assert vehicle_pass.decided_by == brigade_officer
    assert vehicle_pass_state(plate="甘G·12345", at=NOW) == "valid"
    actions = list(AuditLog.objects.order_by("id").values_list("action", "actor_name"))
    assert actions == [("vehicle_pass.apply", ""), ("vehicle_pass.approve", "brigade")]


def test_a_second_submit_of_the_same_form_makes_one_application(tree) -> None:
    client = Client()
    first = client.post("/passes/apply/", form_data(tree))
    second = client.post("/passes/apply/", form_data(tree))
    assert VehiclePass.objects.count() == 1
    assert first["Location"] == second["Location"]
    third = client.post("/passes/apply/", form_data(tree, key="another-key-0000000000"))
    assert third.status_code == 302 and VehiclePass.objects.count() == 2
    assert sorted(VehiclePass.objects.values_list("number", flat=True)) == [
        "TX202612010001",
        "TX202612010002",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"plate": "水G12345"}, "plate", "plate_province"),
        ({"plate": "甘G123"}, "plate", "plate_length"),
        ({"contact_phone": "12345"}, "contact_phone", "phone_invalid"),
        ({"valid_from": "2026-11-30"}, "valid_from", "pass_date_past"),
        ({"valid_to": "2026-11-30", "valid_from": "2026-12-02"}, "valid_to", "pass_dates_order"),
        ({"valid_to": "2026-12-31"}, "valid_to", "pass_too_long"),
        ({"unit": "999999"}, "unit", "invalid_choice"),
    ],
)
def test_bad_input_is_reported_on_its_field(tree, changes, field, code) -> None:
    response = Client().post("/passes/apply/", form_data(tree, **changes))
    assert response.status_code == 422
    assert code in field_codes(response)[field]
    assert not VehiclePass.objects.exists()


def test_thirty_days_is_the_longest_pass(tree) -> None:
    response = Client().post("/passes/apply/", form_data(tree, valid_to="2026-12-30"))
    assert response.status_code == 302


def test_driver_errors_are_on_the_driver_row(tree) -> None:
    bad = form_data(tree, **{"drivers-0-doc_number": "620702199001011237"})
    response = Client().post("/passes/apply/", bad)
    assert response.status_code == 422
    rows = response.context["drivers"].forms
    assert [e.code for e in rows[0].errors.as_data()["doc_number"]] == ["id_checksum"]


def test_a_second_driver_is_optional_and_counted(tree) -> None:
    data = form_data(
        tree,
        **{
            "drivers-1-name": "赵师傅",
            "drivers-1-doc_type": "passport",
            "drivers-1-doc_number": "e1234567",
            "drivers-1-phone": "13700003333",
        },
    )
    assert Client().post("/passes/apply/", data).status_code == 302
    assert VehiclePass.objects.get().drivers.count() == 2


def test_the_service_reports_codes_for_the_api(tree) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        applied(tree, unit_id=tree.detachment.pk, drivers=(), route=" ")
    codes = {f: [e.code for e in errs] for f, errs in caught.value.error_dict.items()}
    assert codes == {
        "unit": ["unit_not_brigade"],
        "drivers": ["drivers_count"],
        "route": ["required"],
    }


# The brigade's decisions --------------------------------------------------------------------


def test_reject_requires_a_reason(tree, brigade_officer) -> None:
    vehicle_pass = applied(tree)
    client = login(brigade_officer)
    response = client.post(f"/passes/{vehicle_pass.pk}/reject/", {"reject-reason": "  "})
    assert response.status_code == 422
    errors = response.context["reject_form"].errors.as_data()
    assert [e.code for e in errors["reason"]] == ["reason_required"]
    vehicle_pass.refresh_from_db()
    assert vehicle_pass.status == PassStatus.APPLIED

    response = client.post(f"/passes/{vehicle_pass.pk}/reject/", {"reject-reason": "货物不符"})
    assert response.status_code == 302
    vehicle_pass.refresh_from_db()
    assert (vehicle_pass.status, vehicle_pass.decision_reason) == ("rejected", "货物不符")
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "none"
    audit = AuditLog.objects.get(action="vehicle_pass.reject")
    assert audit.reason == "货物不符" and audit.target_id == str(vehicle_pass.pk)


def test_revocation_is_immediate(tree, brigade_officer) -> None:
    vehicle_pass = approved(tree, brigade_officer)
    client = login(brigade_officer)
    response = client.post(f"/passes/{vehicle_pass.pk}/revoke/", {"revoke-reason": ""})
    assert response.status_code == 422
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "valid"

    client.post(f"/passes/{vehicle_pass.pk}/revoke/", {"revoke-reason": "驾驶员核酸阳性"})
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "revoked"
    scan = client.get(f"/passes/scan/{vehicle_pass.token}/")
    assert scan.context["state"] == "revoked"
    assert 'class="state revoked"' in scan.content.decode()
    assert AuditLog.objects.filter(action="vehicle_pass.revoke", reason="驾驶员核酸阳性").exists()


def test_another_brigade_may_not_decide_and_does_not_see_the_pass(
    tree, brigade_officer, other_officer, commander
) -> None:
    vehicle_pass = applied(tree)
    linze = login(other_officer)
    # Outside the jurisdiction a pass is not found, as on its detail page: never "forbidden",
    # which would tell that it exists.
    response = linze.post(f"/passes/{vehicle_pass.pk}/approve/", {"approve-reason": ""})
    assert response.status_code == 404
    assert linze.get(f"/passes/{vehicle_pass.pk}/").status_code == 404
    assert vehicle_pass.number not in linze.get("/passes/?status=all").content.decode()
    vehicle_pass.refresh_from_db()
    assert vehicle_pass.status == PassStatus.APPLIED

    assert vehicle_pass.number in login(brigade_officer).get("/passes/").content.decode()
    assert vehicle_pass.number in login(commander).get("/passes/").content.decode()
    assert login(commander).get(f"/passes/{vehicle_pass.pk}/").status_code == 200


def test_a_decided_application_cannot_be_decided_again(tree, brigade_officer) -> None:
    from django.core.exceptions import ValidationError

    vehicle_pass = approved(tree, brigade_officer)
    with pytest.raises(ValidationError) as caught:
        vehicle_pass_decide(
            decision=PassDecision.REJECT,
            actor=brigade_officer,
            vehicle_pass=vehicle_pass,
            reason="晚了",
        )
    assert caught.value.error_dict["status"][0].code == "pass_not_pending"
    applied_pass = applied(tree, plate="甘G54321")
    with pytest.raises(ValidationError) as caught:
        vehicle_pass_decide(
            decision=PassDecision.REVOKE,
            actor=brigade_officer,
            vehicle_pass=applied_pass,
            reason="x",
        )
    assert caught.value.error_dict["status"][0].code == "pass_not_approved"


# The state a checkpoint sees ----------------------------------------------------------------


def test_a_pass_is_valid_on_its_days_in_shanghai_and_expired_outside(
    tree, brigade_officer, frozen
) -> None:
    approved(tree, brigade_officer)
    last_evening = datetime(2026, 12, 10, 23, 30, tzinfo=SHANGHAI)
    next_morning = datetime(2026, 12, 11, 0, 30, tzinfo=SHANGHAI)
    assert vehicle_pass_state(plate=PLATE, at=last_evening) == "valid"
    assert vehicle_pass_state(plate=PLATE, at=next_morning.astimezone(ZoneInfo("UTC"))) == (
        "expired"
    )
    assert vehicle_pass_state(plate=PLATE, at=NOW - timedelta(days=1)) == "expired"
    frozen.move_to(datetime(2026, 12, 20, 12, 0, tzinfo=SHANGHAI))
    assert vehicle_pass_state(plate=PLATE, at=datetime.now(tz=SHANGHAI)) == "expired"


def test_revoked_wins_over_a_pass_approved_before_the_revocation(
    tree, brigade_officer, frozen
) -> None:
    first = approved(tree, brigade_officer)
    frozen.shift(60)
    second = approved(tree, brigade_officer, valid_from=date(2026, 12, 5))
    frozen.shift(60)
    vehicle_pass_decide(
        decision=PassDecision.REVOKE, actor=brigade_officer, vehicle_pass=first, reason="违规"
    )
    assert vehicle_pass_state(plate=PLATE, at=datetime(2026, 12, 6, tzinfo=SHANGHAI)) == "revoked"
    # Before the second pass starts the first one is revoked all the same.
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "revoked"
    # After both periods, the revoked pass reads as expired like any other.
    assert vehicle_pass_state(plate=PLATE, at=datetime(2026, 12, 20, tzinfo=SHANGHAI)) == (
        "expired"
    )
    frozen.shift(60)
    # A pass the brigade approves after the revocation is a new decision and stands.
    third = approved(tree, brigade_officer, valid_from=date(2026, 12, 2))
    assert vehicle_pass_state(plate=PLATE, at=datetime(2026, 12, 6, tzinfo=SHANGHAI)) == "valid"
    assert {second.status, third.status} == {"approved"}


def test_a_pass_not_started_gives_no_priority_but_reads_not_valid_yet(
    tree, brigade_officer
) -> None:
    vehicle_pass = approved(tree, brigade_officer, valid_from=date(2026, 12, 5))
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "expired"
    page = login(brigade_officer).get(
        f"/passes/scan/{vehicle_pass.token}/", headers={"accept-language": "en"}
    )
    assert (page.context["state"], page.context["state_label"]) == ("expired", "Not valid yet")


def test_no_pass_means_none(tree, brigade_officer) -> None:
    applied(tree)
    assert vehicle_pass_state(plate=PLATE, at=NOW) == "none"
    assert vehicle_pass_state(plate="甘G99999", at=NOW) == "none"
    assert vehicle_pass_state(plate="not a plate", at=NOW) == "none"


def test_the_scan_page_needs_a_login_and_shows_the_state(tree, brigade_officer, other_officer):
    vehicle_pass = approved(tree, brigade_officer)
    anonymous = Client().get(f"/passes/scan/{vehicle_pass.token}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Any officer checks any pass: vehicles cross brigades.
    page = login(other_officer).get(f"/passes/scan/{vehicle_pass.token}/")
    assert page.status_code == 200 and page.context["state"] == "valid"
    html = page.content.decode()
    assert 'class="state valid"' in html and vehicle_pass.number in html
    assert DRIVER_ID not in html and "李师傅" not in html  # masked
    by_plate = login(other_officer).post("/passes/scan/", {"plate": "甘g12345"})
    assert by_plate.context["state"] == "valid"
    # The plate is posted: it stays out of the URL, and a query string is not a search.
    assert not login(other_officer).get("/passes/scan/", {"plate": "甘g12345"}).context["searched"]
    unknown = login(other_officer).get("/passes/scan/" + "A" * 43 + "/")
    assert unknown.status_code == 404 and unknown.context["state"] == "unknown"


def test_get_by_token(tree) -> None:
    vehicle_pass = applied(tree)
    assert vehicle_pass_get_by_token(vehicle_pass.token) == vehicle_pass
    with pytest.raises(VehiclePass.DoesNotExist):
        vehicle_pass_get_by_token("../../etc")


# The printed pass ---------------------------------------------------------------------------


def test_the_qr_code_holds_the_scan_url(tree, brigade_officer) -> None:
    vehicle_pass = approved(tree, brigade_officer)
    html = Client().get(f"/passes/status/{vehicle_pass.token}/").content.decode()
    url = f"http://testserver/passes/scan/{vehicle_pass.token}/"
    # The same data always gives the same symbol, so the page's symbol encodes this URL.
    expected = segno.make(url, error="m", micro=False)
    assert "<svg" in html
    assert expected.svg_inline(scale=5, border=2, title="x").split("<path", 1)[1] in html
    assert vehicle_pass_token_from_qr(url) == vehicle_pass.token
    assert vehicle_pass_token_from_qr(vehicle_pass.token) == vehicle_pass.token
    assert vehicle_pass_token_from_qr("https://example.org/other") is None


def test_the_pdf_shows_the_pass_in_chinese_with_masked_drivers(tree, brigade_officer) -> None:
    vehicle_pass = approved(tree, brigade_officer)
    response = Client().get(f"/passes/status/{vehicle_pass.token}/pass.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert vehicle_pass.number in text
    assert "甘G·12345" in text
    assert "张掖市惠民物流有限公司" in text and "甘州大队" in text
    assert "李*傅" in text and "620702********1236" in text
    assert DRIVER_ID not in text and "李师傅" not in text
    assert AuditLog.objects.filter(action="vehicle_pass.print").count() == 1
    staff = login(brigade_officer)
    asked = staff.get(f"/passes/{vehicle_pass.pk}/pass.pdf")
    assert asked["Content-Type"].startswith("text/html") and 'name="reason"' in asked.text
    staff_pdf = staff.post(f"/passes/{vehicle_pass.pk}/pass.pdf", {"reason": "卡口核对"})
    assert staff_pdf.status_code == 200 and staff_pdf["Content-Type"] == "application/pdf"
    printed = AuditLog.objects.filter(action="vehicle_pass.print").order_by("id")
    assert [(p.reason, p.ip) for p in printed] == [("", "127.0.0.1"), ("卡口核对", "127.0.0.1")]


def test_the_print_service_audits_who_printed_with_the_reason(tree, brigade_officer) -> None:
    vehicle_pass = approved(tree, brigade_officer)

    content = vehicle_pass_print(
        actor=brigade_officer,
        vehicle_pass=vehicle_pass,
        scan_url="https://fk.example/passes/scan",
        reason="卡口核对",
        ip="10.0.0.9",
    )

    assert content.startswith(b"%PDF")
    printed = AuditLog.objects.get(action="vehicle_pass.print")
    assert (printed.target_id, printed.reason, printed.ip) == (
        str(vehicle_pass.pk),
        "卡口核对",
        "10.0.0.9",
    )
    assert printed.actor_id == brigade_officer.pk


def test_only_an_approved_pass_prints(tree, brigade_officer) -> None:
    vehicle_pass = applied(tree)
    assert Client().get(f"/passes/status/{vehicle_pass.token}/pass.pdf").status_code == 404


# The API ------------------------------------------------------------------------------------


def api_body(tree: Any, key: str = "api-submission-0001", **changes: Any) -> dict[str, Any]:
    body = {
        "submission_key": key,
        "company": "张掖市惠民物流有限公司",
        "contact_name": "王经理",
        "contact_phone": "13800001111",
        "plate": "甘G12345",
        "vehicle_kind": "truck",
        "cargo_kind": "living",
        "route": "张掖—临泽",
        "valid_from": "2026-12-01",
        "valid_to": "2026-12-10",
        "unit_id": tree.ganzhou.pk,
        "drivers": [{"name": "李师傅", "doc_number": DRIVER_ID, "phone": "13900002222"}],
    }
    body.update(changes)
    return body


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_apply_is_public_and_idempotent(tree) -> None:
    first = post(Client(), "/api/v1/passes/apply", api_body(tree))
    assert first.status_code == 201
    again = post(Client(), "/api/v1/passes/apply", api_body(tree))
    assert again.status_code == 200
    assert first.json() == again.json()
    body = first.json()
    assert body["status"] == "applied" and body["number"] == "TX202612010001"
    assert body["status_url"] == f"http://testserver/passes/status/{body['token']}/"
    assert VehiclePass.objects.count() == 1


def test_api_apply_reports_codes_on_fields(tree) -> None:
    response = post(
        Client(),
        "/api/v1/passes/apply",
        api_body(tree, plate="甘1234", contact_phone="110", valid_to="2026-11-01"),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["plate"][0]["code"] == "plate_length"
    assert errors["contact_phone"][0]["code"] == "phone_invalid"
    assert errors["valid_to"][0]["code"] == "pass_dates_order"
    bad_driver = api_body(tree, drivers=[{"name": "x", "doc_number": "1", "phone": "1"}] * 4)
    response = post(Client(), "/api/v1/passes/apply", bad_driver)
    assert response.json()["errors"]["drivers"][0]["code"] == "drivers_count"
    short_key = post(Client(), "/api/v1/passes/apply", api_body(tree, key="x"))
    assert short_key.json()["code"] == "submission_key_invalid"


def test_api_decisions_are_permission_checked(tree, brigade_officer, other_officer) -> None:
    vehicle_pass = applied(tree)
    path = f"/api/v1/passes/{vehicle_pass.pk}"
    assert post(Client(), path + "/approve", {}).status_code == 401
    clerk = login(_persona(tree.ganzhou, "clerk", RoleCode.CHECKPOINT))
    refused = post(clerk, path + "/approve", {})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"

    ganzhou = login(brigade_officer)
    no_reason = post(ganzhou, path + "/reject", {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    not_yet = post(ganzhou, path + "/revoke", {"reason": "x"})
    assert not_yet.status_code == 422 and not_yet.json()["code"] == "pass_not_approved"
    done = ganzhou.post(path + "/approve", "", content_type="application/json")
    assert done.status_code == 200
    assert done.json()["status"] == "approved" and done.json()["state"] == "valid"
    twice = post(ganzhou, path + "/approve", {})
    assert twice.status_code == 422 and twice.json()["code"] == "pass_not_pending"
    revoked = post(ganzhou, path + "/revoke", {"reason": "停运"})
    assert revoked.json()["state"] == "revoked"
    assert post(ganzhou, "/api/v1/passes/999999/approve", {}).status_code == 404


@pytest.mark.parametrize(
    ("decision", "status", "body"),
    [
        ("approve", PassStatus.APPLIED, {}),
        ("reject", PassStatus.APPLIED, {"reason": "货物不符"}),
        ("revoke", PassStatus.APPROVED, {"reason": "停运"}),
    ],
)
def test_api_decisions_outside_the_jurisdiction_read_as_missing(
    tree, brigade_officer, other_officer, decision, status, body
) -> None:
    vehicle_pass = applied(tree)
    if status == PassStatus.APPROVED:
        vehicle_pass = vehicle_pass_decide(
            decision=PassDecision.APPROVE, actor=brigade_officer, vehicle_pass=vehicle_pass
        )
    audits = AuditLog.objects.count()
    linze = login(other_officer)
    foreign = post(linze, f"/api/v1/passes/{vehicle_pass.pk}/{decision}", body)
    missing = post(linze, f"/api/v1/passes/999999/{decision}", body)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["code"] == "not_found"
    vehicle_pass.refresh_from_db()
    assert vehicle_pass.status == status
    assert AuditLog.objects.count() == audits


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        ("approve", PassStatus.APPLIED),
        ("reject", PassStatus.APPLIED),
        ("revoke", PassStatus.APPROVED),
    ],
)
def test_page_decisions_outside_the_jurisdiction_read_as_missing(
    tree, brigade_officer, other_officer, decision, status
) -> None:
    vehicle_pass = applied(tree)
    if status == PassStatus.APPROVED:
        vehicle_pass = vehicle_pass_decide(
            decision=PassDecision.APPROVE, actor=brigade_officer, vehicle_pass=vehicle_pass
        )
    linze = login(other_officer)
    form = {f"{decision}-reason": "越权"}
    assert linze.post(f"/passes/{vehicle_pass.pk}/{decision}/", form).status_code == 404
    assert linze.post(f"/passes/999999/{decision}/", form).status_code == 404
    vehicle_pass.refresh_from_db()
    assert vehicle_pass.status == status


def test_an_approval_note_is_limited_like_a_reason(tree, brigade_officer) -> None:
    vehicle_pass = applied(tree)
    path = f"/api/v1/passes/{vehicle_pass.pk}/approve"
    too_long = post(login(brigade_officer), path, {"reason": "长" * 201})
    assert too_long.status_code == 422 and too_long.json()["code"] == "too_long"
    noted = post(login(brigade_officer), path, {"reason": "  随车  携带\n证明 "})
    assert noted.json()["decision_reason"] == "随车 携带 证明"


def test_api_list_is_scoped(tree, brigade_officer, other_officer, django_assert_max_num_queries):
    for n in range(3):
        applied(tree, plate=f"甘G1000{n}")
    applied(tree, plate="甘G20000", unit_id=tree.linze.pk)
    ganzhou = login(brigade_officer)
    ganzhou.get("/api/v1/passes")  # warm the session
    with django_assert_max_num_queries(6):
        rows = ganzhou.get("/api/v1/passes").json()
    assert sorted(r["plate"] for r in rows) == ["甘G10000", "甘G10001", "甘G10002"]
    assert rows[0]["drivers"][0]["name_masked"] == "李*傅"
    assert rows[0]["contact_phone_masked"] == "138****1111"
    assert [r["plate"] for r in login(other_officer).get("/api/v1/passes").json()] == ["甘G20000"]
    assert login(other_officer).get("/api/v1/passes?status=approved").json() == []
    assert Client().get("/api/v1/passes").status_code == 401
    foreign = VehiclePass.objects.get(plate="甘G10000").pk
    assert login(other_officer).get(f"/api/v1/passes/{foreign}").status_code == 404


def scan(client: Any, body: dict[str, str]) -> Any:
    return client.post("/api/v1/passes/scan", body, content_type="application/json")


def test_api_scan_by_token_and_plate(tree, brigade_officer, other_officer) -> None:
    vehicle_pass = approved(tree, brigade_officer)
    client = login(other_officer)
    by_token = scan(client, {"token": vehicle_pass.token}).json()
    assert by_token["state"] == "valid"
    assert by_token["vehicle_pass"]["number"] == vehicle_pass.number
    scanned_text = f"http://testserver/passes/scan/{vehicle_pass.token}/"
    assert scan(client, {"token": scanned_text}).json()["state"] == "valid"
    by_plate = scan(client, {"plate": "甘G·12345"}).json()
    assert by_plate["state"] == "valid" and by_plate["vehicle_pass"]["id"] == vehicle_pass.pk
    nothing = scan(client, {"plate": "甘G99999"}).json()
    assert nothing == {"state": "none", "state_label": nothing["state_label"], "vehicle_pass": None}
    unknown = scan(client, {"token": "B" * 43})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    empty = scan(client, {})
    assert empty.status_code == 422 and empty.json()["code"] == "token_or_plate_required"
    assert scan(Client(), {"plate": PLATE}).status_code == 401


def test_api_operations_are_named(tree) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/passes")
        for op in methods.values()
    }
    assert operations == {
        "vehicle_pass_apply",
        "vehicle_pass_list",
        "vehicle_pass_scan",
        "vehicle_pass_get",
        "vehicle_pass_approve",
        "vehicle_pass_reject",
        "vehicle_pass_revoke",
    }


def test_the_list_shows_an_approved_pass_past_its_days_as_expired(
    tree, brigade_officer, frozen
) -> None:
    vehicle_pass = approved(tree, brigade_officer)
    client = login(brigade_officer)
    page = client.get("/passes/?status=approved").content.decode()
    assert "已批准" in page and "通行证已过期" not in page
    frozen.move_to(datetime(2026, 12, 20, 12, 0, tzinfo=SHANGHAI))
    page = login(brigade_officer).get("/passes/?status=approved").content.decode()
    assert vehicle_pass.number in page and "通行证已过期" in page
