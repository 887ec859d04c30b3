from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.fields import actor_field
from fangkong.org.models import Staff
from fangkong.registration.choices import TravelRole, VehicleKind
from fangkong.registration.models import (
    DeclaredIdentity,
    Person,
    Registration,
    TravelGroup,
)
from fangkong.screening.choices import Outcome, RiskLevel
from fangkong.sites.models import Site

if TYPE_CHECKING:
    from fangkong.intel.services.alerts import AlertNotice


class Policy(models.Model):
    """One version of the screening policy. Versions are never edited: a change is a new
    version, effective from a time, and every check records the version it was decided under."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateTimeField(_("effective from"), db_index=True)
    # The tunable part of fangkong.screening.rules.RuleSet: thresholds and rule → outcome.
    rules = models.JSONField(_("rules"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = actor_field(_("created by"))
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
    # Driver or passenger of ``group``: the registration's role, or as the officer entered it.
    # Default in the database too: bulk loaders that insert checks by SQL (the demo, the
    # benchmarks) name their columns, and a check made before roles were kept has none.
    role = models.CharField(
        pgettext_lazy("travel", "role"),
        max_length=16,
        choices=TravelRole.choices,
        blank=True,
        default="",
        db_default="",
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
