"""Importing a list as a job and matching it in the database: exact matches count and go to
the record's unit as tasks; candidates wait for a person."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.errors import PermissionDeniedError
from fangkong.intel.choices import ListStatus, MatchBasis, MatchStatus
from fangkong.intel.models import ListEntry, Match, MatchTask, WatchList
from fangkong.intel.services import lists, matching
from fangkong.registration.models import birth_key
from tests.factories import PersonFactory
from tests.intel.helpers import check_of, csv_bytes, group_of, import_list, registration_of

HEADER = ["姓名", "身份证号", "手机号", "车牌", "出生日期"]


@pytest.fixture
def world(tree: Any, sites: Any, commander: Any) -> dict[str, Any]:
    gz, lz = sites["ganzhou"][0], sites["linze"][0]
    by_doc = PersonFactory()
    reg = registration_of(gz, by_doc, phone="13700000001")
    check = check_of(by_doc, lz)
    by_phone = registration_of(lz, phone="13900000002")
    group = group_of(gz, "甘G12345")
    near = group_of(gz, "甘G12346")
    candidate_person = PersonFactory()
    candidate = registration_of(
        gz, candidate_person, name="孙八", phone="13600009999", phone_tail="9999"
    )
    rows = [
        ["甲", by_doc.doc_number.lower(), "", "", ""],
        ["乙", "", "+86 139 0000 0002", "", ""],
        ["丙", "", "", "甘G·12345", ""],
        ["丙", "", "", "甘G·12345", ""],  # a duplicate
        ["丁", "", "", "甘G 9234 6", ""],
        ["孙八", "", "13500009999", "", birth_key("resident_id", candidate_person.doc_number)],
        ["坏", "12345", "", "", ""],
    ]
    return {
        "rows": rows, "reg": reg, "check": check, "by_phone": by_phone, "group": group,
        "near": near, "candidate": candidate, "gz": gz, "lz": lz,
    }  # fmt: skip


def test_import_matches_exactly_and_queues_candidates(
    world: Any, commander: Any, tree: Any
) -> None:
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, world["rows"]))
    assert watch_list.status == ListStatus.ACTIVE
    assert watch_list.entry_count == 5
    assert watch_list.duplicate_count == 1
    assert watch_list.problem_count >= 2  # the bad ID number, and the row with nothing left
    assert watch_list.upload in (b"", memoryview(b""))
    stored = ListEntry.objects.get(watch_list=watch_list, row=2)
    assert stored.doc_number == world["reg"].person.doc_number and stored.name == "甲"
    assert ListEntry.objects.get(watch_list=watch_list, row=3).phone == "13900000002"
    found = {(m.basis, m.record_type, m.record_id, m.status) for m in Match.objects.all()}
    assert (MatchBasis.DOCUMENT, "registration", world["reg"].pk, "matched") in found
    assert (MatchBasis.DOCUMENT, "check", world["check"].pk, "matched") in found
    assert (MatchBasis.PHONE, "registration", world["by_phone"].pk, "matched") in found
    assert (MatchBasis.PLATE, "travel_group", world["group"].pk, "matched") in found
    assert (MatchBasis.PLATE_NEAR, "travel_group", world["group"].pk, "pending") not in found
    assert (MatchBasis.NAME_BIRTH_PHONE, "registration", world["candidate"].pk, "pending") in found
    assert (MatchBasis.PLATE_NEAR, "travel_group", world["near"].pk, "pending") in found
    counts = matching.match_counts(watch_list)
    assert counts["pending"] == 2
    units = set(MatchTask.objects.values_list("unit_id", flat=True))
    assert units == {world["gz"].unit_id, world["lz"].unit_id}
    matched = set(
        Match.objects.filter(status=MatchStatus.MATCHED).values_list("entry_id", flat=True)
    )
    assert set(MatchTask.objects.values_list("entry_id", flat=True)) == matched


def test_matching_twice_stores_nothing_new(world: Any, commander: Any, tree: Any) -> None:
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, world["rows"]))
    before = Match.objects.count()
    matching.match_run(watch_list=watch_list)
    assert Match.objects.count() == before


def test_a_person_who_registers_after_the_list_is_found_by_the_next_run(
    world: Any, commander: Any, tree: Any
) -> None:
    """Each run finds the entries' persons afresh: someone on the list whom we did not hold at
    the import is matched once they register, and an entry whose person is gone is cleared."""
    later = PersonFactory.build()
    rows = [*world["rows"], ["戊", later.doc_number, "", "", ""]]
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, rows))
    entry = ListEntry.objects.get(watch_list=watch_list, row=len(rows) + 1)
    assert entry.person_id is None
    later.save()
    registration = registration_of(world["gz"], later)
    matching.match_run(watch_list=watch_list)
    entry.refresh_from_db()
    assert entry.person_id == later.pk
    assert Match.objects.filter(
        entry=entry, record_type="registration", record_id=registration.pk
    ).exists()
    stale = ListEntry.objects.get(watch_list=watch_list, row=2)
    ListEntry.objects.filter(pk=stale.pk).update(doc_index="")
    assert matching.entry_persons_find(watch_list.pk) == 1
    stale.refresh_from_db()
    assert stale.person_id is None


def test_a_confirmed_candidate_becomes_a_task(world: Any, commander: Any, tree: Any) -> None:
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, world["rows"]))
    candidate = Match.objects.get(basis=MatchBasis.NAME_BIRTH_PHONE)
    assert not MatchTask.objects.filter(entry=candidate.entry).exists()
    matching.match_review(actor=commander, match=candidate, confirm=True)
    task = MatchTask.objects.get(entry=candidate.entry)
    assert task.unit_id == world["gz"].unit_id
    with pytest.raises(ValidationError):
        matching.match_review(actor=commander, match=candidate, confirm=False)
    matching.task_acknowledge(actor=commander, task=task)
    task.refresh_from_db()
    assert task.acknowledged_at is not None
    assert matching.match_counts(watch_list)["confirmed"] == 1


def test_another_brigade_cannot_review(
    world: Any, commander: Any, other_officer: Any, tree: Any
) -> None:
    import_list(commander, tree.detachment, csv_bytes(HEADER, world["rows"]))
    candidate = Match.objects.get(basis=MatchBasis.NAME_BIRTH_PHONE)
    with pytest.raises(PermissionDeniedError):
        matching.match_review(actor=other_officer, match=candidate, confirm=True)


def test_bad_metadata_is_refused_field_by_field(commander: Any, tree: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        import_list(commander, tree.detachment, b"", legal_basis="", purpose="x", name="")
    assert {"legal_basis", "purpose", "name", "file"} <= set(caught.value.error_dict)


def test_validation_report_is_a_workbook(world: Any, commander: Any, tree: Any) -> None:
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, world["rows"]))
    data = lists.problems_workbook(watch_list)
    assert data.startswith(b"PK")
    rows = lists.problems_rows(watch_list)
    assert any(r[0] == 8 and r[3] == "12345" for r in rows), rows


def test_expired_lists_are_purged(world: Any, commander: Any, tree: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from fangkong.registration.retention import purge_all

    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, world["rows"]))
    assert purge_all()["intel.lists"]["lists"] == 0
    later = timezone.now() + timedelta(days=15)
    assert purge_all(now=later)["intel.lists"]["lists"] == 1
    assert not WatchList.objects.filter(pk=watch_list.pk).exists()
    assert not Match.objects.exists()


def test_the_command_imports_and_matches(world: Any, tree: Any, tmp_path: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(HEADER, world["rows"]))
    out, err = StringIO(), StringIO()
    call_command(
        "intel_import",
        str(path),
        unit=tree.detachment.code,
        name="名单",
        source="卫健委",
        legal_basis="法",
        stdout=out,
        stderr=err,
    )
    assert "5 entries, 1 duplicates" in out.getvalue()
    assert "100.0%" in err.getvalue()
