"""Personal identifiers: encrypted at rest, searchable through a blind index, masked on display.

A model declares the clear value as an :class:`EncryptedTextField` and its index as a
:class:`BlindIndexField` pointing at it; the index is recomputed from the clear value on every
save, so the two never disagree. Equality search goes through :func:`blind_index_of`.

Each ciphertext is bound to its table and column (AES-GCM associated data), so one copied to
another column or row of another table does not decrypt. A value that cannot be decrypted (its
key was removed from ``FANGKONG_ENCRYPTION_KEYS``, or the ciphertext was changed or moved)
never breaks a page: it reads as an :class:`~fangkong.lib.crypto.Unreadable` that shows
「无法解密（缺少密钥 k1）」, is logged once per process, and is written back unchanged if its
row is saved. ``manage.py rekey --check`` lists the keys in use and those missing.
"""

from __future__ import annotations

import base64
import logging
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.lib.crypto import (
    Keyring,
    MissingKeyError,
    UndecryptableError,
    Unreadable,
    blind_index,
)

logger = logging.getLogger(__name__)
_reported: set[tuple[str, str]] = set()


@cache
def keyring() -> Keyring:
    return Keyring.parse(settings.ENCRYPTION_KEYS)


@cache
def _index_key() -> bytes:
    return base64.b64decode(settings.BLIND_INDEX_KEY)


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in ("ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        keyring.cache_clear()
        _index_key.cache_clear()
        _reported.clear()


def column_context(table: str, column: str) -> bytes:
    """The associated data that binds a ciphertext to where it is stored."""
    return f"{table}.{column}".encode()


def unreadable(token: str, error: MissingKeyError | UndecryptableError, where: str) -> Unreadable:
    """The stand-in for a value that does not decrypt, logged once per process for each
    missing key, or for each column holding a damaged value."""
    key_id = keyring().key_id_of(token)
    if isinstance(error, MissingKeyError):
        reason, text, once = (
            "missing_key",
            gettext("Cannot decrypt (key %(key)s is missing)"),
            key_id,
        )
    else:
        reason, text, once = (
            "undecryptable",
            gettext("Cannot decrypt (the stored value is damaged)"),
            where,
        )
    if (reason, once) not in _reported:
        _reported.add((reason, once))
        logger.error(
            "cannot decrypt %s: %s (key %s); see manage.py rekey --check", where, reason, key_id
        )
    return Unreadable(text % {"key": key_id}, token=token, key_id=key_id, reason=reason)


def blind_index_of(kind: str, normalized_value: str) -> str:
    return blind_index(_index_key(), kind, normalized_value)


def document_index(doc_type: str, doc_number: str) -> str:
    """The blind index of a (normalised) document, as a person's ``doc_index`` and a list
    entry's hold it: the key that matching and tracing join on."""
    return blind_index_of("document", f"{doc_type}:{doc_number}")


class EncryptedTextField(models.TextField):
    """Text stored as AES-GCM ciphertext bound to its table and column; Python code only
    ever sees the clear value (or an ``Unreadable`` stand-in, see the module)."""

    description = _("Encrypted text")

    @property
    def context(self) -> bytes:
        return column_context(self.model._meta.db_table, self.column)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return keyring().decrypt(value, context=self.context)
        except (MissingKeyError, UndecryptableError) as error:
            return unreadable(value, error, f"{self.model._meta.db_table}.{self.column}")

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Unreadable):
            return value.token  # unchanged: saving a row must not lose what we cannot read
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keyring().encrypt(value, context=self.context)

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
        kwargs["db_index"] = self.db_index  # type: ignore[attr-defined]  # not in django-stubs
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if any(
            isinstance(getattr(model_instance, f.attname), Unreadable)
            for f in _encrypted(model_instance)
        ):
            # Computed from an unreadable value, the index would be wrong: keep the stored one.
            return getattr(model_instance, self.attname)
        clear = getattr(model_instance, self.source)
        value = blind_index_of(self.kind, clear) if clear else ""
        setattr(model_instance, self.attname, value)
        return value


def _encrypted(instance: models.Model) -> list[models.Field]:
    return [f for f in instance._meta.concrete_fields if isinstance(f, EncryptedTextField)]
