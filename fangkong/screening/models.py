from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.org.models import Staff, Unit
from fangkong.registration.choices import VehicleKind
from fangkong.registration.models import (
    DeclaredIdentity,
    Person,
    Registration,
    TravelGroup,
    mask_document,
)
from fangkong.screening.choices import CargoKind, Outcome, PassStatus, RiskLevel
from fangkong.sites.models import Site

if TYPE_CHECKING:
    from fangkong.intel.services.alerts import AlertNotice


class Policy(models.Model):
    """One version of the screening policy. Versions are never edited: a change is a new
    version, effective from a time, and every check records the version it was decided under."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateTimeField(_("effective from"), db_index=True)
    # The tunable part of fangkong.screening.rules.Policy: thresholds and rule → outcome.
    rules = models.JSONField(_("rules"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening policy")
        verbose_name_plural = _("screening policies")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class RiskArea(models.Model):
    division_code = models.CharField(_("division code"), max_length=6, db_index=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["division_code", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.division_code} {self.level}"


class VehiclePass(models.Model):
    """通行证: a company's supply vehicle on an approved route and period."""

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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle pass")
        verbose_name_plural = _("vehicle passes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.plate}"


class VehiclePassDriver(DeclaredIdentity):
    """A driver named on a pass application: the person (by document) with the name and
    phone the company gave, which stay on the pass and change no one else's record."""

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


class Check(DeclaredIdentity):
    """An officer's screening of one person at a site. ``idempotency_key`` is made by the
    officer's phone, so an offline check that is synced twice is stored once.

    ``name`` and ``phone`` are those the check was made with: what the officer entered for a
    walk-up, the registration's declaration otherwise (copied, so that the check shows what
    the officer saw even once the registration is purged)."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="checks"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="checks"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checks",
    )
    group = models.ForeignKey(
        TravelGroup,
        verbose_name=_("travel group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checks",
    )
    officer = models.ForeignKey(
        Staff, verbose_name=_("officer"), null=True, blank=True, on_delete=models.SET_NULL
    )
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    # The kind the officer saw and confirmed (or corrected), blank when not confirmed: only
    # this, never the citizen's declaration, may give a vehicle the green channel.
    vehicle_kind = models.CharField(
        _("vehicle kind confirmed by the officer"),
        max_length=20,
        choices=VehicleKind.choices,
        blank=True,
    )
    recommended = models.CharField(_("recommended"), max_length=20, choices=Outcome.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    override_reason = models.CharField(_("override reason"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"))
    checked_at = models.DateTimeField(_("checked at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    # Not stored: what check_record found on the outside lists, for the officer to see.
    alerts: list[AlertNotice]

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        indexes = [
            models.Index(fields=["site", "checked_at"]),
            models.Index(fields=["checked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.outcome} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def overridden(self) -> bool:
        return self.outcome != self.recommended
