"""The six-level grid below the county: streets (街道/乡镇), communities (社区/村) each
answering to a police station, grid cells with their grid worker, buildings (楼/村小组) with
a building head, and doors (户/门) with a door head, their standard address (一标) and the
residents who actually live there (实有人口).

The 12-digit statistical codes of streets and communities come from a packaged data set
(``data/``, :mod:`fangkong.grid.divisions`). Doors and residents carry their cell as well as
their building, so a grid worker's lists filter on one indexed column.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.grid.choices import (
    BuildingKind,
    GateDirection,
    PlacementStatus,
    ResidentKind,
    ResidentStatus,
    SealedRole,
)
from fangkong.lib.mask import mask_name, mask_phone
from fangkong.org.models import Staff, Unit
from fangkong.registration.models import DeclaredIdentity, Person, Registration
from fangkong.sites.models import Site


class Street(models.Model):
    """A street office or township (街道/乡镇)."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    county_code = models.CharField(_("county"), max_length=6, db_index=True)

    class Meta:
        verbose_name = _("street or township")
        verbose_name_plural = _("streets and townships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A community or village (社区/村): the police station it belongs to and its
    community officer (社区民警)."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    street = models.ForeignKey(
        Street, verbose_name=_("street or township"), on_delete=models.PROTECT,
        related_name="communities",
    )  # fmt: skip
    station = models.ForeignKey(
        Unit, verbose_name=_("police station"), on_delete=models.PROTECT,
        related_name="communities",
    )  # fmt: skip
    officer = models.ForeignKey(
        Staff, verbose_name=_("community officer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="communities",
    )  # fmt: skip
    # The community gates whose QR codes its floating population registers at: the public
    # form then offers this community's doors.
    gates = models.ManyToManyField(
        Site, verbose_name=_("community gates"), blank=True, related_name="grid_communities"
    )
    # Where the community shows on the command map (its committee's office), WGS-84 like the
    # sites; none until someone sets it.
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)

    class Meta:
        verbose_name = _("community or village")
        verbose_name_plural = _("communities and villages")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GridCell(models.Model):
    """A grid cell (网格) of a community, with the grid worker who answers for it."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="cells"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    worker = models.ForeignKey(
        Staff, verbose_name=_("grid worker"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="grid_cells",
    )  # fmt: skip

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class HeadContact(models.Model):
    """A building or door head (楼长/门长): a resident who helps, not a member of staff."""

    head_name = EncryptedTextField(_("head's name"), blank=True)
    head_phone = EncryptedTextField(_("head's mobile phone"), blank=True)
    head_phone_index = BlindIndexField(source="head_phone", kind="phone")

    class Meta:
        abstract = True

    @property
    def head_name_masked(self) -> str:
        return mask_name(self.head_name) if self.head_name else ""

    @property
    def head_phone_masked(self) -> str:
        return mask_phone(self.head_phone) if self.head_phone else ""


class Building(HeadContact):
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.PROTECT, related_name="buildings"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=BuildingKind.choices, default=BuildingKind.BUILDING
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["cell", "name"]

    def __str__(self) -> str:
        return self.name


class Door(HeadContact):
    """A door (户/门) with its standard address (一标)."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="doors"
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.PROTECT, related_name="doors"
    )
    label = models.CharField(_("door"), max_length=30)
    address = models.CharField(_("standard address"), max_length=200)
    # The last door-to-door visit (入户摸排); the visits themselves are ``DoorVisit`` rows.
    swept_at = models.DateTimeField(_("last visited"), null=True, blank=True)

    class Meta:
        verbose_name = _("door")
        verbose_name_plural = _("doors")
        ordering = ["building", "label"]
        indexes = [models.Index(fields=["cell", "swept_at"], name="grid_door_cell_swept")]

    def __str__(self) -> str:
        return self.address


