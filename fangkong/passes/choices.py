from django.db import models
from django.utils.translation import gettext_lazy as _


class PassStatus(models.TextChoices):
    APPLIED = "applied", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


class CargoKind(models.TextChoices):
    MEDICAL = "medical", _("Medical supplies")
    LIVING = "living", _("Daily necessities")
    PRODUCTION = "production", _("Production materials")
    ENERGY = "energy", _("Coal, electricity and oil")
