from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ListPurpose(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("Close contacts")
    SECONDARY_CONTACT = "secondary_contact", _("Secondary contacts")
    RISK_AREA = "risk_area", _("Arrivals from risk areas")
    OBSERVATION = "observation", _("Home observation")
    MANIFEST = "manifest", _("Train or flight manifest")
    OTHER = "other", _("Other early warning")


class ListStatus(models.TextChoices):
    IMPORTING = "importing", _("Importing")
    ACTIVE = "active", _("Active")
    FAILED = "failed", _("Import failed")


class MatchKind(models.TextChoices):
    EXACT = "exact", _("Exact")
    CANDIDATE = "candidate", _("Candidate")


class MatchBasis(models.TextChoices):
    DOCUMENT = "document", _("Document number")
    PHONE = "phone", _("Mobile phone")
    PLATE = "plate", _("Licence plate")
    NAME_BIRTH_PHONE = "name_birth_phone", _("Name, birth date and phone ending")
    PLATE_NEAR = "plate_near", _("Licence plate one character off")


class RecordType(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    CHECK = "check", _("Check")
    TRAVEL_GROUP = "travel_group", _("Travel group")
    VEHICLE_PASS = "vehicle_pass", _("Vehicle pass")
    KEY_PERSON = "key_person", _("Key person")
    RESIDENT = "resident", _("Grid resident")


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    PENDING = "pending", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", pgettext_lazy("match review", "Rejected")


# The statuses that count as matches: a candidate counts only once a person confirms it.
COUNTED = (MatchStatus.MATCHED, MatchStatus.CONFIRMED)


class CaseKind(models.TextChoices):
    PERSON = "person", _("Person")
    PLATE = "plate", _("Licence plate")
    TRAIN = "train", _("Train or flight and seat")


class ContactReason(models.TextChoices):
    SAME_GROUP = "same_group", _("Same travel group")
    SAME_SITE = "same_site", _("Same site within the window")
    SAME_GATE = "same_gate", _("Same community gate within the window")
    SAME_VEHICLE = "same_vehicle", _("Same vehicle on another day")
    SAME_TRAIN = "same_train", _("Same train or flight")
