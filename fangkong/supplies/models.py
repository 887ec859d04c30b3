"""Protective supplies: a catalogue of items, stock held at stores and posts as a ledger of
movements, requests and issues to the posts, donations, and the posts' disinfection and
welfare log.

**Stock is a ledger, never an editable number.** Every change of stock is a
:class:`Movement` (received, issued, transferred, used, written off, counted) that is never
changed or deleted; a mistake is mended by another movement. :class:`StockLevel`,
:class:`BatchLevel` and :class:`StockDay` are sums of the ledger, kept current in the
transaction of each movement (``aggregates.py``) and rebuilt from it by
``manage.py supplies_rebuild``; nobody edits them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.fields import actor_field
from fangkong.core.identity import EncryptedTextField
from fangkong.lib.mask import mask_phone
from fangkong.org.models import Staff, Unit
from fangkong.sites.models import Site
from fangkong.supplies.choices import (
    DonorKind,
    IssueStatus,
    ItemCategory,
    LocationKind,
    MeasureUnit,
    MovementKind,
    RequestStatus,
    WelfareShift,
)


class Item(models.Model):
    code = models.CharField(_("item code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=ItemCategory.choices)
    grade = models.CharField(_("grade or specification"), max_length=50, blank=True)
    measure = models.CharField(_("unit of measure"), max_length=10, choices=MeasureUnit.choices)
    # Other names the item goes by in spreadsheets, so imports find it.
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas, e.g. 医用口罩, 一次性口罩."),
    )
    tracks_expiry = models.BooleanField(_("has expiry dates"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]


class Location(models.Model):
    """Where stock is held: a unit's store, or a post (a site) that supplies are issued to.
    A post's location is made the first time the post needs one, under the site's unit."""

    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="supply_locations"
    )
    site = models.OneToOneField(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supply_location",
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "unit__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=LocationKind.POST, site__isnull=False)
                    | models.Q(kind=LocationKind.STORE, site__isnull=True)
                ),
                name="supplies_location_post_has_site",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """A batch of an item, by its number (批号). Items without batches use one batch with an
    empty number, so every stock movement at a store names a batch."""

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.CharField(_("batch number"), max_length=50, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["item", "expires_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="supplies_batch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.number or '-'}"


class Recorded(models.Model):
    """Who recorded an entry, and when: the stamp of the ledger's movements and of what is
    recorded at a store or a post (donations, disinfections, welfare)."""

    recorded_by = actor_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("stock movements cannot be changed")

    def delete(self) -> Any:
        raise AppendOnlyError("stock movements cannot be deleted")


class Movement(Recorded):
    """One change of the stock of an item at a location: ``quantity`` is signed (what the
    location gained or lost), in the item's unit of measure. An issue or a transfer is two
    movements, one at each end, sharing ``group``."""

    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="movements"
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT
    )
    quantity = models.BigIntegerField(_("quantity"))
    counted = models.BigIntegerField(_("quantity counted"), null=True, blank=True)
    at = models.DateTimeField(_("time"))
    day = models.DateField(_("day"))  # the local day of ``at``, which the day sums go by
    counterpart = models.ForeignKey(
        Location,
        verbose_name=_("from / to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.UUIDField(_("movement group"), default=uuid.uuid4, db_index=True)
    issue = models.ForeignKey(
        "Issue", verbose_name=_("issue"), null=True, blank=True, on_delete=models.PROTECT
    )
    donation = models.ForeignKey(
        "Donation", verbose_name=_("donation"), null=True, blank=True, on_delete=models.PROTECT
    )
    import_job = models.ForeignKey(
        "ImportJob", verbose_name=_("import"), null=True, blank=True, on_delete=models.PROTECT
    )
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    supplier = models.CharField(_("supplier or donor"), max_length=100, blank=True)
    reference = models.CharField(
        pgettext_lazy("delivery note", "document number"), max_length=50, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["location", "-at"], name="supplies_mv_location_at"),
            models.Index(fields=["location", "item", "day"], name="supplies_mv_location_item"),
            models.Index(fields=["batch"], name="supplies_mv_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} {self.item_id}@{self.location_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("stock movements cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("stock movements cannot be deleted")


class StockLevel(models.Model):
    """What a location holds of an item now: the sum of its movements."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="levels")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    quantity = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["location", "item"], name="supplies_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.location_id}:{self.item_id} = {self.quantity}"


