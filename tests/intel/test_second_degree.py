"""The bounded second degree: only the first-degree contacts closest in time to the case are
followed, at most so many second-degree contacts are kept, and a trace cut short says so on
its page, in its export and in the API."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fangkong.intel.closeness import Place, closest_first
from fangkong.intel.models import Trace, TraceContact
from fangkong.intel.services import tracing
from tests.conftest import login
from tests.factories import PersonFactory, SiteFactory
from tests.intel.helpers import check_of
from tests.jobs.worker import run_queued_jobs

GAPS = (20, 1, 10, 5)  # minutes after the case at the case's site, of first-degree contacts


@pytest.fixture
def fanout(tree: Any) -> dict[str, Any]:
    """A case, four first-degree contacts seen 20, 1, 10 and 5 minutes after it at its site,
    and each of them seen later at a site of its own with two persons, 2 and 1 minutes from it
    (second-degree contacts)."""
    t = timezone.now() - timedelta(days=2)
    home = SiteFactory(unit=tree.ganzhou)
    case = PersonFactory()
    check_of(case, home, at=t)
    first, second = [], []
    for i, gap in enumerate(GAPS):
        contact = PersonFactory()
        check_of(contact, home, at=t + timedelta(minutes=gap))
        own, at = SiteFactory(unit=tree.ganzhou), t + timedelta(hours=3 + i)
        check_of(contact, own, at=at)
        far, near = PersonFactory(), PersonFactory()
        check_of(far, own, at=at + timedelta(minutes=2))
        check_of(near, own, at=at - timedelta(minutes=1))
        first.append(contact)
        second.append((near, far))
    return {"case": case, "first": first, "second": second}


def _trace(commander: Any, tree: Any, case: Any) -> Trace:
    trace = tracing.trace_start(
        actor=commander, unit=tree.detachment, case_kind="person",
        case={"doc_number": case.doc_number}, second_degree=True,
    )  # fmt: skip
    run_queued_jobs()
    trace.refresh_from_db()
    return trace


def _degree(trace: Trace, degree: int) -> set[int]:
    rows = TraceContact.objects.filter(trace=trace, degree=degree)
    return set(rows.values_list("person_id", flat=True))


def _followed(trace: Trace) -> set[int]:
    rows = TraceContact.objects.filter(trace=trace, degree=1, followed=True)
    return set(rows.values_list("person_id", flat=True))


@pytest.mark.django_db
def test_below_the_bounds_every_contact_is_followed(fanout: Any, commander: Any, tree: Any) -> None:
    trace = _trace(commander, tree, fanout["case"])
    assert not trace.second_degree_cut
    assert _degree(trace, 1) == {p.pk for p in fanout["first"]}
    assert _degree(trace, 2) == {p.pk for pair in fanout["second"] for p in pair}
    assert _followed(trace) == {p.pk for p in fanout["first"]}


@pytest.mark.django_db
def test_only_the_contacts_closest_to_the_case_are_followed(
    fanout: Any, commander: Any, tree: Any, settings: Any
) -> None:
    settings.TRACE_FOLLOW = 2
    trace = _trace(commander, tree, fanout["case"])
    # The contacts seen 1 and 5 minutes after the case, not those seen 10 and 20 minutes after.
    first, second = fanout["first"], fanout["second"]
    assert _degree(trace, 1) == {p.pk for p in first}, "the first degree is whole"
    assert _followed(trace) == {first[1].pk, first[3].pk}
    assert _degree(trace, 2) == {p.pk for i in (1, 3) for p in second[i]}
    assert trace.second_degree_cut
    events = trace.events.filter(degree=2).values_list("person_id", flat=True)
    assert set(events) == {first[1].pk, first[3].pk}, "only the followed contacts' whereabouts"


@pytest.mark.django_db
def test_at_most_the_maximum_is_kept_nearest_first(
    fanout: Any, commander: Any, tree: Any, settings: Any
) -> None:
    settings.TRACE_SECOND_DEGREE_MAX = 3
    trace = _trace(commander, tree, fanout["case"])
    first, second = fanout["first"], fanout["second"]
    # Both contacts of the nearest first-degree contact, then the nearer one of the next.
    assert _degree(trace, 2) == {second[1][0].pk, second[1][1].pk, second[3][0].pk}
    assert _followed(trace) == {first[1].pk, first[3].pk}
    assert trace.second_degree_cut
    assert len(_degree(trace, 1)) == 4


@pytest.mark.django_db
def test_a_rerun_keeps_the_same_contacts(
    fanout: Any, commander: Any, tree: Any, settings: Any
) -> None:
    settings.TRACE_SECOND_DEGREE_MAX = 3
    trace = _trace(commander, tree, fanout["case"])
    before = _degree(trace, 2)
    tracing.trace_run(trace=trace)
    assert _degree(trace, 2) == before and trace.second_degree_cut
    settings.TRACE_SECOND_DEGREE_MAX = 100
    tracing.trace_run(trace=trace)
    trace.refresh_from_db()
    assert len(_degree(trace, 2)) == 8 and not trace.second_degree_cut


@pytest.mark.django_db
def test_the_page_export_and_api_say_the_second_degree_was_cut(
    fanout: Any, commander: Any, tree: Any, settings: Any
) -> None:
    settings.TRACE_FOLLOW = 2
    trace = _trace(commander, tree, fanout["case"])
    client = login(commander)
    page = client.get(reverse("intel:trace", args=[trace.pk])).content.decode()
    assert 'id="second-degree-cut"' in page
    assert "次密接仅从与病例接触时间最接近的 2 名密接（共 4 名）追查" in page
    assert "已追查次密接" in page
    export = client.post(reverse("intel:trace_export", args=[trace.pk]), {"reason": "协查下发"})
    book = load_workbook(io.BytesIO(export.content))
    assert "缩小时间窗口" in book[book.sheetnames[1]]["A2"].value
    body = client.get(f"/api/v1/intel/traces/{trace.pk}").json()
    assert body["second_degree_cut"] is True
    assert (body["contacts_followed"], body["first_degree_contacts"]) == (2, 4)
    assert "2 名密接" in body["second_degree_notice"]
    assert sum(c["followed"] for c in body["contacts"]) == 2


@pytest.mark.django_db
def test_a_whole_trace_shows_no_notice(fanout: Any, commander: Any, tree: Any) -> None:
    trace = _trace(commander, tree, fanout["case"])
    client = login(commander)
    page = client.get(reverse("intel:trace", args=[trace.pk])).content.decode()
    assert 'id="second-degree-cut"' not in page and "已追查次密接" not in page
    body = client.get(f"/api/v1/intel/traces/{trace.pk}").json()
    assert body["second_degree_cut"] is False and body["second_degree_notice"] == ""
    export = client.post(reverse("intel:trace_export", args=[trace.pk]), {"reason": "协查下发"})
    assert len(load_workbook(io.BytesIO(export.content)).sheetnames) == 1


def test_closest_first_orders_by_time_then_id() -> None:
    t = datetime(2020, 2, 3, 8, tzinfo=UTC)
    case = [Place(1, t, group_id=7), Place(2, t + timedelta(hours=5))]
    whereabouts = [
        (10, Place(1, t + timedelta(minutes=9))),
        (11, Place(2, t + timedelta(hours=5, minutes=-3))),
        (11, Place(1, t + timedelta(minutes=20))),
        (12, Place(3, t)),  # never at a site of the case
        (13, Place(1, t + timedelta(minutes=9))),
        (14, Place(4, t + timedelta(days=1), group_id=7)),  # the case's travel group
    ]
    assert closest_first(case, whereabouts, [15, 13, 12, 11, 10, 14]) == [14, 11, 10, 13, 12, 15]
