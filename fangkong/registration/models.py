"""The records every flow shares: a real person, a vehicle, a travel group, a registration.

A person is one row whatever brought them in; registrations, checks, key persons and list
matches point at it, so tracing and matching join on one key (the document's blind index).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.lib.mask import mask_id_number, mask_name, mask_phone
from fangkong.registration.choices import (
    DocumentType,
    RegistrationKind,
    TravelRole,
    VehicleKind,
)
from fangkong.sites.models import Site


class Person(models.Model):
    doc_type = models.CharField(_("document type"), max_length=32, choices=DocumentType.choices)
    doc_number = EncryptedTextField(_("document number"))
    # Blind index of "doc_type:number", unique: one row per real person and document.
    doc_index = BlindIndexField(source="doc_key", kind="document", unique=True, db_index=False)
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = BlindIndexField(source="phone", kind="phone")
    # The last four digits are shown on every masked display anyway; kept clear so an officer
    # can find a registration by them.
    phone_tail = models.CharField(_("phone last digits"), max_length=4, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Kept past the retention period: linked to a key person or a case.
    hold = models.BooleanField(_("retention hold"), default=False)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.name_masked} {self.doc_masked}"

    @property
    def doc_key(self) -> str:
        return f"{self.doc_type}:{self.doc_number}" if self.doc_number else ""

    @property
    def doc_masked(self) -> str:
        if self.doc_type == DocumentType.RESIDENT_ID:
            return mask_id_number(self.doc_number)
        return self.doc_number[:2] + "*" * max(len(self.doc_number) - 4, 0) + self.doc_number[-2:]

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)


class Vehicle(models.Model):
    """A normalised plate (GA 36); a plate alone is not personal data."""

    plate = models.CharField(_("licence plate"), max_length=12, unique=True)
    kind = models.CharField(_("vehicle kind"), max_length=20, choices=VehicleKind.choices)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.plate


class TravelGroup(models.Model):
    """One vehicle's passage through a road site: driver, passengers, where from and to."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="travel_groups"
    )
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), null=True, blank=True, on_delete=models.PROTECT
    )
    origin_division = models.CharField(_("coming from"), max_length=6, blank=True)
    # [{"code": "620702", "date": "2026-11-20"}, ...]: places passed in the last 14 days.
    places_passed = models.JSONField(_("places passed"), default=list, blank=True)
    destination = models.CharField(_("destination"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose of travel"), max_length=100, blank=True)
    cargo = models.CharField(_("cargo"), max_length=100, blank=True)
    # Few groups come with a pass: the partial index below leaves the others out of it.
    vehicle_pass = models.ForeignKey(
        "screening.VehiclePass",
        verbose_name=_("vehicle pass"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
    )
    # Set by the service (the time of the form it came with); now when created otherwise.
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("travel group")
        verbose_name_plural = _("travel groups")
        indexes = [
            models.Index(
                fields=["vehicle_pass"],
                condition=models.Q(vehicle_pass__isnull=False),
                name="registration_group_with_pass",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vehicle or '-'} @ {self.site_id}"


class Registration(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=RegistrationKind.choices)
    # Indexed by (site, created_at) below, which serves look-ups by site alone too.
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations"
    )
    group = models.ForeignKey(
        TravelGroup,
        verbose_name=_("travel group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    role = models.CharField(_("role"), max_length=16, choices=TravelRole.choices, blank=True)
    # What the citizen declared: health code, itinerary card, NAT, symptoms, community or
    # floating-population details. Self-declared, checked by the officer.
    declared = models.JSONField(_("declared"), default=dict)
    # One pass per submitted form: a road registration's driver and passengers share it, so
    # the token is indexed, not unique (secrets.token_urlsafe(32) never repeats by chance).
    pass_token = models.CharField(_("pass token"), max_length=43, db_index=True)
    short_code = models.CharField(_("short code"), max_length=8, db_index=True)
    valid_until = models.DateTimeField(_("valid until"))
    # One key per submitted form, shared by the people it registers: a double tap or a retry
    # returns the same registrations (the constraint below settles a race, and its index
    # serves the look-up by key: every index costs each registration a page write).
    submission_key = models.CharField(_("submission key"), max_length=64)
    # The moment the service registered the form (the same as its pass's), now by default.
    created_at = models.DateTimeField(
        _("registered"), default=timezone.now, editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["site", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key", "person"], name="registration_once_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.short_code} {self.get_kind_display()}"
