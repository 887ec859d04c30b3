"""Personal identifiers: encrypted at rest, searchable through a blind index, masked on display.

A model declares the clear value as an :class:`EncryptedTextField` and its index as a
:class:`BlindIndexField` pointing at it; the index is recomputed from the clear value on every
save, so the two never disagree. Equality search goes through :func:`blind_index_of`.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.lib.crypto import Keyring, blind_index


@cache
def keyring() -> Keyring:
    return Keyring.parse(settings.ENCRYPTION_KEYS)


@cache
def _index_key() -> bytes:
    return base64.b64decode(settings.BLIND_INDEX_KEY)


def blind_index_of(kind: str, normalized_value: str) -> str:
    return blind_index(_index_key(), kind, normalized_value)


class EncryptedTextField(models.TextField):
    """Text stored as AES-GCM ciphertext; Python code only ever sees the clear value."""

    description = _("Encrypted text")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return keyring().decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keyring().encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertexts are randomised, so comparing them is meaningless: search by blind index.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """HMAC of another field's clear value, recomputed on save, for equality search."""

    def __init__(self, *args: Any, source: str = "", kind: str = "", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        # Always written out: Field leaves out db_index=False, its default, which __init__
        # would then turn into True again.
        kwargs["db_index"] = self.db_index
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        clear = getattr(model_instance, self.source)
        value = blind_index_of(self.kind, clear) if clear else ""
        setattr(model_instance, self.attname, value)
        return value
