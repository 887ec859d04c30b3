"""Daily follow-ups (随访), recorded at the door by the grid worker or self-reported through
the person's link, and the end-of-day check that turns missing and abnormal follow-ups, and
measures ending, into tasks on the community officer's list."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import ratelimit
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.ratelimit import RateLimited
from fangkong.grid.scope import grid_scope
from fangkong.keypersons.choices import FEVER_FROM, Status, Symptom, TaskKind, TaskStatus
from fangkong.keypersons.models import FollowUp, KeyPerson, Task
from fangkong.keypersons.services.episodes import token_hash

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("42.5")
NOTE_MAX = 200
# A person reports a few times a day; a token tried more often than this is a script.
SELF_REPORT_RATE = ratelimit.Rate(6, 3600)
ADDRESS_RATE = ratelimit.Rate(60, 600)


@dataclass(frozen=True)
class FollowUpIn:
    temperature: Decimal
    symptoms: list[str] = field(default_factory=list)
    at_home: bool = True
    note: str = ""


def _clean(data: FollowUpIn) -> tuple[Decimal, list[str], str]:
    errors = FieldErrors()
    temperature = Decimal(data.temperature).quantize(Decimal("0.1"))
    if not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        errors.add("temperature", _("Enter a temperature from 34.0 to 42.5 °C."), "out_of_range")
    symptoms = sorted(set(data.symptoms))
    if any(s not in Symptom.values for s in symptoms):
        errors.add("symptoms", _("Choose symptoms from the list."), "invalid_choice")
    errors.raise_if_any()
    return temperature, symptoms, " ".join(data.note.split())[:NOTE_MAX]


def is_abnormal(temperature: Decimal, symptoms: list[str], at_home: bool) -> bool:
    return temperature >= Decimal(FEVER_FROM) or bool(symptoms) or not at_home


def _may_follow(actor: Any, key_person: KeyPerson) -> bool:
    scope = grid_scope(actor)
    if scope.everything or scope.kind == "unit":
        return scope.everything or key_person.community.station.path.startswith(
            scope.unit_path or "\0"
        )
    return key_person.cell_id in scope.cells or key_person.community_id in scope.communities


def _refuse_ended(key_person: KeyPerson) -> None:
    if key_person.status != Status.ACTIVE:
        errors = FieldErrors()
        errors.add("status", _("Follow-ups are recorded only under the measure."), "not_active")
        errors.raise_if_any()


def _create(
    key_person: KeyPerson, values: dict[str, Any], key: str | None
) -> tuple[FollowUp, bool]:
    try:
        with transaction.atomic():
            followup = FollowUp.objects.create(key_person=key_person, idempotency_key=key, **values)
            _mark(followup)
            return followup, True
    except IntegrityError:
        if key:  # The same key sent twice at once: the other request recorded it.
            return FollowUp.objects.get(idempotency_key=key), False
        raise


def _mark(followup: FollowUp) -> None:
    """Keep the episode's marks of its latest day of follow-ups (a follow-up synced late for
    an earlier day leaves them alone)."""
    day, episodes = followup.day, KeyPerson.objects.filter(pk=followup.key_person_id)
    episodes.filter(Q(last_followup_on__isnull=True) | Q(last_followup_on__lt=day)).update(
        last_followup_on=day, followups_that_day=0
    )
    episodes.filter(last_followup_on=day).update(followups_that_day=F("followups_that_day") + 1)
    if followup.abnormal:
        episodes.filter(Q(abnormal_on__isnull=True) | Q(abnormal_on__lt=day)).update(
            abnormal_on=day
        )


def followup_record(
    *,
    actor: Any,
    key_person: KeyPerson,
    data: FollowUpIn,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[FollowUp, bool]:
    """A follow-up at the door; ``(follow-up, created)``. Sent again from the phone's outbox
    with the same key, it is recorded once."""
    if idempotency_key:
        found = FollowUp.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found, False
    if not _may_follow(actor, key_person):
        raise PermissionDeniedError(_("You may not follow up this key person."))
    _refuse_ended(key_person)
    temperature, symptoms, note = _clean(data)
    now = timezone.now()
    at = min(at or now, now)
    staff = getattr(actor, "staff", None)
    followup, created = _create(
        key_person,
        {
            "day": timezone.localdate(at),
            "at": at,
            "staff": staff,
            "temperature": temperature,
            "symptoms": symptoms,
            "at_home": data.at_home,
            "abnormal": is_abnormal(temperature, symptoms, data.at_home),
            "note": note,
        },
        idempotency_key,
    )
    if created:
        audit_record(actor=actor, action="keyperson.followup", target=followup)
    return followup, created


def keyperson_by_token(token: str) -> KeyPerson | None:
    """The open episode whose self-report link this is, while the measure lasts."""
    if not token or len(token) > 64:
        return None
    episode = KeyPerson.objects.filter(report_token_hash=token_hash(token)).first()
    if episode is None or episode.status != Status.ACTIVE:
        return None
    if timezone.localdate() > episode.planned_end_on:
        return None
    return episode


def followup_self_report(*, token: str, data: FollowUpIn, ip: str) -> FollowUp:
    """A follow-up the person reports through their link, without an account. Rate-limited
    per link and per address; an unknown or expired link is ``DoesNotExist``."""
    verdict = ratelimit.worst(
        ratelimit.hit("kp-self", token, SELF_REPORT_RATE),
        ratelimit.hit("kp-self-ip", ratelimit.address_identity(ip), ADDRESS_RATE),
    )
    if verdict.limited:
        raise RateLimited(verdict, _("Too many reports. Try again later."))
    episode = keyperson_by_token(token)
    if episode is None:
        raise KeyPerson.DoesNotExist
    temperature, symptoms, note = _clean(data)
    now = timezone.now()
    with transaction.atomic():
        followup = FollowUp.objects.create(
            key_person=episode,
            day=timezone.localdate(now),
            at=now,
            self_reported=True,
            temperature=temperature,
            symptoms=symptoms,
            at_home=data.at_home,
            abnormal=is_abnormal(temperature, symptoms, data.at_home),
            note=note,
        )
        _mark(followup)
        audit_record(actor=None, action="keyperson.self_report", target=followup, ip=ip)
    return followup


@dataclass(frozen=True)
class FlagResult:
    day: date
    due: int
    missing: int
    abnormal: int
    ending: int
    tasks_created: int
    seconds: float


def followups_flag(*, day: date | None = None) -> FlagResult:
    """The end-of-day check for ``day`` (today by default): every episode under the measure
    that day with fewer follow-ups than due, or an abnormal one, and every measure ending that
    day, becomes a task for the community officer. Run again, it adds only what is new.

    One grouped query finds the flagged episodes (the database counts the day's follow-ups),
    and the tasks are inserted in batches, ignoring those that exist."""
    started = time.perf_counter()
    day = day or timezone.localdate()
    under = KeyPerson.objects.filter(
        status=Status.ACTIVE, start_on__lte=day, planned_end_on__gte=day
    )
    # Per episode, the day's follow-ups through the (day, key person) index: a correlated
    # count rather than a join of every episode to all its days of follow-ups.
    that_day = FollowUp.objects.filter(key_person=OuterRef("pk"), day=day).order_by()
    done = that_day.values("key_person").annotate(n=Count("pk")).values("n")
    counted = under.annotate(
        done=Coalesce(Subquery(done, output_field=IntegerField()), 0),
        bad=Exists(that_day.filter(abnormal=True)),
    )
    flagged = counted.filter(Q(done__lt=F("followups_per_day")) | Q(bad=True)).values_list(
        "pk", "community_id", "cell_id", "officer_id", "done", "followups_per_day", "bad"
    )
    now = timezone.now()
    tasks: list[Task] = []
    missing = abnormal = 0

    def task(kind: str, pk: int, community: int, cell: int | None, officer: int | None) -> Task:
        return Task(
            kind=kind, key_person_id=pk, day=day, community_id=community, cell_id=cell,
            assignee_id=officer, created_at=now,
        )  # fmt: skip

    for pk, community, cell, officer, done, per_day, bad in flagged.iterator(chunk_size=5000):
        if done < per_day:
            missing += 1
            tasks.append(task(TaskKind.FOLLOWUP_MISSING, pk, community, cell, officer))
        if bad:
            abnormal += 1
            tasks.append(task(TaskKind.FOLLOWUP_ABNORMAL, pk, community, cell, officer))
    ending = under.filter(planned_end_on=day).values_list(
        "pk", "community_id", "cell_id", "officer_id"
    )
    n_ending = 0
    for row in ending.iterator(chunk_size=5000):
        n_ending += 1
        tasks.append(task(TaskKind.RELEASE_DUE, *row))
    before = Task.objects.filter(day=day).count()
    with transaction.atomic():
        Task.objects.bulk_create(tasks, batch_size=2000, ignore_conflicts=True)
        created = Task.objects.filter(day=day).count() - before
        audit_record(
            actor=None, action="keyperson.flag",
            extra={"day": day.isoformat(), "missing": missing, "abnormal": abnormal,
                   "ending": n_ending, "created": created},
        )  # fmt: skip
    return FlagResult(
        day=day, due=under.count(), missing=missing, abnormal=abnormal, ending=n_ending,
        tasks_created=created, seconds=time.perf_counter() - started,
    )  # fmt: skip


@transaction.atomic
def task_done(*, actor: Any, task: Task, note: str = "") -> Task:
    scope = grid_scope(actor)
    allowed = scope.everything or scope.kind == "unit" or task.community_id in scope.communities
    if not allowed:
        raise PermissionDeniedError(_("You may not close this task."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.DONE:
        locked.status, locked.done_at = TaskStatus.DONE, timezone.now()
        locked.note = " ".join(note.split())[:NOTE_MAX]
        locked.save(update_fields=["status", "done_at", "note"])
        audit_record(actor=actor, action="keyperson.task_done", target=locked)
    return locked
