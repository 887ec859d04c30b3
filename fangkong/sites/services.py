"""Writes to sites: validated, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.validation import clean_division
from fangkong.lib import coords
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import can_administer
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site, SitePhoto, SiteStatusChange
from fangkong.sites.photos import PhotoError, process_photo

SITE_FIELDS = (
    "code",
    "name",
    "kind",
    "unit",
    "lng",
    "lat",
    "address",
    "division_code",
    "lanes",
    "required_officers",
    "required_auxiliaries",
    "notes",
)


def _require_admin(actor: Any, unit: Unit) -> None:
    if not can_administer(actor, unit):
        raise PermissionDeniedError(_("You may not change sites of this unit."))


def _validate_site(errors: FieldErrors, data: dict[str, Any], exclude_pk: int | None) -> None:
    code = data.get("code", "")
    if Site.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        errors.add("code", _("Another site already has this code."), "site_code_taken")
    lng, lat = data.get("lng"), data.get("lat")
    if lng is not None and lat is not None and not coords.in_china(lng, lat):
        message = _("These coordinates are outside China. Check longitude and latitude (WGS-84).")
        errors.add("lng", message, "outside_china")
        errors.add("lat", message, "outside_china")
    clean_division(errors, "division_code", data.get("division_code", ""))
    if data.get("lanes", 1) < 1:
        errors.add("lanes", _("A site has at least one lane."), "lanes_min")


@transaction.atomic
def site_create(
    *, actor: Any, staff_ids: Iterable[int] = (), photo: Any = None, **data: Any
) -> Site:
    """Set a site up, open from now, with its staff and (optional) first photo: a refused
    photo leaves no site behind."""
    _require_admin(actor, data["unit"])
    errors = FieldErrors()
    _validate_site(errors, data, exclude_pk=None)
    errors.raise_if_any()
    now = timezone.now()
    site = Site.objects.create(status=SiteStatus.OPEN, status_since=now, **data)
    SiteStatusChange.objects.create(
        site=site,
        status=SiteStatus.OPEN,
        effective_at=now,
        reason=_("Site set up"),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _assign(site, staff_ids)
    audit_record(actor=actor, action="site.create", target=site)
    if photo:
        site_photo_add(actor=actor, site=site, upload=photo)
    return site


@transaction.atomic
def site_update(
    *, actor: Any, site: Site, staff_ids: Iterable[int] | None = None, **changes: Any
) -> Site:
    _require_admin(actor, site.unit)
    if "unit" in changes:
        _require_admin(actor, changes["unit"])
    data = {field: getattr(site, field) for field in SITE_FIELDS} | changes
    errors = FieldErrors()
    _validate_site(errors, data, exclude_pk=site.pk)
    errors.raise_if_any()
    for field, value in changes.items():
        setattr(site, field, value)
    site.save()
    if staff_ids is not None:
        _assign(site, staff_ids)
    audit_record(actor=actor, action="site.update", target=site, extra={"fields": sorted(changes)})
    return site


def _assign(site: Site, staff_ids: Iterable[int]) -> None:
    # Only staff of the site's own unit subtree may be assigned to it.
    wanted = Staff.objects.filter(pk__in=list(staff_ids), unit__path__startswith=site.unit.path)
    site.staff.set(wanted)


@transaction.atomic
def site_set_status(
    *,
    actor: Any,
    site: Site,
    status: str,
    reason: str = "",
    effective_at: datetime | None = None,
) -> SiteStatusChange:
    _require_admin(actor, site.unit)
    if status not in SiteStatus.values:
        errors = FieldErrors()
        errors.add("status", _("Unknown status."), "status_invalid")
        errors.raise_if_any()
    effective_at = effective_at or timezone.now()
    change = SiteStatusChange.objects.create(
        site=site, status=status, effective_at=effective_at, reason=reason, changed_by=actor
    )
    # The current status is the latest change already in effect; a future one waits.
    current = site.status_changes.filter(effective_at__lte=timezone.now()).first()
    if current is not None:
        site.status, site.status_since = current.status, current.effective_at
        site.save(update_fields=["status", "status_since", "updated_at"])
    audit_record(
        actor=actor, action="site.status", target=site, reason=reason, extra={"status": status}
    )
    return change


_PHOTO_MESSAGES = {
    "photo_too_large": lambda: _("The photo is too large."),
    "photo_invalid": lambda: _("This file is not a photo (JPEG, PNG or WebP)."),
    "photo_too_many_pixels": lambda: (
        _(
            "The photo has too many pixels (more than %(megapixels)s million): save it at a "
            "smaller size, or take it at the camera's normal size."
        )
        % {"megapixels": settings.PHOTO_MAX_PIXELS // 1_000_000}
    ),
}


@transaction.atomic
def site_photo_add(*, actor: Any, site: Site, upload: Any, caption: str = "") -> SitePhoto:
    _require_admin(actor, site.unit)
    try:
        processed = process_photo(upload, upload.size)
    except PhotoError as exc:
        errors = FieldErrors()
        errors.add("photo", str(_PHOTO_MESSAGES[exc.code]()), exc.code)
        errors.raise_if_any()
        raise
    photo = SitePhoto(
        site=site,
        caption=caption,
        width=processed.width,
        height=processed.height,
        uploaded_by=actor,
    )
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    photo.save()
    audit_record(actor=actor, action="site.photo_add", target=site)
    return photo
