"""Outside lists (名单) and what they matched, the tasks sent to units, alerts at the
checkpoint, and traces from a case (协查).

A list entry keeps its document number and phone encrypted with blind indexes of the same
kinds as :class:`~fangkong.registration.models.Person` and the registrations, so matching is a
join on those indexes in the database. A plate is kept normalised in clear, as
:class:`~fangkong.registration.models.Vehicle` keeps it: a plate alone is not personal data,
and "one character off" can only be compared in clear.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.intel.choices import (
    CaseKind,
    ContactReason,
    ListPurpose,
    ListStatus,
    MatchBasis,
    MatchKind,
    MatchStatus,
    RecordType,
)
from fangkong.lib.mask import mask_name, mask_phone
from fangkong.org.models import Unit
from fangkong.registration.models import Person, Vehicle, mask_document
from fangkong.sites.models import Site


class WatchList(models.Model):
    """One imported list: where it came from, what for, on what legal basis, and until when
    it may be kept (it is purged after ``expires_on``)."""

    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ListPurpose.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    expires_on = models.DateField(_("expires on"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ListStatus.choices, default=ListStatus.IMPORTING
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    # The uploaded file until its import job has read it; emptied afterwards.
    upload = models.BinaryField(_("uploaded file"), blank=True, default=b"")
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicate rows"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # [[row, field, code, value], ...], the first PROBLEMS_KEPT of them, for the report.
    problems = models.JSONField(_("validation report"), default=list, blank=True)
    matched_at = models.DateTimeField(_("last matched"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ListEntry(models.Model):
    """One row of a list, its identifiers normalised (document, phone, plate) and indexed."""

    watch_list = models.ForeignKey(
        WatchList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="entries"
    )
    row = models.PositiveIntegerField(_("row"))
    name = EncryptedTextField(_("name"), blank=True)
    name_index = BlindIndexField(source="name", kind="name", db_index=False)
    doc_type = models.CharField(_("document type"), max_length=32, blank=True)
    doc_number = EncryptedTextField(_("document number"), blank=True)
    doc_index = BlindIndexField(source="doc_key", kind="document", db_index=False)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = BlindIndexField(source="phone", kind="phone", db_index=False)
    phone_tail = models.CharField(_("phone last digits"), max_length=4, blank=True)
    birth_date = EncryptedTextField(_("date of birth"), blank=True)
    birth_index = BlindIndexField(source="birth_date", kind="birth_date", db_index=False)
    plate = models.CharField(_("licence plate"), max_length=12, blank=True)
    train = models.CharField(_("train or flight"), max_length=12, blank=True)
    seat = models.CharField(_("seat"), max_length=12, blank=True)
    travel_date = models.DateField(_("date"), null=True, blank=True)
    # The person whose document the entry names, found afresh by each match run (people
    # register after a list arrives): the document sources join from it, so the look-up by
    # document is made once a run, not once a source. No constraint: a purged person leaves
    # an id that the next run clears.
    person = models.ForeignKey(
        "registration.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        # Alerts look entries up by each identifier; matching scans one list's entries.
        indexes = [
            models.Index(fields=["doc_index"], name="intel_entry_doc"),
            models.Index(fields=["phone_index"], name="intel_entry_phone"),
            models.Index(fields=["plate"], name="intel_entry_plate"),
            models.Index(fields=["train", "travel_date"], name="intel_entry_train"),
            models.Index(fields=["watch_list", "row"], name="intel_entry_list_row"),
            models.Index(fields=["watch_list", "person"], name="intel_entry_list_person"),
        ]

    def __str__(self) -> str:
        return f"{self.watch_list_id}#{self.row}"

    @property
    def doc_key(self) -> str:
        return f"{self.doc_type}:{self.doc_number}" if self.doc_number else ""

    @property
    def name_masked(self) -> str:
        return mask_name(self.name) if self.name else ""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def doc_masked(self) -> str:
        return mask_document(self.doc_type, self.doc_number) if self.doc_number else ""


class Match(models.Model):
    """A list entry found in one of our records. Exact matches count at once; a candidate
    counts only once a person confirms it."""

    watch_list = models.ForeignKey(
        WatchList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="matches"
    )
    entry = models.ForeignKey(
        ListEntry, verbose_name=_("list entry"), on_delete=models.CASCADE, related_name="matches"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MatchKind.choices)
    basis = models.CharField(_("matched on"), max_length=20, choices=MatchBasis.choices)
    record_type = models.CharField(_("record type"), max_length=16, choices=RecordType.choices)
    record_id = models.BigIntegerField(_("record"))
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.CASCADE
    )
    # The unit whose jurisdiction holds the record: the site's, or the pass's approving unit.
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MatchStatus.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "record_type", "record_id"], name="intel_match_once"
            )
        ]
        indexes = [models.Index(fields=["watch_list", "status"], name="intel_match_status")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.record_type}:{self.record_id}"


class MatchTask(models.Model):
    """A list entry found in a unit's records, sent to that unit to act on by a deadline:
    one task per entry and unit, however many of its records matched."""

    watch_list = models.ForeignKey(
        WatchList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="tasks"
    )
    entry = models.ForeignKey(
        ListEntry, verbose_name=_("list entry"), on_delete=models.CASCADE, related_name="tasks"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE)
    deadline = models.DateTimeField(_("deadline"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("task", "acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    created_at = models.DateTimeField(_("dispatched"))

    class Meta:
        verbose_name = _("match task")
        verbose_name_plural = _("match tasks")
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "unit"], name="intel_task_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.entry_id}"


class Alert(models.Model):
    """A person or plate on an active list, or a person under an open key-person measure,
    seen at a checkpoint: the check or registration is flagged by this row, and the site's
    unit and the command centre see it. One of ``entry`` and ``key_person`` is set."""

    entry = models.ForeignKey(
        ListEntry,
        verbose_name=_("list entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    key_person = models.ForeignKey(
        "keypersons.KeyPerson",
        verbose_name=_("key person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    basis = models.CharField(_("matched on"), max_length=20, choices=MatchBasis.choices)
    screening_check = models.ForeignKey(
        "screening.Check",
        verbose_name=_("check"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    registration = models.ForeignKey(
        "registration.Registration",
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site_id} {self.basis}"

    @property
    def reason(self) -> str:
        """Why the person was flagged: the list's purpose, or the key-person category."""
        if self.key_person is not None:
            return str(self.key_person.category)
        return self.entry.watch_list.get_purpose_display() if self.entry is not None else ""


