from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.models import AuditLog
from fangkong.org import services
from fangkong.org.choices import StaffKind


def officer(commander, unit, badge_number: str, name: str = "李明", **extra):
    return services.staff_create(
        actor=commander,
        unit=unit,
        name=name,
        kind=StaffKind.OFFICER,
        badge_number=badge_number,
        **extra,
    )


@pytest.mark.django_db
def test_badge_number_used_twice_is_refused(commander, tree) -> None:
    officer(commander, tree.ganzhou, "062001", phone="+86 139-1234-5678")
    with pytest.raises(ValidationError) as caught:
        officer(commander, tree.linze, " 062001 ", name="王强")
    assert [e.code for e in caught.value.error_dict["badge_number"]] == ["badge_taken"]


@pytest.mark.django_db
def test_phone_is_normalised_and_bad_phone_refused(commander, tree) -> None:
    staff = officer(commander, tree.ganzhou, "062002", phone="0086 139 1234 5678")
    assert staff.phone == "13912345678"
    with pytest.raises(ValidationError) as caught:
        services.staff_update(actor=commander, staff=staff, phone="12345")
    assert [e.code for e in caught.value.error_dict["phone"]] == ["phone_invalid"]


@pytest.mark.django_db
def test_auxiliaries_hold_no_rank(commander, tree) -> None:
    with pytest.raises(ValidationError) as caught:
        services.staff_create(
            actor=commander,
            unit=tree.ganzhou,
            name="赵六",
            kind=StaffKind.AUXILIARY,
            badge_number="F0001",
            rank="sergeant_1",
        )
    assert "rank" in caught.value.error_dict


@pytest.mark.django_db
def test_every_staff_update_is_audited_with_or_without_roles(commander, tree) -> None:
    staff = officer(commander, tree.ganzhou, "062003")
    services.staff_update(actor=commander, staff=staff, name="李明明")
    services.staff_update(actor=commander, staff=staff, roles=["duty_leader"])
    updates = AuditLog.objects.filter(action="staff.update", target_id=str(staff.pk))
    assert sorted(tuple(u.extra["fields"]) for u in updates) == [
        ("badge_number",),
        ("badge_number", "name"),
    ]
