"""Duty rosters: shift patterns, rules, leave, and the rosters the engine makes from them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from fangkong.core.fields import actor_field
from fangkong.org.choices import RoleCode
from fangkong.org.models import Staff, Unit
from fangkong.roster.choices import (
    COUNTED_REASONS,
    THREE_SHIFTS,
    DutyRole,
    LeaveKind,
    PatternKind,
    RosterStatus,
    ShiftCode,
    ShortageReason,
)
from fangkong.sites.models import Site

# Roles that may make and publish rosters for the units of their jurisdiction.
ROSTER_ROLES = frozenset({RoleCode.COMMANDER, RoleCode.UNIT_ADMIN, RoleCode.DUTY_LEADER})


def default_shifts() -> list[dict[str, Any]]:
    return [dict(shift) for shift in THREE_SHIFTS]


def shift_label(code: str) -> str:
    return str(ShiftCode(code).label) if code in ShiftCode.values else code


class ShiftPattern(models.Model):
    """The shifts a unit (or one of its sites) works: three of 8 hours or two of 12."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="shift_patterns"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shift_patterns",
    )
    kind = models.CharField(
        _("pattern"), max_length=10, choices=PatternKind.choices, default=PatternKind.THREE
    )
    # [{"code": "night", "name": "夜班", "start": "00:00", "hours": 8}, ...]
    shifts = models.JSONField(_("shifts"), default=default_shifts)

    class Meta:
        verbose_name = _("shift pattern")
        verbose_name_plural = _("shift patterns")
        constraints = [
            models.UniqueConstraint(fields=["unit", "site"], name="roster_pattern_unit_site"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(site__isnull=True),
                name="roster_pattern_one_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


class RosterRules(models.Model):
    """A unit's working-time rules; wartime (战时) replaces them by its raised limits."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="roster_rules"
    )
    min_rest_hours = models.PositiveSmallIntegerField(_("minimum rest (hours)"), default=12)
    forbid_night_to_morning = models.BooleanField(
        _("no day shift right after a night shift"), default=True
    )
    max_consecutive_days = models.PositiveSmallIntegerField(
        _("maximum consecutive working days"), default=6
    )
    max_consecutive_nights = models.PositiveSmallIntegerField(
        _("maximum consecutive nights"), default=4
    )
    max_hours_per_week = models.PositiveSmallIntegerField(
        _("maximum hours in any 7 days"), default=48
    )
    wartime = models.BooleanField(_("wartime mode"), default=False)
    wartime_min_rest_hours = models.PositiveSmallIntegerField(
        _("wartime: minimum rest (hours)"), default=8
    )
    wartime_max_consecutive_days = models.PositiveSmallIntegerField(
        _("wartime: maximum consecutive working days"), default=14
    )
    wartime_max_consecutive_nights = models.PositiveSmallIntegerField(
        _("wartime: maximum consecutive nights"), default=7
    )
    wartime_max_hours_per_week = models.PositiveSmallIntegerField(
        _("wartime: maximum hours in any 7 days"), default=72
    )

    class Meta:
        verbose_name = _("roster rules")
        verbose_name_plural = _("roster rules")

    def __str__(self) -> str:
        return str(self.unit)


class Leave(models.Model):
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="leaves"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    kind = models.CharField(_("kind"), max_length=16, choices=LeaveKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = actor_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["staff", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.starts_on}–{self.ends_on}"


class Roster(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rosters"
    )
    start = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    status = models.CharField(
        _("status"), max_length=16, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    # Published versions of one unit count 1, 2, 3 …; a draft has none yet.
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived",
    )
    pattern = models.CharField(
        _("shift pattern"), max_length=10, choices=PatternKind.choices, default=PatternKind.THREE
    )
    wartime = models.BooleanField(_("made in wartime mode"), default=False)
    objective = models.FloatField(_("objective"), default=0)
    gap = models.FloatField(_("optimality gap"), default=0)
    solver_status = models.CharField(_("solver status"), max_length=16, blank=True)
    # Rules applied, timing, staff counts, and for a re-roster the list of changes.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = actor_field(pgettext_lazy("roster", "created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_by = actor_field(_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["unit", "status", "start"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.start} +{self.days}"

    @property
    def missing(self) -> int:
        return int(self.summary.get("missing", 0))


class RosterSlot(models.Model):
    """A post of a roster: one role on a shift of a date, at a site or (without one) at the
    unit itself. An assignment fills it with a staff member; a shortage counts those missing."""

    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=16)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(pgettext_lazy("duty", "role"), max_length=16, choices=DutyRole.choices)

    class Meta:
        abstract = True

    @property
    def shift_label(self) -> str:
        return shift_label(self.shift)


class RosterAssignment(RosterSlot):
    roster = models.ForeignKey(
        Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="assignments"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="duties"
    )

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["date", "shift", "site_id", "role", "staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "staff", "date"], name="roster_one_duty_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.shift} {self.staff_id}"


class RosterShortage(RosterSlot):
    roster = models.ForeignKey(
        Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="shortages"
    )
    missing = models.PositiveSmallIntegerField(_("missing"))
    eligible = models.PositiveSmallIntegerField(_("eligible staff"), default=0)
    # [[reason code, people], ...], most frequent first.
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        verbose_name = _("shortage")
        verbose_name_plural = _("shortages")
        ordering = ["date", "shift", "site_id", "role"]

    def __str__(self) -> str:
        return self.text()

    def reason_text(self) -> str:
        parts = []
        for code, count in self.reasons:
            label = str(ShortageReason(code).label) if code in ShortageReason.values else code
            if code in COUNTED_REASONS:
                parts.append(gettext("%(reason)s: %(count)s") % {"reason": label, "count": count})
            else:
                parts.append(label)
        return pgettext("list separator", ", ").join(parts)

    def text(self) -> str:
        """One plain-language line: where, when, who is missing and why."""
        place = self.site.name if self.site_id else self.roster.unit.name
        values = {
            "date": self.date.isoformat(),
            "shift": self.shift_label,
            "place": place,
            "role": DutyRole(self.role).label,
            "count": self.missing,
            "reasons": self.reason_text(),
        }
        return (
            gettext(
                "%(date)s %(shift)s %(place)s: short of %(count)s %(role)s (reasons: %(reasons)s)"
            )
            % values
        )


class KeySite(models.Model):
    """A key post (重点卡点): the leader's mark that its posts are covered before the others."""

    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="roster_key"
    )
    marked_by = actor_field(_("marked by"))
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        verbose_name = _("key post")
        verbose_name_plural = _("key posts")

    def __str__(self) -> str:
        return str(self.site)