class BatchLevel(models.Model):
    """What a store holds of a batch now, which issues draw on earliest expiry first."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="levels")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    quantity = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("batch level")
        verbose_name_plural = _("batch levels")
        constraints = [
            models.UniqueConstraint(fields=["location", "batch"], name="supplies_batchlevel_unique")
        ]
        indexes = [models.Index(fields=["location", "item"], name="supplies_batchlevel_item")]

    def __str__(self) -> str:
        return f"{self.location_id}:{self.batch_id} = {self.quantity}"


class StockDay(models.Model):
    """An item's movements at a location on one local day, summed: what came in, what was
    consumed (issued, transferred on, used, or found missing at a post's count) and the net
    change. Days-of-stock-left reads seven of these per location and item, never the ledger."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    received = models.BigIntegerField(default=0)
    consumed = models.BigIntegerField(default=0)
    net = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("stock day")
        verbose_name_plural = _("stock days")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "item", "day"], name="supplies_stockday_unique"
            )
        ]
        indexes = [models.Index(fields=["day", "location"], name="supplies_stockday_day")]

    def __str__(self) -> str:
        return f"{self.location_id}:{self.item_id} {self.day}"


class SupplyRequest(models.Model):
    """A post's request for supplies, to the nearest store above it; the store's unit
    approves it (with quantities adjusted if need be), passes it up to the next store, or
    rejects it. An approved request becomes an :class:`Issue` signed for at the post."""

    post = models.ForeignKey(
        Location, verbose_name=_("post"), on_delete=models.PROTECT, related_name="requests"
    )
    store = models.ForeignKey(
        Location, verbose_name=_("store asked"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    requested_by = actor_field(_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = actor_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["store", "status"], name="supplies_request_store")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.post}"


class RequestLine(models.Model):
    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    requested = models.PositiveIntegerField(_("quantity requested"))
    approved = models.PositiveIntegerField(_("quantity approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        ordering = ["item__sort_order", "item__code"]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.requested}"


def signature_path(instance: Issue, filename: str) -> str:
    # A random name: the file is served only through a view that checks jurisdiction.
    return f"supplies/signatures/{uuid.uuid4().hex}.png"


class Issue(models.Model):
    """Supplies going out of a store to a post or a person. Nothing moves until the
    recipient signs on the phone; then the store's stock falls and the post's rises, once."""

    store = models.ForeignKey(
        Location, verbose_name=_("from store"), on_delete=models.PROTECT, related_name="issues"
    )
    post = models.ForeignKey(
        Location,
        verbose_name=_("to post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues_received",
    )
    recipient_staff = models.ForeignKey(
        Staff,
        verbose_name=_("to staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    request = models.OneToOneField(
        SupplyRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issue",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IssueStatus.choices,
        default=IssueStatus.AWAITING_SIGNATURE,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    prepared_by = actor_field(_("prepared by"))
    prepared_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    signed_name = models.CharField(
        pgettext_lazy("issue receipt", "signed by"), max_length=50, blank=True
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signature = models.ImageField(_("signature"), upload_to=signature_path, blank=True)
    signature_recorded_by = actor_field(_("signature taken by"))

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-prepared_at", "-id"]
        indexes = [models.Index(fields=["store", "status"], name="supplies_issue_store")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False) | models.Q(recipient_staff__isnull=False),
                name="supplies_issue_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class IssueLine(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("issued item")
        verbose_name_plural = _("issued items")
        ordering = ["item__sort_order", "item__code"]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class Donation(Recorded):
    """Goods given by a company, an organisation or a person, received into a store. Each
    line is received as a batch of its own, so where the goods went can be followed."""

    store = models.ForeignKey(
        Location, verbose_name=_("received into"), on_delete=models.PROTECT, related_name="+"
    )
    donor_name = models.CharField(_("donor"), max_length=100)
    donor_kind = models.CharField(_("kind of donor"), max_length=20, choices=DonorKind.choices)
    donor_phone = EncryptedTextField(_("donor's phone"), blank=True)
    received_on = models.DateField(_("received on"))
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, default=0)
    publish = models.BooleanField(_("publish in the public list"), default=False)
    anonymous = models.BooleanField(_("publish without the donor's name"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.donor_name} {self.received_on}"

    @property
    def receipt_number(self) -> str:
        return f"JZ{self.received_on:%Y}-{self.pk:05d}"

    @property
    def donor_phone_masked(self) -> str:
        return mask_phone(self.donor_phone) if self.donor_phone else ""


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, default=0)
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("donated item")
        verbose_name_plural = _("donated items")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


def disinfection_photo_path(instance: DisinfectionEntry, filename: str) -> str:
    # ``filename`` is already random (sites/photos.py names photos by a UUID).
    return f"supplies/disinfection/{filename}"


class DisinfectionEntry(Recorded):
    """One disinfection of a post: who, when, what was cleaned, with what, and a photo."""

    post = models.ForeignKey(
        Location, verbose_name=_("post"), on_delete=models.PROTECT, related_name="disinfections"
    )
    done_at = models.DateTimeField(_("done at"))
    done_by = models.CharField(_("done by"), max_length=50)
    areas = models.JSONField(_("what was disinfected"), default=list)
    agent = models.CharField(_("disinfectant used"), max_length=100, blank=True)
    photo = models.ImageField(_("photo"), upload_to=disinfection_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=disinfection_photo_path)

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["post", "done_at"], name="supplies_disinf_post")]

    def __str__(self) -> str:
        return f"{self.post_id} {self.done_at:%Y-%m-%d %H:%M}"


class WelfareEntry(Recorded):
    """What a post's shift was given: meals, drinking water, heating."""

    post = models.ForeignKey(
        Location, verbose_name=_("post"), on_delete=models.PROTECT, related_name="welfare"
    )
    day = models.DateField(_("day"))
    shift = models.CharField(_("shift"), max_length=10, choices=WelfareShift.choices)
    meals = models.PositiveSmallIntegerField(_("meals"), default=0)
    water = models.BooleanField(_("drinking water"), default=False)
    heating = models.BooleanField(_("heating"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("welfare entry")
        verbose_name_plural = _("welfare entries")
        ordering = ["-day", "shift"]
        constraints = [
            models.UniqueConstraint(fields=["post", "day", "shift"], name="supplies_welfare_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.day} {self.shift}"


def import_file_path(instance: ImportJob, filename: str) -> str:
    return f"supplies/imports/{uuid.uuid4().hex}/{filename}"


class ImportJob(models.Model):
    """A spreadsheet being imported into a store: uploaded, its columns mapped by a person,
    then checked and (when no row has a problem) applied by a background task."""

    class Kind(models.TextChoices):
        OPENING_COUNT = "opening_count", _("Opening stock count")
        DELIVERY = "delivery", _("Supplier delivery")

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to be mapped")
        QUEUED = "queued", _("Waiting to run")
        FAILED = "failed", _("Not imported: rows with problems")
        DONE = "done", _("Imported")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    store = models.ForeignKey(
        Location, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=import_file_path)
    file_name = models.CharField(_("file name"), max_length=200)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    reference = models.CharField(
        pgettext_lazy("delivery note", "document number"), max_length=50, blank=True
    )
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    mapping = models.JSONField(_("column mapping"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.MAPPING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    problems = models.JSONField(_("problems"), default=list)
    created_by = actor_field(_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock import")
        verbose_name_plural = _("stock imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
