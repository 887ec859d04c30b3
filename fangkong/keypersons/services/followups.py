"""Daily follow-ups (随访), recorded at the door by the grid worker or self-reported through
the person's link, and the end-of-day check that turns missing and abnormal follow-ups, and
measures ending, into tasks on the community officer's list."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import ratelimit
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.ratelimit import RateLimited
from fangkong.core.validation import reject_naive
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


def _clean_at(key_person: KeyPerson, at: datetime | None) -> datetime | None:
    """The moment a follow-up was taken at the door, as the phone sends it from its outbox:
    with its time zone, and not before the observation began."""
    if at is None:
        return None
    errors = FieldErrors()
    naive = reject_naive(errors, "at", at)
    if not naive and timezone.localdate(at) < key_person.start_on:
        errors.add(
            "at", _("The follow-up is dated before the observation began."), "at_before_start"
        )
    errors.raise_if_any()
    return at


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
    at = min(_clean_at(key_person, at) or now, now)  # a phone's clock ahead: now
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


KP, FU = KeyPerson._meta.db_table, FollowUp._meta.db_table


def followups_flag(*, day: date | None = None) -> FlagResult:
    """The end-of-day check for ``day`` (today by default): every episode under the measure
    that day with fewer follow-ups than due, or an abnormal one, and every measure ending that
    day, becomes a task for the community officer. Run again, it adds only what is new.

    One query finds the flagged episodes: per episode, one look-up in the follow-ups' (day,
    key person, abnormal) index asks whether the day was complete and normal; only for the
    few that were not are the day's follow-ups counted. The database itself stages them as
    tasks and inserts those that do not exist (``_tasks_flag``): no row comes to Python."""
    started = time.perf_counter()
    day = day or timezone.localdate()
    under = KeyPerson.objects.filter(
        status=Status.ACTIVE, start_on__lte=day, planned_end_on__gte=day
    )
    with transaction.atomic():
        flagged, created = _tasks_flag(under, day)
        missing, abnormal, ending = (flagged.get(kind.value, 0) for kind in FLAG_KINDS)
        audit_record(
            actor=None, action="keyperson.flag",
            extra={"day": day.isoformat(), "missing": missing, "abnormal": abnormal,
                   "ending": ending, "created": created},
        )  # fmt: skip
    return FlagResult(
        day=day, due=under.count(), missing=missing, abnormal=abnormal, ending=ending,
        tasks_created=created, seconds=time.perf_counter() - started,
    )  # fmt: skip


def _flagged(under: QuerySet[KeyPerson], day: date) -> QuerySet[Any, Any]:
    """The episodes under the measure whose day was not in order, with the day's follow-ups
    counted and whether one was abnormal: (id, community, cell, officer, done, due, bad)."""
    that_day = FollowUp.objects.filter(key_person=OuterRef("pk"), day=day).order_by()
    # Whether the day is in order (as many follow-ups as due, none abnormal), asked once per
    # episode of the (day, key person, abnormal) index alone. Raw because the ORM would put
    # the outer column into a GROUP BY; a count and a separate EXISTS, each repeated by the
    # WHERE clause, cost up to four look-ups an episode and a read of every follow-up row.
    in_order = RawSQL(  # noqa: S611 - table names from the models, the day a parameter
        f"(SELECT COUNT(*) >= {KP}.followups_per_day"  # noqa: S608 - table names only
        f" AND COUNT(*) FILTER (WHERE f.abnormal) = 0 FROM {FU} f"
        f" WHERE f.day = %s AND f.key_person_id = {KP}.id)",
        (day,),
        output_field=BooleanField(),
    )
    done = that_day.values("key_person").annotate(n=Count("pk")).values("n")
    return (
        under.filter(~in_order)
        .annotate(
            done=Coalesce(Subquery(done, output_field=IntegerField()), 0),
            bad=Exists(that_day.filter(abnormal=True)),
        )
        .values_list(
            "pk", "community_id", "cell_id", "officer_id", "done", "followups_per_day", "bad"
        )
        .order_by()
    )


STAGE = "kp_flagged"
FLAG_KINDS = (TaskKind.FOLLOWUP_MISSING, TaskKind.FOLLOWUP_ABNORMAL, TaskKind.RELEASE_DUE)


def _tasks_flag(under: QuerySet[KeyPerson], day: date) -> tuple[dict[str, int], int]:
    """Stage the day's tasks (kind, key person, community, cell, assignee) in a temporary
    table, insert those that do not exist, and count them by kind; ``(flagged by kind,
    created)``. At ten thousand flagged episodes, bringing them to Python and sending them
    back as rows cost the end-of-day check more than the query that found them (on
    PostgreSQL 0.8 s for the inserts alone, a statement each)."""
    flagged, flagged_params = _flagged(under, day).query.sql_with_params()
    ending, ending_params = (
        under.filter(planned_end_on=day)
        .values_list("pk", "community_id", "cell_id", "officer_id")
        .order_by()
        .query.sql_with_params()
    )
    ops = connection.ops
    on, at = ops.adapt_datefield_value(day), ops.adapt_datetimefield_value(timezone.now())
    # The CTE names the columns of ``_flagged``'s values_list in its order (Django 5.2 keeps
    # annotations where values_list puts them).
    stage = (
        f"INSERT INTO {STAGE} (kind, id, community, cell, officer)"  # noqa: S608 - our SQL
        f" WITH f (id, community, cell, officer, done, due, bad) AS MATERIALIZED ({flagged}),"
        f" e (id, community, cell, officer) AS ({ending})"
        " SELECT %s, id, community, cell, officer FROM f WHERE done < due"
        " UNION ALL SELECT %s, id, community, cell, officer FROM f WHERE bad"
        " UNION ALL SELECT %s, id, community, cell, officer FROM e"
    )
    kinds = tuple(kind.value for kind in FLAG_KINDS)
    # "WHERE 1 = 1": SQLite reads ON CONFLICT after a bare SELECT ... FROM as a join's ON.
    insert = (
        f"INSERT INTO {Task._meta.db_table} (kind, key_person_id, day, community_id, cell_id,"  # noqa: S608
        " assignee_id, status, created_at, note)"
        f" SELECT kind, id, %s, community, cell, officer, %s, %s, '' FROM {STAGE} WHERE 1 = 1"
        " ON CONFLICT (kind, key_person_id, day) DO NOTHING"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the plan (its cost is that of eighty thousand look-ups) took longer
            # than running it: JIT suits long analytic scans, not this.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} (kind varchar(20), id bigint, community bigint,"
            " cell bigint, officer bigint)"
        )
        cursor.execute(stage, (*flagged_params, *ending_params, *kinds))
        cursor.execute(insert, (on, TaskStatus.OPEN.value, at))
        created = cursor.rowcount
        cursor.execute(f"SELECT kind, COUNT(*) FROM {STAGE} GROUP BY kind")  # noqa: S608
        flagged_by_kind = dict(cursor.fetchall())
        cursor.execute(f"DROP TABLE {STAGE}")
    return flagged_by_kind, created


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