class Resident(DeclaredIdentity):
    """Someone who actually lives at a door (实有人口). The document is the person's
    (encrypted, blind-indexed); name and phone are as the grid worker recorded them."""

    door = models.ForeignKey(
        Door, verbose_name=_("door"), on_delete=models.PROTECT, related_name="residents"
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.PROTECT, related_name="residents"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="residences"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResidentKind.choices)
    # 与户主关系 (户主, 配偶, 子女...), as the household register or the landlord says.
    relation = models.CharField(_("relation to the head of household"), max_length=20, blank=True)
    outsider = models.BooleanField(_("from outside the prefecture"), default=False)
    returnee = models.BooleanField(_("returned from a risk area"), default=False)
    active = models.BooleanField(_("lives here"), default=True)
    moved_in_on = models.DateField(_("moved in"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at the door"), null=True, blank=True)
    # Floating population (流动人口): a self-registration lands here "to verify" (not yet
    # active); the grid worker verifies or rejects it at the door. Landlord and employer are
    # as declared, kept on this row like the name and phone.
    status = models.CharField(
        _("status"), max_length=16, choices=ResidentStatus.choices,
        default=ResidentStatus.VERIFIED,
    )  # fmt: skip
    registration = models.ForeignKey(
        Registration, verbose_name=_("self-registration"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="residents",
    )  # fmt: skip
    landlord_name = EncryptedTextField(_("landlord"), blank=True)
    landlord_phone = EncryptedTextField(_("landlord's mobile phone"), blank=True)
    landlord_phone_index = BlindIndexField(source="landlord_phone", kind="phone", db_index=False)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    reviewed_by = models.ForeignKey(
        Staff, verbose_name=_("verified by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    review_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(fields=["cell", "active"], name="grid_resident_cell"),
            models.Index(fields=["cell", "status"], name="grid_resident_cell_status"),
        ]

    def __str__(self) -> str:
        return self.name_masked

    @property
    def landlord_name_masked(self) -> str:
        return mask_name(self.landlord_name) if self.landlord_name else ""

    @property
    def landlord_phone_masked(self) -> str:
        return mask_phone(self.landlord_phone) if self.landlord_phone else ""


class Placement(models.Model):
    """A floating-population self-registration whose door is not known yet (the citizen
    typed an address that matched no door of the community): a task for the community's
    grid workers to place them on a door, which makes the resident."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("self-registration"), on_delete=models.CASCADE,
        related_name="placement",
    )  # fmt: skip
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE,
        related_name="placements",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=16, choices=PlacementStatus.choices,
        default=PlacementStatus.OPEN,
    )  # fmt: skip
    resident = models.ForeignKey(
        "Resident", verbose_name=_("resident"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    done_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    done_by = models.ForeignKey(
        Staff, verbose_name=_("dealt with by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("resident to place")
        verbose_name_plural = _("residents to place")
        indexes = [models.Index(fields=["community", "status"], name="grid_placement_open")]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.community_id}"

    @property
    def declared_address(self) -> str:
        d = self.registration.declared
        return " ".join(str(d.get(k) or "") for k in ("address", "building", "door")).strip()


class SealedArea(models.Model):
    """A compound or building sealed (封控) from ``starts_at`` to ``ends_at``; ``building``
    blank seals the whole compound (the community's named compound, ``name``)."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT,
        related_name="sealed_areas",
    )  # fmt: skip
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sealed_areas",
    )  # fmt: skip
    building = models.ForeignKey(
        Building, verbose_name=_("building"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sealed_areas",
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=100)
    gate = models.CharField(_("gate"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    starts_at = models.DateTimeField(_("sealed from"))
    ends_at = models.DateTimeField(_("sealed until"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    created_by = models.ForeignKey(
        Staff, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("sealed compound")
        verbose_name_plural = _("sealed compounds")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["community", "ends_at"], name="grid_sealed_community")]

    def __str__(self) -> str:
        return self.name

    def is_sealed(self, at: datetime) -> bool:
        return self.lifted_at is None and self.starts_at <= at < self.ends_at


class SealedPass(DeclaredIdentity):
    """Someone allowed through the gate of a sealed area, in a role (medical staff, supplies,
    police...). Name and phone as the officer recorded them."""

    area = models.ForeignKey(
        SealedArea, verbose_name=_("sealed compound"), on_delete=models.CASCADE,
        related_name="passes",
    )  # fmt: skip
    role = models.CharField(
        pgettext_lazy("sealed gate", "role"), max_length=16, choices=SealedRole.choices
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("gate pass")
        verbose_name_plural = _("gate passes")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name_masked}"


class GateLogRecord(models.Model):
    """What a record kept at a sealed area's gate carries: its time, the staff member who
    kept it, and the key of the phone's outbox, so that a record sent twice is kept once."""

    at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(
        Staff, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, unique=True, null=True, blank=True
    )

    class Meta:
        abstract = True


class GateEntry(DeclaredIdentity, GateLogRecord):
    """One entry or exit at the gate of a sealed area (出入登记)."""

    area = models.ForeignKey(
        SealedArea, verbose_name=_("sealed compound"), on_delete=models.CASCADE,
        related_name="entries",
    )  # fmt: skip
    direction = models.CharField(_("direction"), max_length=4, choices=GateDirection.choices)
    role = models.CharField(
        pgettext_lazy("sealed gate", "role"), max_length=16, choices=SealedRole.choices
    )
    sealed_pass = models.ForeignKey(
        SealedPass, verbose_name=_("gate pass"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="entries",
    )  # fmt: skip
    temperature = models.DecimalField(
        _("temperature"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("gate entry")
        verbose_name_plural = _("gate entries")
        indexes = [models.Index(fields=["area", "at"], name="grid_gate_area_at")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.direction} @ {self.at:%Y-%m-%d %H:%M}"


class Delivery(GateLogRecord):
    """Supplies delivered into a sealed area (物资配送): what, how much, to which door,
    by whom."""

    area = models.ForeignKey(
        SealedArea, verbose_name=_("sealed compound"), on_delete=models.CASCADE,
        related_name="deliveries",
    )  # fmt: skip
    door = models.ForeignKey(
        Door, verbose_name=_("door"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="deliveries",
    )  # fmt: skip
    items = models.CharField(pgettext_lazy("delivery", "supplies"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=10, blank=True)
    delivered_by = models.CharField(_("delivered by"), max_length=50)

    class Meta:
        verbose_name = _("supplies delivery")
        verbose_name_plural = _("supplies deliveries")
        indexes = [models.Index(fields=["area", "at"], name="grid_delivery_area_at")]

    def __str__(self) -> str:
        return f"{self.items} {self.quantity}{self.unit}"


class DoorVisit(models.Model):
    """One door-to-door visit: who came, when, what they found."""

    door = models.ForeignKey(
        Door, verbose_name=_("door"), on_delete=models.CASCADE, related_name="visits"
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("visited by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(pgettext_lazy("door visit", "visited at"))
    residents_seen = models.PositiveSmallIntegerField(_("residents seen"), default=0)
    outsiders = models.PositiveSmallIntegerField(_("outsiders"), default=0)
    returnees = models.PositiveSmallIntegerField(_("returnees"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Client-made, so a visit sent again from the phone's outbox is recorded once.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("door visit")
        verbose_name_plural = _("door visits")
        indexes = [models.Index(fields=["cell", "at"], name="grid_visit_cell_at")]

    def __str__(self) -> str:
        return f"{self.door_id} @ {self.at:%Y-%m-%d %H:%M}"
