"""Vehicle passes (通行证) and the drivers named on them.

The models moved here from ``screening``; their tables keep their old names (``db_table``), so
the move changed no database (see migration 0001).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.fields import actor_field
from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.org.models import Unit
from fangkong.passes.choices import CargoKind, PassStatus
from fangkong.registration.choices import VehicleKind
from fangkong.registration.models import DeclaredIdentity, Person, mask_document


class VehiclePass(models.Model):
    """通行证: a company's supply vehicle on an approved route and period."""

    # The label of audit records written while passes lived in the screening app.
    former_labels = ("screening.vehiclepass",)

    number = models.CharField(_("pass number"), max_length=20, unique=True)
    token = models.CharField(_("token"), max_length=43, unique=True)
    company = models.CharField(_("company"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = EncryptedTextField(_("contact phone"))
    contact_phone_index = BlindIndexField(source="contact_phone", kind="phone")
    plate = models.CharField(_("licence plate"), max_length=12, db_index=True)
    vehicle_kind = models.CharField(_("vehicle kind"), max_length=20, choices=VehicleKind.choices)
    cargo_kind = models.CharField(_("cargo"), max_length=16, choices=CargoKind.choices)
    route = models.CharField(_("route"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("approving unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PassStatus.choices, default=PassStatus.APPLIED
    )
    decision_reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = actor_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        # The tables keep the names they had when passes lived in the screening app.
        db_table = "screening_vehiclepass"
        verbose_name = _("vehicle pass")
        verbose_name_plural = _("vehicle passes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.plate}"


class VehiclePassDriver(DeclaredIdentity):
    """A driver named on a pass application: the person (by document) with the name and
    phone the company gave, which stay on the pass and change no one else's record."""

    former_labels = ("screening.vehiclepassdriver",)

    vehicle_pass = models.ForeignKey(
        VehiclePass,
        verbose_name=_("vehicle pass"),
        on_delete=models.CASCADE,
        related_name="drivers",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="pass_drivers"
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)

    class Meta:
        db_table = "screening_vehiclepassdriver"
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["vehicle_pass", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle_pass", "person"], name="pass_driver_once")
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_pass_id} {self.name_masked}"

    @property
    def doc_type(self) -> str:
        return self.person.doc_type

    @property
    def doc_masked(self) -> str:
        return mask_document(self.person.doc_type, self.person.doc_number)

    def get_doc_type_display(self) -> str:
        return self.person.get_doc_type_display()
