from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildingKind(models.TextChoices):
    BUILDING = "building", _("Building")  # 楼 (urban)
    VILLAGE_GROUP = "village_group", _("Village group")  # 村小组 (rural)


class ResidentKind(models.TextChoices):
    REGISTERED = "registered", _("Registered resident")  # 户籍人口
    TENANT = "tenant", _("Tenant")
    FLOATING = "floating", _("Floating population")  # 流动人口


class ResidentStatus(models.TextChoices):
    """Where a resident's record stands: one declared by the public waits for the grid
    worker of the door's cell (待核实); a move-out closes it (已迁出)."""

    TO_VERIFY = "to_verify", _("To verify")  # 待核实
    VERIFIED = "verified", _("Verified")  # 已核实
    REJECTED = "rejected", _("Rejected")  # 已驳回
    MOVED_OUT = "moved_out", _("Moved out")  # 已迁出


class PlacementStatus(models.TextChoices):
    OPEN = "open", _("To place")  # 待落户
    PLACED = "placed", _("Placed")
    REJECTED = "rejected", _("Rejected")


class SealedRole(models.TextChoices):
    """Who may pass the gate of a sealed compound (封控小区)."""

    RESIDENT = "resident", _("Resident")
    MEDICAL = "medical", _("Medical staff")
    POLICE = "police", _("Police")
    GRID_WORKER = "grid_worker", _("Grid worker")
    SUPPLIES = "supplies", _("Supplies delivery")
    PROPERTY = "property", _("Property management")
    VOLUNTEER = "volunteer", _("Volunteer")


class GateDirection(models.TextChoices):
    IN = "in", _("Entering")
    OUT = "out", _("Leaving")
