"""The posts' own log: disinfection twice a day (who, when, what, a photo) and what each shift
was given (meals, water, heating)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.validation import reject_naive
from fangkong.sites.models import Site
from fangkong.sites.photos import PhotoError, process_photo
from fangkong.supplies.choices import DisinfectionArea, WelfareShift
from fangkong.supplies.models import DisinfectionEntry, WelfareEntry
from fangkong.supplies.permissions import can_act_at_post
from fangkong.supplies.services.stock import _user, post_location

PHOTO_MESSAGES = {
    "photo_too_large": lambda: _("The photo is too large."),
    "photo_invalid": lambda: _("This file is not a photo (JPEG, PNG or WebP)."),
}


def _require_post(actor: Any, site: Site) -> None:
    if not can_act_at_post(actor, site):
        raise PermissionDeniedError(_("You may not record supplies at this post."))


@transaction.atomic
def disinfection_record(
    *,
    actor: Any,
    site: Site,
    done_at: datetime,
    done_by: str,
    areas: Sequence[str],
    photo: Any,
    agent: str = "",
) -> DisinfectionEntry:
    _require_post(actor, site)
    errors = FieldErrors()
    if not done_by.strip():
        errors.add("done_by", _("Enter who disinfected the post."), "done_by_required")
    if not areas:
        errors.add("areas", _("Tick what was disinfected."), "areas_required")
    elif not set(areas) <= set(DisinfectionArea.values):
        errors.add("areas", _("Unknown area."), "area_invalid")
    now = timezone.now()
    if not reject_naive(errors, "done_at", done_at) and (
        done_at > now + timedelta(minutes=5) or done_at < now - timedelta(days=2)
    ):
        errors.add("done_at", _("The time must be within the last two days."), "done_at_invalid")
    processed = None
    if photo is None:
        errors.add("photo", _("Take a photo of the disinfected post."), "photo_required")
    else:
        try:
            processed = process_photo(photo, photo.size)
        except PhotoError as exc:
            errors.add("photo", str(PHOTO_MESSAGES[exc.code]()), exc.code)
    errors.raise_if_any()
    assert processed is not None  # noqa: S101 - errors were raised above otherwise
    entry = DisinfectionEntry(
        post=post_location(site),
        done_at=done_at,
        done_by=done_by.strip(),
        areas=sorted(set(areas)),
        agent=agent.strip(),
        recorded_by=_user(actor),
    )
    entry.photo.save(processed.image.name, processed.image, save=False)
    entry.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    entry.save()
    audit_record(actor=actor, action="supplies.disinfection", target=entry)
    return entry


@transaction.atomic
def welfare_record(
    *,
    actor: Any,
    site: Site,
    day: date,
    shift: str,
    meals: int = 0,
    water: bool = False,
    heating: bool = False,
    note: str = "",
) -> WelfareEntry:
    """What a shift at the post was given; recording the same shift again corrects it."""
    _require_post(actor, site)
    errors = FieldErrors()
    if shift not in WelfareShift.values:
        errors.add("shift", _("Choose a shift."), "shift_invalid")
    if day > timezone.localdate() or day < timezone.localdate() - timedelta(days=7):
        errors.add("day", _("The day must be within the last week."), "day_invalid")
    if meals < 0 or meals > 500:
        errors.add("meals", _("Enter the number of meals, 0 to 500."), "meals_invalid")
    if not (meals or water or heating):
        errors.add("__all__", _("Record at least one of meals, water or heating."), "empty")
    errors.raise_if_any()
    entry, created = WelfareEntry.objects.update_or_create(
        post=post_location(site),
        day=day,
        shift=shift,
        defaults={
            "meals": meals,
            "water": water,
            "heating": heating,
            "note": note.strip(),
            "recorded_by": _user(actor),
        },
    )
    audit_record(
        actor=actor,
        action="supplies.welfare" if created else "supplies.welfare_correct",
        target=entry,
    )
    return entry
