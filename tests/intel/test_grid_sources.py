"""Key persons and grid residents are matched like the other records, and go to the police
station of their community; an exact match on a check becomes a key-person candidate for
review, unless the person is under an open measure already."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from fangkong.grid import services as grid_services
from fangkong.intel.choices import MatchBasis, MatchStatus, RecordType
from fangkong.intel.models import Match, MatchTask
from fangkong.intel.services import matching
from fangkong.keypersons.choices import CandidateOutcome
from fangkong.keypersons.models import Candidate
from tests.factories import PersonFactory, _resident_id
from tests.grid.world import World
from tests.intel.helpers import check_of, csv_bytes, import_list
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "手机号"]


def _resident(world: World, n: int, phone: str) -> Any:
    return grid_services.resident_add(
        actor=world.users["community"],
        door=world.door2,
        doc_type="resident_id",
        doc_number=_resident_id(n),
        name=f"住户{n}",
        phone=phone,
    )


def test_key_persons_and_residents_match_to_their_station(
    world: World, commander: Any, tree: Any
) -> None:
    kp = episode(world, 1)
    resident = _resident(world, 2, "13800000022")
    gone = _resident(world, 3, "13800000033")
    grid_services.resident_move_out(
        actor=world.users["community"], resident=gone, day=timezone.localdate(), reason="搬离本社区"
    )
    rows = [
        ["甲", kp.person.doc_number, ""],
        ["乙", "", "+86 138 0000 0022"],
        ["丙", "", "13800000033"],
    ]
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, rows))
    found = {(m.record_type, m.basis, m.record_id, m.unit_id) for m in Match.objects.all()}
    assert (RecordType.KEY_PERSON, MatchBasis.DOCUMENT, kp.pk, world.station.pk) in found
    assert (RecordType.RESIDENT, MatchBasis.PHONE, resident.pk, world.station.pk) in found
    assert not Match.objects.filter(record_type=RecordType.RESIDENT, record_id=gone.pk).exists()
    assert set(MatchTask.objects.values_list("unit_id", flat=True)) == {world.station.pk}
    assert matching.match_counts(watch_list)["matched"] == 2


def test_a_match_on_a_check_becomes_a_key_person_candidate(
    world: World, commander: Any, tree: Any, sites: Any
) -> None:
    site = sites["ganzhou"][0]
    newcomer = PersonFactory()
    check = check_of(newcomer, site)
    kp = episode(world, 1)
    check_of(kp.person, site)  # already under a measure: no candidate
    rows = [["甲", newcomer.doc_number, ""], ["乙", kp.person.doc_number, ""]]
    watch_list = import_list(commander, tree.detachment, csv_bytes(HEADER, rows))
    candidate = Candidate.objects.get()
    assert candidate.check_record_id == check.pk
    assert candidate.person_id == newcomer.pk
    assert candidate.outcome == CandidateOutcome.LIST_MATCH
    assert candidate.unit_path == site.unit.path
    assert candidate.status == "pending"
    matching.match_run(watch_list=watch_list)
    assert Candidate.objects.count() == 1
    assert Match.objects.filter(status=MatchStatus.MATCHED, record_type="check").count() == 2
