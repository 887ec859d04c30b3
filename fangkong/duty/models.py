"""Duty supervision: who is actually at the post (sign-ins), what was handed over, who
inspected the post, and what went up the chain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.fields import actor_field
from fangkong.duty.choices import (
    FixStatus,
    ReportKind,
    ReportStatus,
    SignFlag,
    SignKind,
    SquadState,
)
from fangkong.org.models import Staff, Unit
from fangkong.roster.models import RosterAssignment
from fangkong.sites.models import Site

# A sign-in farther than this from the site's coordinates is flagged, unless the site has
# its own radius (a long toll-station plaza, a village with several gates).
DEFAULT_RADIUS_M = 300


class PostSettings(models.Model):
    """The duty app's settings of one post: the radius a sign-in must fall within."""

    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="duty_settings"
    )
    radius_m = models.PositiveIntegerField(_("sign-in radius (m)"), default=DEFAULT_RADIUS_M)

    class Meta:
        verbose_name = _("post settings")
        verbose_name_plural = _("post settings")

    def __str__(self) -> str:
        return f"{self.site_id} {self.radius_m} m"


class SignIn(models.Model):
    """One sign-in or sign-out at a post (到岗签到), made on the officer's phone, possibly
    offline: ``idempotency_key`` is made by the phone, so a re-synced sign-in is stored once.
    A sign-in outside the radius, or without a position, is kept and flagged."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="sign_ins"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="sign_ins"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=SignKind.choices)
    at = models.DateTimeField(_("time"))
    # The published duty it answers; none for an unplanned presence.
    duty = models.ForeignKey(
        RosterAssignment,
        verbose_name=_("duty"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_ins",
    )
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the post (m)"), null=True, blank=True)
    flag = models.CharField(
        _("flag"), max_length=16, choices=SignFlag.choices, default=SignFlag.NONE, blank=True
    )
    reason = models.CharField(_("reason given"), max_length=200, blank=True)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    recorded_by = actor_field(_("recorded by"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["site", "at"]),
            models.Index(fields=["staff", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.site_id} {self.at:%Y-%m-%d %H:%M}"


class Presence(models.Model):
    """Where each person is now, by their latest sign-in or sign-out: one row per person, so
    "posts short now" is one grouped count, not a scan of the day's sign-ins. ``at`` is the
    time of the event it reflects; an older event synced late never overwrites a newer one."""

    staff = models.OneToOneField(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="presence"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="presences",
    )
    present = models.BooleanField(_("present"), default=False)
    at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        indexes = [models.Index(fields=["site", "present", "at"])]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.site_id} {self.present}"


class Handover(models.Model):
    """A change of shift at a post (交接班): what the outgoing team hands over, and the
    incoming leader's acknowledgement. The log of a post is searchable by its text."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="handovers"
    )
    at = models.DateTimeField(_("handed over at"))
    outgoing = models.ForeignKey(
        Staff,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    vehicles = models.TextField(_("vehicles stranded"), max_length=2000, blank=True)
    persons = models.TextField(_("persons referred"), max_length=2000, blank=True)
    equipment = models.TextField(_("equipment"), max_length=2000, blank=True)
    incidents = models.TextField(_("incidents"), max_length=2000, blank=True)
    notes = models.TextField(_("other notes"), max_length=2000, blank=True)
    acknowledged_by = models.ForeignKey(
        Staff,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handovers_taken",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["site", "at"])]

    def __str__(self) -> str:
        return f"{self.site_id} {self.at:%Y-%m-%d %H:%M}"


class Inspection(models.Model):
    """A supervision visit to a post (督导检查): who, when, the checklist answered item by
    item, what was found, photos, and the fixes asked for."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspector = models.ForeignKey(
        Staff, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )
    at = models.DateTimeField(_("visited at"))
    # {"staffed": true, "protective_gear": false, ...}: the codes of choices.CHECKLIST.
    checklist = models.JSONField(_("checklist"), default=dict)
    findings = models.TextField(_("findings"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["site", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.site_id} {self.at:%Y-%m-%d %H:%M}"

    @property
    def failed_items(self) -> list[str]:
        return [code for code, ok in self.checklist.items() if not ok]


class Photo(models.Model):
    """A photo of a record, stored re-encoded (``sites.photos``) beside its thumbnail; the
    record's own model names the file fields, each with the folder of its record."""

    image: models.ImageField
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.image.name


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"duty/inspections/{instance.inspection_id}/{filename}"


class InspectionPhoto(Photo):
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("supervision visit"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(_("photo"), upload_to=inspection_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=inspection_photo_path)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class Fix(models.Model):
    """A fix an inspection asked for (整改), with its deadline and who closed it."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("supervision visit"),
        on_delete=models.CASCADE,
        related_name="fixes",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("what to fix"), max_length=300)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=FixStatus.choices, default=FixStatus.OPEN
    )
    closed_by = models.ForeignKey(
        Staff,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.CharField(_("how it was fixed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fix")
        verbose_name_plural = _("fixes")
        ordering = ["status", "deadline", "id"]
        indexes = [models.Index(fields=["site", "status", "deadline"])]

    def __str__(self) -> str:
        return self.text


class PostLeader(models.Model):
    """A leader bound to a key post for a period (包保值守): shown with the post."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="post_leaders"
    )
    leader = models.ForeignKey(
        Staff, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="posts_led"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    created_by = actor_field(_("assigned by"))
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("post leader")
        verbose_name_plural = _("post leaders")
        ordering = ["site_id", "-starts_on"]
        indexes = [models.Index(fields=["site", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.site_id} {self.leader_id} {self.starts_on}–{self.ends_on}"


class FatigueLimits(models.Model):
    """A unit's limits on hours actually worked; the nearest unit up the tree with a row
    applies, the defaults where none has."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="fatigue_limits"
    )
    max_days = models.PositiveSmallIntegerField(_("days worked without a day off"), default=12)
    max_hours_7d = models.PositiveSmallIntegerField(_("hours worked in 7 days"), default=60)

    class Meta:
        verbose_name = _("fatigue limits")
        verbose_name_plural = _("fatigue limits")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.max_days} d {self.max_hours_7d} h"


# An important-situation report waits this long at a level before it goes up by itself.
DEFAULT_ESCALATE_MINUTES = 30


class SituationReport(models.Model):
    """An important-situation report (重要情况报告) raised by any officer: it goes up the
    chain of units, acknowledged at each level, and up by itself when a level leaves it
    unacknowledged for ``escalate_minutes``. ``unit`` is the level it waits at now (none once
    the top has acknowledged)."""

    raised_by = models.ForeignKey(
        Staff, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="reports"
    )
    origin = models.ForeignKey(
        Unit, verbose_name=_("raising unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("waiting at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    text = models.TextField(_("what happened"), max_length=2000)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    at = models.DateTimeField(_("time"))
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    escalate_minutes = models.PositiveSmallIntegerField(
        _("minutes before it goes up"), default=DEFAULT_ESCALATE_MINUTES
    )
    waiting_since = models.DateTimeField(_("waiting since"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["status", "unit", "waiting_since"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class ReportStep(models.Model):
    """One level of a report's way up: acknowledged there (by whom), or passed up unread."""

    report = models.ForeignKey(
        SituationReport, verbose_name=_("situation report"), on_delete=models.CASCADE,
        related_name="steps",
    )  # fmt: skip
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        Staff, verbose_name=_("acknowledged by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    escalated = models.BooleanField(_("passed up unacknowledged"), default=False)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.unit_id}"


def report_photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"duty/reports/{instance.report_id}/{filename}"


class ReportPhoto(Photo):
    report = models.ForeignKey(
        SituationReport, verbose_name=_("situation report"), on_delete=models.CASCADE,
        related_name="photos",
    )  # fmt: skip
    image = models.ImageField(_("photo"), upload_to=report_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=report_photo_path)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")


class ReserveSquad(models.Model):
    """A reserve squad (突击队、应急分队) of a unit: members, and a state — standing by,
    dispatched to a post, returned."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reserve_squads"
    )
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(Staff, verbose_name=_("members"), related_name="squads")
    state = models.CharField(
        _("state"), max_length=12, choices=SquadState.choices, default=SquadState.STANDBY
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("dispatched to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state_since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("reserve squad")
        verbose_name_plural = _("reserve squads")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class SquadMove(models.Model):
    """The log of a squad's dispatches and returns."""

    squad = models.ForeignKey(
        ReserveSquad,
        verbose_name=_("reserve squad"),
        on_delete=models.CASCADE,
        related_name="moves",
    )
    state = models.CharField(_("state"), max_length=12, choices=SquadState.choices)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    by = actor_field(_("ordered by"))

    class Meta:
        verbose_name = _("squad move")
        verbose_name_plural = _("squad moves")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.squad_id} {self.state}"


class RecallOrder(models.Model):
    """A recall order (停止休假、全员返岗) for a unit's subtree: leave from ``starts_on`` on is
    cancelled (kept here as it was), and each person affected gets a notice."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("leave cancelled from"))
    reason = models.CharField(_("reason"), max_length=200)
    # [{"staff": id, "starts_on": "…", "ends_on": "…", "kind": "…"}] as they were.
    cancelled = models.JSONField(_("leave cancelled"), default=list)
    issued_by = actor_field(_("issued by"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("recall order")
        verbose_name_plural = _("recall orders")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.starts_on}"


class RecallNotice(models.Model):
    order = models.ForeignKey(
        RecallOrder,
        verbose_name=_("recall order"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="recalls"
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("recall notice")
        verbose_name_plural = _("recall notices")
        constraints = [models.UniqueConstraint(fields=["order", "staff"], name="duty_recall_once")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.staff_id}"


class Secondment(models.Model):
    """Staff sent from their unit to another for a period (机关警力下沉). In the period the
    receiving unit's duty views (presence, sign-ins, fatigue, squads, pickers) count them as
    its own; the home unit still sees them, marked as seconded. Jurisdiction is otherwise
    unchanged: the person stays a member of ``from_unit``."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="secondments"
    )
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("home unit"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("seconded to"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = actor_field(_("ordered by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["to_unit", "starts_on", "ends_on"]),
            models.Index(fields=["staff", "starts_on", "ends_on"]),
        ]

    def __str__(self) -> str:
        period = f"{self.starts_on}–{self.ends_on}"
        return f"{self.staff_id} {self.from_unit_id}→{self.to_unit_id} {period}"
