"""Reads of the intel app, each scoped by the user's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from fangkong.core.jurisdiction import scope_q
from fangkong.intel.choices import MatchStatus
from fangkong.intel.models import Alert, Match, MatchTask, Trace, TraceContact, WatchList
from fangkong.keypersons.choices import CandidateSource
from fangkong.keypersons.models import Candidate


def watch_list_list(*, user: Any) -> QuerySet[WatchList]:
    return (
        WatchList.objects.filter(scope_q(user)).select_related("unit").defer("upload", "problems")
    )


def watch_list_get_for_user(*, user: Any, list_id: int) -> WatchList:
    return WatchList.objects.filter(scope_q(user)).defer("upload").get(pk=list_id)


def match_list(*, user: Any, list_id: int | None = None, status: str = "") -> QuerySet[Match]:
    """Matches of records in the user's jurisdiction (the record's unit)."""
    rows = Match.objects.filter(scope_q(user)).select_related("entry", "site", "unit", "watch_list")
    if list_id is not None:
        rows = rows.filter(watch_list_id=list_id)
    if status:
        rows = rows.filter(status=status)
    return rows


def review_queue(*, user: Any) -> QuerySet[Match]:
    return match_list(user=user, status=MatchStatus.PENDING)


def match_get_for_user(*, user: Any, match_id: int) -> Match:
    return Match.objects.filter(scope_q(user)).select_related("unit").get(pk=match_id)


def task_list(*, user: Any) -> QuerySet[MatchTask]:
    return MatchTask.objects.filter(scope_q(user)).select_related("unit", "entry", "watch_list")


def task_get_for_user(*, user: Any, task_id: int) -> MatchTask:
    return MatchTask.objects.filter(scope_q(user)).select_related("unit").get(pk=task_id)


def alert_list(*, user: Any, check_id: int | None = None) -> QuerySet[Alert]:
    rows = Alert.objects.filter(scope_q(user)).select_related(
        "entry__watch_list", "key_person__category", "site"
    )
    if check_id is not None:
        rows = rows.filter(screening_check_id=check_id)
    return rows


def trace_list(*, user: Any) -> QuerySet[Trace]:
    return Trace.objects.filter(scope_q(user)).select_related("unit")


def trace_get_for_user(*, user: Any, trace_id: int) -> Trace:
    return Trace.objects.filter(scope_q(user)).select_related("unit", "person").get(pk=trace_id)


def contact_list(*, user: Any, trace: Trace) -> QuerySet[TraceContact]:
    """The trace's contacts seen at a site of the user's jurisdiction, and those found on a
    manifest (no site), which the trace's own unit may see."""
    seen_here = scope_q(user, unit_field="site__unit")
    return (
        trace.contacts.filter(seen_here | Q(site__isnull=True))
        .select_related("person", "site")
        .order_by("degree", "at", "id")
    )


def trace_candidate_states(*, trace: Trace) -> dict[int, str]:
    """The status of the candidate each contact of ``trace`` became (person id → status),
    for the trace's page and its API."""
    rows = Candidate.objects.filter(source_kind=CandidateSource.TRACE, source_id=trace.pk)
    return dict(rows.values_list("person_id", "status"))


def first_degree_followed(contacts: QuerySet[TraceContact]) -> dict[str, int]:
    """Of ``contacts`` (a trace's, as far as the reader may see them), the first-degree ones
    (``total``) and those followed to the second degree (``followed``)."""
    return contacts.filter(degree=1).aggregate(
        total=Count("id"), followed=Count("id", filter=Q(followed=True))
    )
