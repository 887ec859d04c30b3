"""Tracing a case's contacts: travel group, site and gate windows, vehicle, train, second
degree; run as a job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.intel.models import TraceContact
from fangkong.intel.services import tracing
from fangkong.sites.choices import SiteKind
from tests.factories import PersonFactory, SiteFactory
from tests.intel.helpers import check_of, csv_bytes, group_of, import_list, registration_of
from tests.jobs.worker import run_queued_jobs


@pytest.fixture
def case(tree: Any, commander: Any) -> dict[str, Any]:
    t = timezone.now() - timedelta(days=2)
    road = SiteFactory(unit=tree.ganzhou, kind=SiteKind.CHECKPOINT)
    other_road = SiteFactory(unit=tree.ganzhou, kind=SiteKind.CHECKPOINT)
    gate = SiteFactory(unit=tree.ganzhou_squad, kind=SiteKind.COMMUNITY_GATE)
    far = SiteFactory(unit=tree.linze, kind=SiteKind.CHECKPOINT)
    names = ("case", "passenger", "near", "late", "gate", "car", "train", "second")
    p = {name: PersonFactory() for name in names}
    group = group_of(road, "甘G55555", at=t)
    registration_of(road, p["case"], group=group, created_at=t)
    registration_of(road, p["passenger"], group=group, created_at=t)
    check_of(p["case"], other_road, at=t + timedelta(hours=1))
    check_of(p["near"], other_road, at=t + timedelta(hours=1, minutes=20))
    check_of(p["late"], other_road, at=t + timedelta(hours=3))
    registration_of(gate, p["case"], created_at=t + timedelta(hours=5))
    registration_of(gate, p["gate"], created_at=t + timedelta(hours=5, minutes=5))
    later = group_of(road, "甘G55555", at=t + timedelta(days=1))
    registration_of(road, p["car"], group=later, created_at=t + timedelta(days=1))
    check_of(p["near"], far, at=t + timedelta(hours=8))
    check_of(p["second"], far, at=t + timedelta(hours=8, minutes=1))
    manifest = [[p[n].doc_number, "G1234", "2020-02-03"] for n in ("case", "train")]
    import_list(
        commander,
        tree.detachment,
        csv_bytes(["身份证号", "车次", "日期"], manifest),
        purpose="manifest",
    )
    return p


def reasons(trace: Any) -> dict[int, tuple[str, int]]:
    rows = TraceContact.objects.filter(trace=trace)
    return {c.person_id: (c.reason, c.degree) for c in rows}


def test_person_case_finds_every_kind_of_contact(case: Any, commander: Any, tree: Any) -> None:
    trace = tracing.trace_start(
        actor=commander,
        unit=tree.detachment,
        case_kind="person",
        case={"doc_number": case["case"].doc_number},
        second_degree=True,
    )
    run_queued_jobs()
    found = reasons(trace)
    assert found[case["passenger"].pk] == ("same_group", 1)
    assert found[case["near"].pk] == ("same_site", 1)
    assert found[case["gate"].pk] == ("same_gate", 1)
    assert found[case["car"].pk] == ("same_vehicle", 1)
    assert found[case["train"].pk] == ("same_train", 1)
    assert found[case["second"].pk] == ("same_site", 2)
    assert case["late"].pk not in found
    assert case["case"].pk not in found


def test_without_second_degree_stops_at_the_first(case: Any, commander: Any, tree: Any) -> None:
    trace = tracing.trace_start(
        actor=commander, unit=tree.detachment, case_kind="person",
        case={"doc_number": case["case"].doc_number},
    )  # fmt: skip
    tracing.trace_run(trace=trace)
    assert case["second"].pk not in reasons(trace)


def test_plate_and_train_cases(case: Any, commander: Any, tree: Any) -> None:
    plate = tracing.trace_start(
        actor=commander, unit=tree.detachment, case_kind="plate", case={"plate": "甘G·55555"}
    )
    tracing.trace_run(trace=plate)
    found = reasons(plate)
    assert found[case["case"].pk][0] == "same_group"
    assert found[case["car"].pk][0] == "same_group"
    from datetime import date

    train = tracing.trace_start(
        actor=commander, unit=tree.detachment, case_kind="train",
        case={"train": "g1234", "seat": "05车12A", "travel_date": date(2020, 2, 3)},
    )  # fmt: skip
    tracing.trace_run(trace=train)
    assert set(reasons(train)) == {case["case"].pk, case["train"].pk}


def test_bad_cases_are_refused(commander: Any, tree: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        tracing.trace_start(
            actor=commander, unit=tree.detachment, case_kind="person",
            case={"doc_number": "123"}, window_minutes=0,
        )  # fmt: skip
    assert {"doc_number", "window_minutes"} <= set(caught.value.error_dict)
