"""The six-level grid below the county: streets (街道/乡镇), communities (社区/村) each
answering to a police station, grid cells with their grid worker, buildings (楼/村小组) with
a building head, and doors (户/门) with a door head, their standard address (一标) and the
residents who actually live there (实有人口).

The 12-digit statistical codes of streets and communities come from a packaged data set
(``data/``, :mod:`fangkong.grid.divisions`). Doors and residents carry their cell as well as
their building, so a grid worker's lists filter on one indexed column.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.grid.choices import BuildingKind, ResidentKind
from fangkong.lib.mask import mask_name, mask_phone
from fangkong.org.models import Staff, Unit
from fangkong.registration.models import DeclaredIdentity, Person


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
    outsider = models.BooleanField(_("from outside the prefecture"), default=False)
    returnee = models.BooleanField(_("returned from a risk area"), default=False)
    active = models.BooleanField(_("lives here"), default=True)
    moved_in_on = models.DateField(_("moved in"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at the door"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["cell", "active"], name="grid_resident_cell")]

    def __str__(self) -> str:
        return self.name_masked


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
