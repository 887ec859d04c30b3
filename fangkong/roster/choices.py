from django.db import models
from django.utils.translation import gettext_lazy as _


class ShiftCode(models.TextChoices):
    # The engine's shift ids; a shift belongs to the calendar day it starts on.
    NIGHT = "night", _("Night shift")
    DAY = "day", _("Day shift")
    EVENING = "evening", _("Evening shift")
    LEAD = "lead", _("Duty leader (24 h)")


class PatternKind(models.TextChoices):
    THREE = "three", _("Three shifts of 8 hours")
    TWO = "two", _("Two shifts of 12 hours")


class LeaveKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    SICK = "sick", _("Sick leave")
    TRAINING = "training", _("Training")
    UNAVAILABLE = "unavailable", _("Unavailable")


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class DutyRole(models.TextChoices):
    OFFICER = "officer", _("Sworn officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    LEADER = "leader", _("Duty leader")


class ShortageReason(models.TextChoices):
    # The engine's reason codes (engine/shortage.py REASONS).
    NO_ELIGIBLE_STAFF = "no_eligible_staff", _("no eligible staff")
    LEAVE = "leave", _("on leave")
    UNAVAILABLE = "unavailable", _("unavailable")
    ON_DUTY = "on_duty", _("already on duty")
    REST_RULES = "rest_rules", _("rest rules")
    CONSECUTIVE_DAYS = "consecutive_days", _("consecutive-day limit")
    CONSECUTIVE_NIGHTS = "consecutive_nights", _("consecutive-night limit")
    WEEKLY_HOURS = "weekly_hours", _("weekly hours limit")
    NO_OFFICER = "no_officer", _("no sworn officer on the shift")
    OTHER = "other", _("other assignments")


# Reasons counted in people ("on leave: 2 people"); the rest name a rule.
COUNTED_REASONS = frozenset({"leave", "unavailable", "on_duty"})

THREE_SHIFTS = [
    {"code": "night", "name": "夜班", "start": "00:00", "hours": 8},
    {"code": "day", "name": "白班", "start": "08:00", "hours": 8},
    {"code": "evening", "name": "中班", "start": "16:00", "hours": 8},
]
TWO_SHIFTS = [
    {"code": "day", "name": "白班", "start": "08:00", "hours": 12},
    {"code": "night", "name": "夜班", "start": "20:00", "hours": 12},
]
PATTERN_SHIFTS = {PatternKind.THREE: THREE_SHIFTS, PatternKind.TWO: TWO_SHIFTS}
