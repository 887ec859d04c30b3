"""Matching and tracing are joins the database answers through indexes: the plan of every
query searches the large tables (registrations, checks, persons, groups) by an index, on
SQLite and on PostgreSQL (where sequential scans are switched off for the look, since with
a handful of test rows a scan is cheaper and would always be chosen)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction

from fangkong.intel.choices import MatchBasis, RecordType
from fangkong.intel.services import matching, tracing

pytestmark = pytest.mark.django_db

# The large tables, and the alias each query gives them.
LARGE = {
    "registration_registration": "r",
    "screening_check": "c",
    "registration_person": "p",
    "registration_travelgroup": "g",
    "screening_vehiclepassdriver": "d",
    "keypersons_keyperson": "k",
    "grid_resident": "res",
}


def plan(sql: str, params: list[Any]) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def scanned(text: str, sql: str) -> list[str]:
    """The large tables of ``sql`` that the plan reads in full."""
    out = []
    for table, alias in LARGE.items():
        if not re.search(rf"\b{table} {alias}\b", sql):
            continue
        if connection.vendor == "postgresql":
            if re.search(rf"Seq Scan on {table}\b", text):
                out.append(table)
        elif re.search(rf"^SCAN {alias}\b(?! USING (COVERING )?INDEX)", text, re.M):
            out.append(table)
    return out


# Every source, with those the key-person and grid apps register.
SOURCES = [s for s in matching.sources() if s.basis != MatchBasis.PLATE_NEAR]


def test_key_persons_and_residents_are_sources() -> None:
    kinds = {(s.record_type, s.basis) for s in SOURCES}
    for record in (RecordType.KEY_PERSON, RecordType.RESIDENT):
        assert {(record, MatchBasis.DOCUMENT), (record, MatchBasis.PHONE)} <= kinds


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: f"{s.basis}-{s.record_type}")
def test_matching_searches_by_index(source: matching.Source) -> None:
    text = plan(source.select, [1])
    assert scanned(text, source.select) == [], text
    assert "index" in text.lower(), text


@pytest.mark.parametrize("number", range(len(tracing._CONTACTS)))
def test_tracing_searches_by_index(number: int) -> None:
    select = tracing._CONTACTS[number].format(gap="")
    text = plan(select, [1, 1])
    assert scanned(text, select) == [], text


def test_finding_the_entries_persons_searches_by_index() -> None:
    """Once a run, each of the list's entries looks its person up by document: the entries
    through the list's index, the persons through their document index, never a scan of
    either."""
    sql = matching._PERSONS_FIND
    text = plan(sql, [1])
    if connection.vendor == "postgresql":
        assert "Seq Scan on registration_person" not in text, text
        assert "Seq Scan on intel_listentry" not in text, text
    else:
        assert not re.search(r"^SCAN (p|intel_listentry)\b(?! USING)", text, re.M), text


@pytest.mark.parametrize("number", range(len(tracing._CONTACTS)))
def test_following_a_contact_to_the_second_degree_searches_by_index(number: int) -> None:
    """The bounded second degree: one followed contact's whereabouts, with their distance in
    time (the order a cut keeps), as ``tracing._follow_insert`` runs it."""
    gap = tracing._GAP[connection.vendor].format(at=tracing._CONTACT_TIMES[number])
    select = tracing._CONTACTS[number].format(gap=gap) + " AND ev.person_id = %s"
    text = plan(select, [1, 2, 1])
    assert scanned(text, select) == [], text


def test_proposing_candidates_searches_by_index() -> None:
    """The persons of a list's matches on travel groups and passes are found from the
    matches, through the group and pass indexes."""
    from unittest import mock

    captured: dict[str, Any] = {}

    class Capture:
        rowcount = 0

        def execute(self, sql: str, params: list[Any]) -> None:
            captured.update(sql=sql, params=params)

        def __enter__(self) -> Capture:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    with mock.patch.object(matching.connection, "cursor", Capture):
        matching._candidates_propose(1, statuses=("matched",))
    select = captured["sql"].split("SELECT", 1)[1].rsplit("ON CONFLICT", 1)[0]
    text = plan("SELECT" + select, captured["params"])
    assert scanned(text, captured["sql"]) == [], text
