"""The records every flow shares: a real person, a vehicle, a travel group, a registration.

A person is one row whatever brought them in; registrations, checks, key persons and list
matches point at it, so tracing and matching join on one key (the document's blind index).
A person holds only what was verified; what anyone declares stays on the record that
carried it (:class:`DeclaredIdentity`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.fields import actor_field
from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.lib import idnumber
from fangkong.lib.mask import mask_id_number, mask_name, mask_phone
from fangkong.registration.choices import (
    DocumentType,
    RegistrationKind,
    TravelRole,
    VehicleKind,
)
from fangkong.sites.models import Site


class DeclaredIdentity(models.Model):
    """What someone declared about who they are, kept on the record that carried it (a
    registration, a walk-up check, a pass's driver): a later declaration with the same
    document never changes it, and the record's pages show it."""

    name = EncryptedTextField(_("declared name"), blank=True)
    name_index = BlindIndexField(source="name", kind="name")
    phone = EncryptedTextField(_("declared mobile phone"), blank=True)
    phone_index = BlindIndexField(source="phone", kind="phone")

    class Meta:
        abstract = True

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Person(models.Model):
    """One real person, keyed by their document. It holds only what was verified: its name
    and phone change by a staff action with a reason (``people.person_verify``), never by
    what a registration, a pass application or a walk-up declares."""

    doc_type = models.CharField(_("document type"), max_length=32, choices=DocumentType.choices)
    doc_number = EncryptedTextField(_("document number"))
    # Blind index of "doc_type:number", unique: one row per real person and document.
    doc_index = BlindIndexField(source="doc_key", kind="document", unique=True, db_index=False)
    # For matching a list that gives a birth date but no document. The date is no longer
    # kept in clear: with the masked number's region and last four digits it rebuilt the
    # number. Not indexed: matching finds candidates by name first (``name_index``).
    birth_index = BlindIndexField(source="birth_key", kind="birth_date", db_index=False)
    verified_name = EncryptedTextField(_("verified name"), blank=True)
    verified_name_index = BlindIndexField(source="verified_name", kind="name", db_index=False)
    verified_phone = EncryptedTextField(_("verified mobile phone"), blank=True)
    verified_phone_index = BlindIndexField(source="verified_phone", kind="phone", db_index=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = actor_field(_("verified by"))
    # Kept past the retention period: linked to a key person or a case.
    hold = models.BooleanField(_("retention hold"), default=False)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.doc_masked

    @property
    def doc_key(self) -> str:
        return f"{self.doc_type}:{self.doc_number}" if self.doc_number else ""

    @property
    def birth_key(self) -> str:
        return birth_key(self.doc_type, self.doc_number)

    @property
    def doc_masked(self) -> str:
        return mask_document(self.doc_type, self.doc_number)


def birth_key(doc_type: str, doc_number: str) -> str:
    """The ISO birth date a resident ID number carries, "" for other documents."""
    if doc_type != DocumentType.RESIDENT_ID or not doc_number:
        return ""
    return idnumber.birth_date_and_sex(doc_number)[0].isoformat()


def mask_document(doc_type: str, doc_number: str) -> str:
    if doc_type == DocumentType.RESIDENT_ID:
        return mask_id_number(doc_number)
    return doc_number[:2] + "*" * max(len(doc_number) - 4, 0) + doc_number[-2:]


class Vehicle(models.Model):
    """A normalised plate (GA 36); a plate alone is not personal data. ``kind`` is what an
    officer confirmed at a check, blank until then: a declared kind stays on the travel group
    that declared it."""

    plate = models.CharField(_("licence plate"), max_length=12, unique=True)
    kind = models.CharField(
        _("confirmed vehicle kind"), max_length=20, choices=VehicleKind.choices, blank=True
    )

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
    # What the form said the vehicle is: a declaration, never a reason for priority.
    vehicle_kind = models.CharField(
        _("declared vehicle kind"), max_length=20, choices=VehicleKind.choices, blank=True
    )
    origin_division = models.CharField(_("coming from"), max_length=6, blank=True)
    # [{"code": "620702", "date": "2026-11-20"}, ...]: places passed in the last 14 days.
    places_passed = models.JSONField(_("places passed"), default=list, blank=True)
    destination = models.CharField(_("destination"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose of travel"), max_length=100, blank=True)
    cargo = models.CharField(_("cargo"), max_length=100, blank=True)
    # Few groups come with a pass: the partial index below leaves the others out of it.
    vehicle_pass = models.ForeignKey(
        "passes.VehiclePass",
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
    # The key an officer's phone made for a vehicle entered by hand (a UUID): each of its
    # people's checks carries it, so they make one group however often and in whatever order
    # the offline outbox sends them. Null for the groups of registration forms.
    client_key = models.CharField(
        _("key made by the officer's phone"), max_length=64, null=True, blank=True, unique=True
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


class Registration(DeclaredIdentity):
    """A person's self-registration at a site: who they said they are (``name``, ``phone``)
    and what they declared, under their pass."""

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
    role = models.CharField(
        pgettext_lazy("travel", "role"), max_length=16, choices=TravelRole.choices, blank=True
    )
    # The last four digits are shown on every masked display anyway; kept clear so an officer
    # can find a registration at the site by them.
    phone_tail = models.CharField(_("phone last digits"), max_length=4, blank=True, db_index=True)
    # The resident a visitor calls on, or a newcomer's landlord: a third party's identifiers,
    # encrypted like the registrant's own.
    contact_name = EncryptedTextField(_("host or landlord"), blank=True)
    contact_phone = EncryptedTextField(_("host's or landlord's phone"), blank=True)
    # Not indexed: tracing by a third party's phone is rare, and every index costs each
    # registration a page write.
    contact_phone_index = BlindIndexField(source="contact_phone", kind="phone", db_index=False)
    # What the citizen declared: health code, itinerary card, NAT, symptoms, community or
    # floating-population details. Self-declared, checked by the officer; no identifiers.
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

    @property
    def contact_name_masked(self) -> str:
        return mask_name(self.contact_name)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""
