from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.fields import actor_field
from fangkong.org.models import Staff, Unit
from fangkong.sites.choices import SiteKind, SiteStatus


class Site(models.Model):
    """A checkpoint or other post. Coordinates are WGS-84; conversion to GCJ-02 for tile
    providers that need it happens only at display time."""

    code = models.CharField(_("site code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=SiteKind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="sites"
    )
    lng = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    division_code = models.CharField(_("division code"), max_length=6, blank=True)
    lanes = models.PositiveSmallIntegerField(_("lanes"), default=1)
    required_officers = models.PositiveSmallIntegerField(_("sworn officers per shift"), default=1)
    required_auxiliaries = models.PositiveSmallIntegerField(_("auxiliaries per shift"), default=2)
    status = models.CharField(
        _("status"), max_length=16, choices=SiteStatus.choices, default=SiteStatus.OPEN
    )
    status_since = models.DateTimeField(_("status since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    staff = models.ManyToManyField(
        Staff, verbose_name=_("assigned staff"), through="SiteAssignment", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["unit__path", "code"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.name


class SiteStatusChange(models.Model):
    """The opening / closing history of a site."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=16, choices=SiteStatus.choices)
    effective_at = models.DateTimeField(_("effective from"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_by = actor_field(_("changed by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-effective_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site_id} {self.status} {self.effective_at:%Y-%m-%d %H:%M}"


def photo_path(instance: SitePhoto, filename: str) -> str:
    return f"sites/{instance.site.code}/{filename}"


class SitePhoto(models.Model):
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = actor_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class SiteAssignment(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE)
    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.CASCADE)
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["site", "staff"], name="site_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.staff_id}"
