"""Traced contacts an analyst chooses become key-person candidates for review: in the queue
of the unit where each contact was seen, a close or secondary contact by degree, never a key
person until a reviewer takes them on; audited; proposing or tracing again adds none."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.intel import selectors as intel_selectors
from fangkong.intel.models import Trace, TraceContact
from fangkong.intel.services import trace_candidates, tracing
from fangkong.keypersons import selectors
from fangkong.keypersons import services as kp_services
from fangkong.keypersons.models import Candidate, Category, KeyPerson
from tests.conftest import login
from tests.factories import PersonFactory
from tests.grid.world import World
from tests.intel.helpers import check_of

pytestmark = pytest.mark.django_db
API = "/api/v1/intel"


@pytest.fixture
def traced(tree: Any, commander: Any, sites: Any) -> dict[str, Any]:
    """A case seen at a Ganzhou and a Linze site; ``near`` beside it in Ganzhou, ``linze``
    beside it in Linze, ``second`` beside ``near`` later (second degree). The commander's
    trace, run."""
    t = timezone.now() - timedelta(days=1)
    ganzhou, linze, linze2 = sites["ganzhou"][0], sites["linze"][0], sites["linze"][1]
    p = {name: PersonFactory() for name in ("case", "near", "linze", "second")}
    check_of(p["case"], ganzhou, at=t)
    check_of(p["near"], ganzhou, at=t + timedelta(minutes=10))
    check_of(p["case"], linze, at=t + timedelta(hours=3))
    check_of(p["linze"], linze, at=t + timedelta(hours=3, minutes=5))
    check_of(p["near"], linze2, at=t + timedelta(hours=6))
    check_of(p["second"], linze2, at=t + timedelta(hours=6, minutes=3))
    p["trace"] = _trace(commander, tree, p["case"])
    p["sites"] = (ganzhou, linze, linze2)
    return p


def _trace(actor: Any, tree: Any, case: Any, unit: Any = None) -> Trace:
    trace = tracing.trace_start(
        actor=actor, unit=unit or tree.detachment, case_kind="person",
        case={"doc_number": case.doc_number}, second_degree=True,
    )  # fmt: skip
    tracing.trace_run(trace=trace)
    trace.refresh_from_db()
    return trace


def _ids(trace: Trace, *persons: Any) -> list[int]:
    contacts = TraceContact.objects.filter(trace=trace, person__in=persons)
    return list(contacts.values_list("pk", flat=True))


def test_chosen_contacts_wait_for_review_where_they_were_seen(
    traced: dict[str, Any], commander: Any, tree: Any
) -> None:
    trace = traced["trace"]
    near, linze, second = traced["near"], traced["linze"], traced["second"]
    done = trace_candidates.trace_contacts_propose(
        actor=commander, trace=trace, contact_ids=_ids(trace, near, linze, second)
    )
    assert len(done.proposed) == 3 and done.skipped == {}
    rows = {
        c.person_id: (c.source_kind, c.source_id, c.outcome, c.site, c.unit_path, c.status)
        for c in Candidate.objects.select_related("site")
    }
    ganzhou, linze_site, linze2 = traced["sites"]
    assert rows == {
        near.pk: ("trace", trace.pk, "close_contact", ganzhou, tree.ganzhou.path, "pending"),
        linze.pk: ("trace", trace.pk, "close_contact", linze_site, tree.linze.path, "pending"),
        second.pk: ("trace", trace.pk, "secondary_contact", linze2, tree.linze.path, "pending"),
    }
    seen = Candidate.objects.get(person=near).seen_at
    assert seen == TraceContact.objects.get(trace=trace, person=near).at
    assert not KeyPerson.objects.exists()
    audit = AuditLog.objects.get(action="intel.trace_propose")
    assert audit.target_id == str(trace.pk) and len(audit.extra["proposed"]) == 3


def test_proposing_or_tracing_again_adds_no_candidate(
    traced: dict[str, Any], commander: Any, tree: Any
) -> None:
    trace, near = traced["trace"], traced["near"]
    trace_candidates.trace_contacts_propose(
        actor=commander, trace=trace, contact_ids=_ids(trace, near)
    )
    again = trace_candidates.trace_contacts_propose(
        actor=commander, trace=trace, contact_ids=_ids(trace, near, traced["linze"])
    )
    assert list(again.skipped.values()) == ["already_proposed"] and len(again.proposed) == 1
    tracing.trace_run(trace=trace)  # the contacts found anew, with new ids
    repeat = _trace(commander, tree, traced["case"])
    everyone = list(repeat.contacts.values_list("pk", flat=True))
    third = trace_candidates.trace_contacts_propose(
        actor=commander, trace=repeat, contact_ids=everyone
    )
    assert sorted(third.skipped.values()) == ["pending", "pending"] and len(third.proposed) == 1
    assert Candidate.objects.count() == 3
    assert intel_selectors.trace_candidate_states(trace=trace) == {
        near.pk: "pending",
        traced["linze"].pk: "pending",
    }


def test_a_person_under_a_measure_is_left_out_and_a_taken_on_contact_says_traced(
    world: World, traced: dict[str, Any], commander: Any, brigade_officer: Any, tree: Any
) -> None:
    trace, near, linze = traced["trace"], traced["near"], traced["linze"]
    trace_candidates.trace_contacts_propose(
        actor=commander, trace=trace, contact_ids=_ids(trace, near, linze)
    )
    candidate = Candidate.objects.get(person=near)
    # The Ganzhou brigade reviews the contact seen in Ganzhou, not the one seen in Linze.
    assert list(selectors.candidate_list_for_user(user=brigade_officer)) == [candidate]
    episode = kp_services.candidate_accept(
        actor=brigade_officer, candidate=candidate, community=world.community,
        category=Category.objects.get(code="close_contact"), name="李四",
        reason="协查密接", address="东街2号",
    )  # fmt: skip
    assert episode.source == "tracing" and episode.person_id == near.pk
    later = _trace(commander, tree, traced["case"])
    skipped = trace_candidates.trace_contacts_propose(
        actor=commander, trace=later, contact_ids=_ids(later, near, linze)
    ).skipped
    assert skipped == {_ids(later, near)[0]: "key_person", _ids(later, linze)[0]: "pending"}


def test_refusals(traced: dict[str, Any], commander: Any, other_officer: Any, tree: Any) -> None:
    trace = traced["trace"]
    with pytest.raises(ValidationError) as caught:
        trace_candidates.trace_contacts_propose(actor=commander, trace=trace, contact_ids=[])
    assert caught.value.error_dict["contact_ids"][0].code == "required"
    # The Linze officer's own trace: a contact seen in Ganzhou is not theirs to see.
    theirs = _trace(other_officer, tree, traced["case"], unit=tree.linze)
    with pytest.raises(ValidationError) as caught:
        trace_candidates.trace_contacts_propose(
            actor=other_officer, trace=theirs, contact_ids=_ids(theirs, traced["near"])
        )
    assert caught.value.error_dict["contact_ids"][0].code == "contact_unknown"
    with pytest.raises(PermissionDeniedError):
        trace_candidates.trace_contacts_propose(
            actor=other_officer, trace=trace, contact_ids=_ids(trace, traced["linze"])
        )
    Trace.objects.filter(pk=trace.pk).update(done=False)
    trace.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        trace_candidates.trace_contacts_propose(
            actor=commander, trace=trace, contact_ids=_ids(trace, traced["linze"])
        )
    assert caught.value.error_dict["trace"][0].code == "trace_running"
    assert not Candidate.objects.exists()


def test_the_api_proposes_and_answers_coded_refusals(
    traced: dict[str, Any], commander: Any, other_officer: Any
) -> None:
    trace, client = traced["trace"], login(commander)
    url = f"{API}/traces/{trace.pk}/candidates"
    ids = _ids(trace, traced["near"], traced["linze"])
    answer = client.post(url, {"contact_ids": ids}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert sorted(row["contact_id"] for row in answer.json()["proposed"]) == sorted(ids)
    again = client.post(url, {"contact_ids": ids[:1]}, content_type="application/json").json()
    skipped = [{"contact_id": ids[0], "code": "already_proposed"}]
    assert again == {"proposed": [], "skipped": skipped}
    contacts = client.get(f"{API}/traces/{trace.pk}").json()["contacts"]
    assert {c["id"]: c["candidate"] for c in contacts if c["id"] in ids} == dict.fromkeys(
        ids, "pending"
    )
    empty = client.post(url, {"contact_ids": []}, content_type="application/json")
    assert empty.status_code == 422 and "contact_ids" in empty.json()["errors"]
    unknown = client.post(url, {"contact_ids": [2**40]}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["code"] == "contact_unknown"
    outside = login(other_officer).post(url, {"contact_ids": ids}, content_type="application/json")
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    assert Candidate.objects.count() == 2


def test_the_trace_page_proposes_the_ticked_contacts(
    traced: dict[str, Any], commander: Any
) -> None:
    trace, client = traced["trace"], login(commander)
    page = client.get(f"/intel/traces/{trace.pk}/").content.decode()
    assert 'name="contact"' in page and "trace-propose" in page
    near = _ids(trace, traced["near"])
    answer = client.post(f"/intel/traces/{trace.pk}/candidates/", {"contact": near}, follow=True)
    text = answer.content.decode()
    assert "1 名接触者已列为重点人员线索" in text
    assert Candidate.objects.get().person_id == traced["near"].pk
    row = text[text.index(f'data-contact="{near[0]}"') :].split("</tr>", 1)[0]
    assert "待审核" in row and 'name="contact"' not in row
    nothing = client.post(f"/intel/traces/{trace.pk}/candidates/", {}, follow=True)
    assert "请至少选择一名接触者" in nothing.content.decode()


def test_a_reason_held_in_another_jurisdiction_is_not_named(
    traced: dict[str, Any], other_officer: Any, tree: Any
) -> None:
    """A person waiting in Ganzhou's queue is not proposed again by Linze, but Linze is not
    told that Ganzhou holds anything about them."""
    linze = traced["linze"]
    contact = TraceContact.objects.get(trace=traced["trace"], person=linze)
    elsewhere = trace_candidates._candidate(traced["trace"], contact)
    elsewhere.unit_path = tree.ganzhou.path
    elsewhere.source_id = 0  # from another trace
    elsewhere.save()
    ours = _trace(other_officer, tree, traced["case"], unit=tree.linze)
    skipped = trace_candidates.trace_contacts_propose(
        actor=other_officer, trace=ours, contact_ids=_ids(ours, linze)
    ).skipped
    assert list(skipped.values()) == ["not_proposed"]
    assert Candidate.objects.filter(person=linze).count() == 1
