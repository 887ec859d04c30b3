from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationKind(models.TextChoices):
    ROAD = "road", _("Road checkpoint")
    COMMUNITY = "community", _("Community gate")
    FLOATING = "floating", _("Floating population")


class DocumentType(models.TextChoices):
    # Values match fangkong.lib.documents.
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    FOREIGN_PERMANENT = "foreign_permanent_residence", _("Foreigner's permanent residence ID")
    HK_MACAU_PERMIT = "hk_macau_permit", _("Mainland travel permit for HK and Macau residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    OTHER = "other", _("Other document")


class TravelRole(models.TextChoices):
    DRIVER = "driver", _("Driver")
    PASSENGER = "passenger", _("Passenger")


class VehicleKind(models.TextChoices):
    CAR = "car", _("Car")
    TRUCK = "truck", _("Truck")
    BUS = "bus", _("Bus")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    AMBULANCE = "ambulance", _("Ambulance")
    POLICE = "police", _("Police vehicle")
    FIRE = "fire", _("Fire engine")
    OFFICIAL = "official", _("Official vehicle")
    SUPPLY = "supply", _("Supply vehicle")


class HealthCodeColour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    UNKNOWN = "unknown", _("Not available")


class ItineraryState(models.TextChoices):
    NORMAL = "normal", _("Normal")
    STAR = "star", _("Starred")
    RISK = "risk", _("Risk colour")
    UNKNOWN = "unknown", _("Not available")


class NatResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    PENDING = "pending", _("Awaiting result")


class Direction(models.TextChoices):
    IN = "in", _("Entering")
    OUT = "out", _("Leaving")


class GateRole(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VISITOR = "visitor", _("Visitor")


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    FATIGUE = "fatigue", _("Fatigue")
    TASTE_SMELL = "taste_smell", _("Loss of taste or smell")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
