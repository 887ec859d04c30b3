from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.screening.choices import Outcome


class Source(models.TextChoices):
    HEALTH_LIST = "health_list", _("Health authority list")
    CHECKPOINT = "checkpoint", _("Checkpoint referral")
    TRACING = "tracing", _("Contact tracing")
    GRID_SWEEP = "grid_sweep", _("Door-to-door sweep")
    SELF_REPORT = "self_report", _("Self-report")
    MANUAL = "manual", _("Entered by staff")


class Measure(models.TextChoices):
    HOME_OBSERVATION = "home_observation", _("Home medical observation")
    CENTRAL_QUARANTINE = "central_quarantine", _("Central quarantine")
    HEALTH_MONITORING = "health_monitoring", _("Health monitoring")


class Status(models.TextChoices):
    ACTIVE = "active", _("Under the measure")
    HOSPITAL = "hospital", _("Sent to hospital")
    LOST = "lost", _("Lost contact")
    RELEASED = "released", _("Released")
    CANCELLED = "cancelled", _("Cancelled")


# Which status may follow which: every change is a transition with a reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ACTIVE: frozenset({Status.HOSPITAL, Status.LOST, Status.RELEASED, Status.CANCELLED}),
    Status.HOSPITAL: frozenset({Status.ACTIVE, Status.RELEASED}),
    Status.LOST: frozenset({Status.ACTIVE, Status.HOSPITAL, Status.RELEASED}),
    Status.RELEASED: frozenset(),
    Status.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({Status.ACTIVE, Status.HOSPITAL, Status.LOST})
# Statuses in which daily follow-ups are due.
FOLLOWED_STATUSES = frozenset({Status.ACTIVE})


class TaskKind(models.TextChoices):
    FOLLOWUP_MISSING = "followup_missing", _("Follow-up missing")
    FOLLOWUP_ABNORMAL = "followup_abnormal", _("Follow-up abnormal")
    RELEASE_DUE = "release_due", _("Measure ends")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task state", "Open")
    DONE = "done", _("Done")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Taken on")
    DISMISSED = "dismissed", _("Dismissed")


class CandidateSource(models.TextChoices):
    """The record a candidate came from: a check, a list match on any record (the values
    are the list match's record types), or a contact trace (the trace, with the contact's
    person)."""

    CHECK = "check", _("Check")
    REGISTRATION = "registration", _("Registration")
    VEHICLE_PASS = "vehicle_pass", _("Vehicle pass")
    TRAVEL_GROUP = "travel_group", _("Travel group")
    RESIDENT = "resident", _("Grid resident")
    KEY_PERSON = "key_person", _("Key person")
    TRACE = "trace", _("Contact trace")


class CandidateOutcome(models.TextChoices):
    """Why a record became a candidate: the check's outcome (劝返 or 移交卫健, with the
    screening outcome's value), a list's match, or the traced contact's degree (密接 / 次密接)."""

    PERSUADE_RETURN = Outcome.PERSUADE_RETURN.value, _("Persuade to return")
    REFER_HEALTH = Outcome.REFER_HEALTH.value, _("Refer to health authority")
    LIST_MATCH = "list_match", _("Found on a list")
    CLOSE_CONTACT = "close_contact", _("Traced: close contact")
    SECONDARY_CONTACT = "secondary_contact", _("Traced: secondary contact")


# The outcomes of a check that make it a candidate (and that a follow-through is recorded for).
CHECK_OUTCOMES = (CandidateOutcome.PERSUADE_RETURN, CandidateOutcome.REFER_HEALTH)


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    FATIGUE = "fatigue", _("Fatigue")
    BREATHING = "breathing", _("Short of breath")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    SMELL_TASTE = "smell_taste", _("Loss of smell or taste")


# A follow-up at or above this temperature is abnormal (体温≥37.3℃).
FEVER_FROM = "37.3"


class ReturnState(models.TextChoices):
    """Where a person persuaded to return (劝返) is known to be."""

    SENT = "sent", _("Sent back, not yet confirmed")
    ARRIVED = "arrived", _("Arrived at the destination")
    LEFT = "left", _("Left the prefecture")


class ConfirmedHow(models.TextChoices):
    PHONE = "phone", _("Phone call with the person")
    DESTINATION_POLICE = "destination_police", _("Police at the destination")
    EXIT_CHECKPOINT = "exit_checkpoint", _("Recorded at an exit checkpoint")
    HEALTH_CODE = "health_code", _("Health code or travel record")
    OTHER = "other", _("Other")