class Trace(models.Model):
    """A contact trace from one case: a person, a plate, or a train or flight and seat."""

    case_kind = models.CharField(_("case"), max_length=8, choices=CaseKind.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    plate = models.CharField(_("licence plate"), max_length=12, blank=True)
    train = models.CharField(_("train or flight"), max_length=12, blank=True)
    seat = models.CharField(_("seat"), max_length=12, blank=True)
    travel_date = models.DateField(_("date"), null=True, blank=True)
    since = models.DateTimeField(_("from"))
    window_minutes = models.PositiveSmallIntegerField(_("window (minutes)"), default=30)
    second_degree = models.BooleanField(_("second degree"), default=False)
    # Set when settings.TRACE_FOLLOW or TRACE_SECOND_DEGREE_MAX cut the second degree short:
    # not every first-degree contact was followed (those that were are marked ``followed``).
    second_degree_cut = models.BooleanField(_("second degree cut short"), default=False)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    done = models.BooleanField(_("done"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("trace")
        verbose_name_plural = _("traces")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_kind} {self.pk}"


class TraceEvent(models.Model):
    """Where and when a traced person (or vehicle) was: a site and the window around the
    moment, the travel group and vehicle if any. Contacts are found by joining these."""

    trace = models.ForeignKey(
        Trace, verbose_name=_("trace"), on_delete=models.CASCADE, related_name="events"
    )
    degree = models.PositiveSmallIntegerField(_("degree"), default=1)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE)
    at = models.DateTimeField(_("time"))
    lo = models.DateTimeField(_("window start"))
    hi = models.DateTimeField(_("window end"))
    group_id_ref = models.BigIntegerField(_("travel group"), null=True)
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        indexes = [models.Index(fields=["trace", "degree"], name="intel_event_trace")]

    def __str__(self) -> str:
        return f"{self.trace_id} {self.site_id} {self.at:%Y-%m-%d %H:%M}"


class TraceContact(models.Model):
    """A contact of the case, with why (``reason``) and when and where it was."""

    trace = models.ForeignKey(
        Trace, verbose_name=_("trace"), on_delete=models.CASCADE, related_name="contacts"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE)
    degree = models.PositiveSmallIntegerField(_("degree"), default=1)
    reason = models.CharField(_("reason"), max_length=16, choices=ContactReason.choices)
    # The traced person this contact was found through (the case itself at degree 1).
    via = models.ForeignKey(
        Person,
        verbose_name=_("found through"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.CASCADE
    )
    at = models.DateTimeField(_("time"), null=True, blank=True)
    plate = models.CharField(_("licence plate"), max_length=12, blank=True)
    train = models.CharField(_("train or flight"), max_length=12, blank=True)
    # A first-degree contact whose own contacts were traced (the second degree).
    followed = models.BooleanField(_("second degree traced"), default=False, db_default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["degree", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["trace", "person"], name="intel_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.trace_id} {self.person_id} {self.reason}"
