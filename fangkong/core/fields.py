"""Model fields that several apps declare alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def actor_field(verbose_name: StrOrPromise) -> models.ForeignKey[Any, Any]:
    """The user who did something to a row (created, published, signed it): optional, set to
    NULL when the account is deleted so that the row stays, and with no reverse accessor on
    the user, who acts on too many kinds of row for one to be useful."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
