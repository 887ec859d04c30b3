from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SignKind(models.TextChoices):
    IN = "in", _("Signed in")
    OUT = "out", _("Signed out")


class SignFlag(models.TextChoices):
    # Why a sign-in is kept but flagged for the leader's attention.
    NONE = "", _("None")
    OUTSIDE = "outside", _("Outside the post's radius")
    NO_POSITION = "no_position", _("No position from the phone")


class Attendance(models.TextChoices):
    # A planned duty's state on the running shift, against the published roster.
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXPECTED = "expected", _("Not due yet")
    LEFT = "left", _("Signed out")


class FixStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case state", "Open")
    CLOSED = "closed", _("Closed")


class ReportKind(models.TextChoices):
    INCIDENT = "incident", _("Incident at the post")
    EPIDEMIC = "epidemic", _("Epidemic situation")
    SECURITY = "security", _("Public security")
    STAFF = "staff", _("Staff safety or health")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case state", "Open")
    CLOSED = "closed", _("Closed")


class SquadState(models.TextChoices):
    STANDBY = "standby", _("Standing by")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned")


# The checklist of a supervision visit (督导检查): every item is answered yes or no.
CHECKLIST = [
    ("staffed", _("Post staffed as rostered")),
    ("protective_gear", _("Protective gear worn")),
    ("registration", _("Every vehicle and person registered")),
    ("temperature", _("Temperature taken")),
    ("disinfection", _("Disinfection recorded")),
    ("log", _("Duty log up to date")),
]
CHECKLIST_CODES = [code for code, _label in CHECKLIST]
