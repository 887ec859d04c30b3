"""Key persons (重点人员): episodes of a measure (home observation, central quarantine, health
monitoring) for a person, their daily follow-ups (随访), the tasks the end-of-day check gives
the community officer, and the review queue of candidates from the checkpoints.

A person (``registration.Person``, one row per document) may have several episodes one after
another, never two open at once: a second report of the same document joins the person's open
episode instead of making a duplicate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.grid.models import Community, Door, GridCell
from fangkong.keypersons.choices import (
    CandidateOutcome,
    CandidateSource,
    CandidateStatus,
    ConfirmedHow,
    Measure,
    ReturnState,
    Source,
    Status,
    TaskKind,
    TaskStatus,
)
from fangkong.org.models import Staff
from fangkong.registration.models import DeclaredIdentity, Person


class Category(models.Model):
    """A kind of key person (确诊, 疑似, 密接...): a table the command centre extends."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    # One of 四类人员: confirmed, suspected, fever not ruled out, close contact.
    four_categories = models.BooleanField(_("one of the four categories"), default=False)
    measure = models.CharField(
        _("default measure"), max_length=24, choices=Measure.choices,
        default=Measure.HOME_OBSERVATION,
    )  # fmt: skip
    days = models.PositiveSmallIntegerField(_("days under the measure"), default=14)
    followups_per_day = models.PositiveSmallIntegerField(_("follow-ups a day"), default=1)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(pgettext_lazy("category", "in use"), default=True)

    class Meta:
        verbose_name = _("key-person category")
        verbose_name_plural = _("key-person categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class KeyPerson(DeclaredIdentity):
    """One episode: a person under a measure, at an address on the grid, with the grid worker
    and community officer who answer for them. ``name`` and ``phone`` are as recorded for the
    episode (encrypted); the document is the person's."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="key_episodes"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    door = models.ForeignKey(
        Door, verbose_name=_("door"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    address = models.CharField(_("address"), max_length=200)
    grid_worker = models.ForeignKey(
        Staff, verbose_name=_("grid worker"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    officer = models.ForeignKey(
        Staff, verbose_name=_("community officer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    followups_per_day = models.PositiveSmallIntegerField(_("follow-ups a day"), default=1)
    # SHA-256 of the self-report link's token; the link itself is shown once, when issued.
    report_token_hash = models.CharField(
        _("self-report token"), max_length=64, blank=True, db_index=True, editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Today's follow-ups at a glance, kept by the follow-up services (the demo and benchmark
    # write them with their rows): the command view counts them without joining follow-ups.
    last_followup_on = models.DateField(_("last follow-up"), null=True, blank=True)
    followups_that_day = models.PositiveSmallIntegerField(_("follow-ups that day"), default=0)
    abnormal_on = models.DateField(_("last abnormal follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        indexes = [
            models.Index(fields=["status", "cell"], name="kp_status_cell"),
            models.Index(fields=["status", "community"], name="kp_status_community"),
            # With the start and the follow-ups due, so that the end-of-day check picks the
            # episodes under the measure on a day from the index alone.
            models.Index(
                fields=["status", "planned_end_on", "start_on", "followups_per_day"],
                name="kp_status_end_start",
            ),
        ]
        constraints = [
            # At most one open episode per person: duplicates are merged by document.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["active", "hospital", "lost"]),
                name="kp_one_open_episode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_masked} ({self.category_id})"


# --- tallies of the command view ---------------------------------------------------------
# Counts of episodes that database triggers keep on every insert, update and delete of an
# episode (migration 0008_tallies), so that the command view reads a few thousand counts rather
# than every episode: whatever writes an episode (a service, a bulk load of the demo, an import,
# raw SQL) keeps them, and none can forget to. They hold ids rather than foreign keys (a tally
# is a count, not a relation), and ``cell_id`` 0 for an episode without a cell. A count falls to
# 0 rather than being deleted; readers skip those rows.


class StatusTally(models.Model):
    """Episodes by community, category, measure and status (a grid worker's few episodes are
    counted directly: figures.summary_compute)."""

    community_id = models.BigIntegerField(_("community"))
    category_id = models.BigIntegerField(_("category"))
    measure = models.CharField(_("measure"), max_length=24)
    status = models.CharField(_("status"), max_length=12)
    n = models.IntegerField(_("episodes"), default=0)

    class Meta:
        verbose_name = _("episodes by status")
        verbose_name_plural = _("episodes by status")
        constraints = [
            models.UniqueConstraint(
                fields=["community_id", "category_id", "measure", "status"],
                name="kp_status_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.category_id} {self.status}: {self.n}"


class MeasureTally(models.Model):
    """Active episodes by community, cell, start and planned end: those under the measure
    on a day are the rows whose start and end enclose it."""

    community_id = models.BigIntegerField(_("community"))
    cell_id = models.BigIntegerField(_("grid cell"))
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    n = models.IntegerField(_("episodes"), default=0)

    class Meta:
        verbose_name = _("episodes under the measure")
        verbose_name_plural = _("episodes under the measure")
        constraints = [
            models.UniqueConstraint(
                fields=["community_id", "cell_id", "start_on", "planned_end_on"],
                name="kp_measure_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.start_on}-{self.planned_end_on}: {self.n}"


class DayTally(models.Model):
    """Per community, cell and day, the active episodes under the measure that day whose
    follow-ups of the day are all done (``done``), and those with an abnormal one."""

    community_id = models.BigIntegerField(_("community"))
    cell_id = models.BigIntegerField(_("grid cell"))
    day = models.DateField(_("day"))
    done = models.IntegerField(_("episodes followed up"), default=0)
    abnormal = models.IntegerField(_("episodes with an abnormal follow-up"), default=0)

    class Meta:
        verbose_name = _("follow-ups of the day")
        verbose_name_plural = _("follow-ups of the day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "community_id", "cell_id"], name="kp_day_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.day}: {self.done}/{self.abnormal}"


class StatusChange(models.Model):
    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("key person"), on_delete=models.CASCADE,
        related_name="status_changes",
    )  # fmt: skip
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=12, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class FollowUp(models.Model):
    """One daily follow-up: at the door by the grid worker, or self-reported by link."""

    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("key person"), on_delete=models.CASCADE,
        related_name="followups", db_index=False,  # kp_followup_person_day leads with it
    )  # fmt: skip
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("at"))
    staff = models.ForeignKey(
        Staff, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    self_reported = models.BooleanField(_("self-reported"), default=False)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    at_home = models.BooleanField(_("at home"), default=True)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        # The abnormal flag too, so that the end-of-day check counts a day's follow-ups and
        # finds an abnormal one from the index alone (services/followups.py).
        indexes = [
            models.Index(fields=["day", "key_person", "abnormal"], name="kp_followup_day_abnormal"),
            # An episode's follow-ups of a day, with the flag, in one leaf: the end-of-day
            # check asks this of each episode (the plain key-person index made it read the
            # episode's every follow-up row).
            models.Index(fields=["key_person", "day", "abnormal"], name="kp_followup_person_day"),
        ]

    def __str__(self) -> str:
        return f"{self.key_person_id} {self.day}"


class Task(models.Model):
    """Something the end-of-day check put on a community officer's list."""

    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("key person"), on_delete=models.CASCADE, related_name="tasks"
    )
    day = models.DateField(_("day"))
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="+",
        db_index=False,  # kp_task_community leads with it: one index less to write a task
    )  # fmt: skip
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    assignee = models.ForeignKey(
        Staff, verbose_name=_("assigned to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"))
    done_at = models.DateTimeField(pgettext_lazy("time done", "done"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key_person", "day"], name="kp_task_once")
        ]
        indexes = [models.Index(fields=["community", "status"], name="kp_task_community")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_person_id} {self.day}"


class Candidate(models.Model):
    """A person waiting for review before becoming a key person, never silently: a check
    that ended in 劝返 or 移交卫健, a list's counted match on any record (a check, a
    registration, a vehicle pass, a travel group, a grid resident, a key person's past
    episode), or a traced contact an analyst chose (the trace is the source, the person its
    contact). ``source_kind`` and ``source_id`` name the record; ``check_record`` is set for
    a check only. ``site`` and ``seen_at`` say where and when the record was made, for the
    queue, without joining each kind of record."""

    check_record = models.OneToOneField(
        "screening.Check", verbose_name=_("check"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="keyperson_candidate",
    )  # fmt: skip
    source_kind = models.CharField(
        pgettext_lazy("candidate", "came from"), max_length=16, choices=CandidateSource.choices,
        default=CandidateSource.CHECK,
    )  # fmt: skip
    source_id = models.BigIntegerField(_("source record"), null=True, blank=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "sites.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CandidateOutcome.choices)
    unit_path = models.CharField(_("unit path"), max_length=400, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CandidateStatus.choices,
        default=CandidateStatus.PENDING,
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("key person"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("key-person candidate")
        verbose_name_plural = _("key-person candidates")
        indexes = [models.Index(fields=["status", "unit_path"], name="kp_candidate_queue")]
        constraints = [
            # One candidate per person and record: a travel group or a pass brings several.
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "person"], name="kp_candidate_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.source_kind}:{self.source_id}"


class CheckFollowThrough(models.Model):
    """What became of a check's outcome, recorded by the unit of its site."""

    unit_path = models.CharField(_("unit path"), max_length=400, db_index=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ReturnReferral(CheckFollowThrough):
    """A check that ended in 劝返: where the person was sent and, later, the confirmation
    that they arrived there or left the prefecture (who confirmed it, when and how)."""

    check_record = models.OneToOneField(
        "screening.Check", verbose_name=_("check"), on_delete=models.CASCADE,
        related_name="keyperson_return",
    )  # fmt: skip
    destination = models.CharField(_("sent to"), max_length=200)
    state = models.CharField(
        _("state"), max_length=12, choices=ReturnState.choices, default=ReturnState.SENT
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    confirmed_how = models.CharField(
        _("confirmed how"), max_length=24, choices=ConfirmedHow.choices, blank=True
    )
    confirmed_note = models.CharField(_("confirmation note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("return after persuasion")
        verbose_name_plural = _("returns after persuasion")
        indexes = [models.Index(fields=["state", "unit_path"], name="kp_return_state")]

    def __str__(self) -> str:
        return f"{self.check_record_id} → {self.destination}"


class HealthHandover(CheckFollowThrough):
    """A check that ended in 移交卫健: who of the health authority received the person, of
    which unit, and when."""

    check_record = models.OneToOneField(
        "screening.Check", verbose_name=_("check"), on_delete=models.CASCADE,
        related_name="keyperson_handover",
    )  # fmt: skip
    receiver_name = models.CharField(_("received by"), max_length=50)
    receiver_unit = models.CharField(_("receiving unit"), max_length=100)
    handed_at = models.DateTimeField(_("handed over at"))

    class Meta:
        verbose_name = _("handover to the health authority")
        verbose_name_plural = _("handovers to the health authority")

    def __str__(self) -> str:
        return f"{self.check_record_id} → {self.receiver_unit}"
