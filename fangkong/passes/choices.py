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


class PassDecision(models.TextChoices):
    """What the brigade does with a pass: each decision moves it from one status to another."""

    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    REVOKE = "revoke", _("Revoke")
