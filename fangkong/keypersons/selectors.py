"""Reads of key-person data, always scoped by the grid (:func:`fangkong.grid.scope.grid_q`):
a grid worker sees their cells, a community officer their communities, a station its
communities, and units above the stations below them. Details are read only with a reason,
and audited (:func:`keyperson_detail_for_user`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors
from fangkong.core.jurisdiction import jurisdiction_root
from fangkong.grid.models import Door
from fangkong.grid.scope import grid_q, grid_scope
from fangkong.grid.selectors import doors_to_sweep
from fangkong.keypersons.choices import CandidateStatus, Status, TaskStatus
from fangkong.keypersons.models import Candidate, Category, FollowUp, KeyPerson, Task
from fangkong.org.choices import RoleCode, UnitKind
from fangkong.org.permissions import can_reveal_identity, user_roles

HEALTH_ROLES = frozenset(
    {
        RoleCode.COMMANDER,
        RoleCode.DUTY_LEADER,
        RoleCode.GRID_WORKER,
        RoleCode.COMMUNITY_OFFICER,
        RoleCode.IDENTITY_REVIEW,
    }
)
SWEEP_DAYS = 7
REASON_MIN = 2


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("sort_order", "code")


def sees_health(user: Any) -> bool:
    """Whether the user sees temperatures and symptoms; others (an analyst) see counts."""
    scope = grid_scope(user)
    return (
        scope.everything
        or scope.kind in ("cell", "community")
        or bool(user_roles(user) & HEALTH_ROLES)
    )


def sees_identity(user: Any) -> bool:
    """Whether a detail read (with its reason) shows full name, phone and document."""
    return can_reveal_identity(user) or grid_scope(user).kind in ("cell", "community")


def keyperson_list_for_user(
    *,
    user: Any,
    status: str | None = None,
    category_id: int | None = None,
    community_id: int | None = None,
    cell_id: int | None = None,
    ending_by: date | None = None,
) -> QuerySet[KeyPerson]:
    rows = KeyPerson.objects.filter(grid_q(user))
    if status:
        rows = rows.filter(status=status)
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if cell_id is not None:
        rows = rows.filter(cell_id=cell_id)
    if ending_by is not None:
        rows = rows.filter(planned_end_on__lte=ending_by)
    related = ("category", "community", "cell", "grid_worker", "officer", "person")
    return rows.select_related(*related).order_by("planned_end_on", "pk")


def keyperson_get_for_user(*, user: Any, key_person_id: int) -> KeyPerson:
    return keyperson_list_for_user(user=user).get(pk=key_person_id)


def keyperson_detail_for_user(
    *, user: Any, key_person_id: int, reason: str, ip: str | None = None
) -> KeyPerson:
    """The episode for a detail view: scoped, and audited with the reason given."""
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        errors = FieldErrors()
        errors.add("reason", gettext("State why you view these details."), "reason_required")
        errors.raise_if_any()
    episode = keyperson_get_for_user(user=user, key_person_id=key_person_id)
    audit_record(
        actor=user, action="keyperson.view", target=episode, reason=reason, ip=ip,
        extra={"full": sees_identity(user)},
    )  # fmt: skip
    return episode


def release_list_for_user(*, user: Any, day: date | None = None) -> QuerySet[KeyPerson]:
    """Episodes under the measure whose planned end is ``day`` (today) or earlier."""
    return keyperson_list_for_user(
        user=user, status=Status.ACTIVE, ending_by=day or timezone.localdate()
    )


def followup_list_for_user(*, user: Any, key_person_id: int) -> QuerySet[FollowUp]:
    episode = keyperson_get_for_user(user=user, key_person_id=key_person_id)
    return FollowUp.objects.filter(key_person=episode).select_related("staff").order_by("-at")


def task_list_for_user(
    *, user: Any, status: str | None = TaskStatus.OPEN, day: date | None = None
) -> QuerySet[Task]:
    tasks = Task.objects.filter(grid_q(user))
    if status:
        tasks = tasks.filter(status=status)
    if day is not None:
        tasks = tasks.filter(day=day)
    return tasks.select_related("key_person", "key_person__category", "cell").order_by(
        "-day", "kind", "pk"
    )


def task_get_for_user(*, user: Any, task_id: int) -> Task:
    return task_list_for_user(user=user, status=None).get(pk=task_id)


def candidate_list_for_user(
    *, user: Any, status: str | None = CandidateStatus.PENDING
) -> QuerySet[Candidate]:
    """Candidates (from checks, or from list matches on any record) held by units within the
    user's unit subtree; grid workers and community officers review none (the unit above
    them assigns the community)."""
    scope = grid_scope(user)
    if scope.everything:
        rows = Candidate.objects.all()
    elif scope.kind == "unit":
        rows = Candidate.objects.filter(unit_path__startswith=scope.path)
    else:
        rows = Candidate.objects.none()
    if status:
        rows = rows.filter(status=status)
    return rows.select_related(
        "site",
        "check_record",
        "check_record__keyperson_return__confirmed_by__staff",
        "check_record__keyperson_handover",
    ).order_by("-created_at", "pk")


def candidate_get_for_user(*, user: Any, candidate_id: int) -> Candidate:
    return candidate_list_for_user(user=user, status=None).get(pk=candidate_id)


# --- the grid worker's day ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    key_person: KeyPerson
    done: int
    abnormal: int

    @property
    def outstanding(self) -> int:
        return max(self.key_person.followups_per_day - self.done, 0)


@dataclass(frozen=True)
class Today:
    day: date
    due: list[Due]
    doors: list[Door]
    tasks: list[Task]
    since: datetime
    # Whether the user sweeps doors at all: a brigade or the command centre does not, and
    # an empty list would read as every door visited.
    sweeps: bool = True


def today_for_user(*, user: Any, day: date | None = None, doors: int = 20) -> Today:
    """A grid worker's (or community or station officer's) list for ``day``: follow-ups due
    in their cells, the doors longest unvisited, and open tasks; a handful of queries."""
    day = day or timezone.localdate()
    under = list(
        keyperson_list_for_user(user=user, status=Status.ACTIVE)
        .filter(start_on__lte=day, planned_end_on__gte=day)
        .order_by("door_id", "pk")
    )
    counts = {
        row["key_person_id"]: (row["n"], row["bad"])
        for row in FollowUp.objects.filter(day=day, key_person__in=[kp.pk for kp in under])
        .values("key_person_id")
        .annotate(n=Count("id"), bad=Count("id", filter=Q(abnormal=True)))
    }
    due = [Due(kp, *counts.get(kp.pk, (0, 0))) for kp in under]
    scope = grid_scope(user)
    start = datetime.combine(day - timedelta(days=SWEEP_DAYS - 1), datetime.min.time())
    since = timezone.make_aware(start)
    # A grid worker sweeps their cells' doors; a community officer their communities', and a
    # station's officer the station's (neither has cells of their own). Units above a
    # station sweep none: their scope's doors are tens of thousands, no one's round.
    cells = sorted(scope.cells) if scope.kind == "cell" else None
    sweeps = scope.kind in ("cell", "community") or (scope.kind == "unit" and _station_level(user))
    sweep = doors_to_sweep(user=user, cell_ids=cells, since=since, limit=doors) if sweeps else []
    tasks = list(task_list_for_user(user=user)[:50])
    return Today(day=day, due=due, doors=sweep, tasks=tasks, since=since, sweeps=sweeps)


def _station_level(user: Any) -> bool:
    root = jurisdiction_root(user)
    return root is not None and root.kind in (UnitKind.STATION, UnitKind.POLICE_OFFICE)
