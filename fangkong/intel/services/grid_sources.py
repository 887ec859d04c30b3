"""Key persons and grid residents as matching sources, registered with
:func:`~fangkong.intel.services.matching.register_source` when the intel app is ready.

A list entry found among the key persons (any episode: a released person on a new list is
news for their community) or among the residents who live at a door today goes, like any
exact match, to the unit whose jurisdiction holds the record: the police station of the
episode's community, or of the community of residence. Each is one join on the blind
indexes: the document through ``registration_person`` to the person's episodes or
residences (indexed by person), the phone straight to their own phone index. The document's
person is the entry's own, found once a run (``matching.entry_persons_find``).

The community is joined as ``cm.id = +k.community_id`` for the reason the matching module
gives for sites: SQLite must reach the records through the person or phone index.
"""

from __future__ import annotations

from fangkong.intel.choices import MatchBasis, MatchKind, RecordType
from fangkong.intel.services.matching import Source

# The entries' persons, found once a run by ``matching.entry_persons_find``.
_PERSON_DOC = """FROM intel_listentry e
JOIN registration_person p ON p.id = e.person_id"""

_KEY_PERSON = """SELECT e.id, k.id, k.person_id, CAST(NULL AS BIGINT), cm.station_id,
        k.created_at"""
_RESIDENT = """SELECT e.id, res.id, res.person_id, CAST(NULL AS BIGINT), cm.station_id,
        res.verified_at"""

GRID_SOURCES: list[Source] = [
    Source(
        RecordType.KEY_PERSON,
        MatchBasis.DOCUMENT,
        MatchKind.EXACT,
        f"""{_KEY_PERSON} {_PERSON_DOC}
        JOIN keypersons_keyperson k ON k.person_id = p.id
        JOIN grid_community cm ON cm.id = +k.community_id
        WHERE e.watch_list_id = %s AND e.person_id IS NOT NULL""",
    ),
    Source(
        RecordType.RESIDENT,
        MatchBasis.DOCUMENT,
        MatchKind.EXACT,
        f"""{_RESIDENT} {_PERSON_DOC}
        JOIN grid_resident res ON res.person_id = p.id AND res.active
        JOIN grid_gridcell gc ON gc.id = +res.cell_id
        JOIN grid_community cm ON cm.id = +gc.community_id
        WHERE e.watch_list_id = %s AND e.person_id IS NOT NULL""",
    ),
    Source(
        RecordType.KEY_PERSON,
        MatchBasis.PHONE,
        MatchKind.EXACT,
        f"""{_KEY_PERSON}
        FROM intel_listentry e
        CROSS JOIN keypersons_keyperson k
        JOIN grid_community cm ON cm.id = +k.community_id
        WHERE e.watch_list_id = %s AND e.phone_index <> '' AND k.phone_index = e.phone_index""",
    ),
    Source(
        RecordType.RESIDENT,
        MatchBasis.PHONE,
        MatchKind.EXACT,
        f"""{_RESIDENT}
        FROM intel_listentry e
        CROSS JOIN grid_resident res
        JOIN grid_gridcell gc ON gc.id = +res.cell_id
        JOIN grid_community cm ON cm.id = +gc.community_id
        WHERE e.watch_list_id = %s AND e.phone_index <> '' AND res.phone_index = e.phone_index
          AND res.active""",
    ),
]


def register() -> None:
    from fangkong.intel.services.matching import register_source, sources

    known = {(s.record_type, s.basis) for s in sources()}
    for source in GRID_SOURCES:
        if (source.record_type, source.basis) not in known:
            register_source(source)
