from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemCategory(models.TextChoices):
    MASK = "mask", _("Masks")
    GLOVES = "gloves", _("Gloves")
    SUIT = "suit", _("Protective suits")
    GOGGLES = "goggles", _("Goggles and face shields")
    ALCOHOL = "alcohol", _("Alcohol")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    THERMOMETER = "thermometer", _("Thermometers")
    VEST = "vest", _("Reflective vests")
    FOOD = "food", _("Food")
    WATER = "water", _("Drinking water")
    HEATING = "heating", _("Heating")
    OTHER = "other", _("Other")


class MeasureUnit(models.TextChoices):
    PIECE = "piece", _("piece")
    PAIR = "pair", _("pair")
    SET = "set", _("set")
    BOTTLE = "bottle", _("bottle")
    BARREL = "barrel", _("barrel")
    BOX = "box", _("box")
    BAG = "bag", _("bag")
    PORTION = "portion", _("portion")
    KILOGRAM = "kg", _("kg")
    LITRE = "litre", _("litre")


class LocationKind(models.TextChoices):
    STORE = "store", _("Store")
    POST = "post", _("Post")


class MovementKind(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("stock movement", "Received")
    ISSUED = "issued", _("Issued")
    TRANSFERRED = "transferred", _("Transferred")
    USED = "used", _("Used")
    WRITTEN_OFF = "written_off", _("Written off")
    COUNTED = "counted", _("Counted")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved, to be signed for")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received at the post")


class IssueStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    SIGNED = "signed", _("Signed for")
    CANCELLED = "cancelled", _("Cancelled")


class DonorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual")


class DisinfectionArea(models.TextChoices):
    BOOTH = "booth", _("Duty booth")
    BARRIER = "barrier", _("Barriers and cones")
    DESK = "desk", _("Desks and chairs")
    EQUIPMENT = "equipment", _("Thermometers, radios and other equipment")
    VEHICLE = "vehicle", _("Duty vehicle")
    REST_AREA = "rest_area", _("Tent and rest area")
    GROUND = "ground", _("Ground around the post")


class WelfareShift(models.TextChoices):
    # The three eight-hour shifts of the roster (roster/choices.py THREE_SHIFTS).
    NIGHT = "night", _("Night shift")
    DAY = "day", _("Day shift")
    EVENING = "evening", _("Evening shift")


# When each welfare shift starts and ends, in local hours of its day.
WELFARE_SHIFT_HOURS = {
    WelfareShift.NIGHT: (0, 8),
    WelfareShift.DAY: (8, 16),
    WelfareShift.EVENING: (16, 24),
}
# Disinfection twice a day: (first local hour, last local hour + 1, local hour it is due by).
# A disinfection before noon is the first round, one after it the second.
DISINFECTION_ROUNDS = ((0, 12, 12), (12, 24, 20))
