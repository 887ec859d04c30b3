"""Authenticated encryption and blind indexes for personal identifiers.

Framework-free: the Django layer (``fangkong.core.identity``) passes keys in from settings.
The first key of a keyring encrypts, every key in it decrypts, so keys can be rotated.

Tokens come in two formats:

- ``v2$<key id>$<base64(nonce || ciphertext+tag)>``, written now: the AES-GCM associated data
  is the caller's ``context`` (the table and column a value belongs to), so a ciphertext copied
  into another column or table no longer decrypts;
- ``<key id>:<base64(...)>``, the first format, without associated data: still read, until
  ``manage.py rekey`` writes it again in the new one.
"""

from __future__ import annotations

import base64
import functools
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
V2 = "v2$"
# Separates the associated data of this scheme from anything else keyed alike.
AAD_PREFIX = b"fangkong/v2\x00"
KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class KeyringError(ValueError):
    pass


class MissingKeyError(KeyringError):
    """The token was written under a key the keyring no longer has."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"unknown key id {key_id!r}")
        self.key_id = key_id


class UndecryptableError(KeyringError):
    """The token does not decrypt with its key and context: changed, or moved from another
    column or table."""


class Unreadable(str):
    """Stands in for a value that could not be decrypted: it reads as the text it is made
    with (a message for the user), and keeps the token, so that saving the row writes the
    ciphertext back as it was. ``reason`` is ``missing_key`` or ``undecryptable``."""

    token: str
    key_id: str
    reason: str

    def __new__(cls, text: str, *, token: str, key_id: str, reason: str) -> Unreadable:
        value = super().__new__(cls, text)
        value.token, value.key_id, value.reason = token, key_id, reason
        return value


@functools.lru_cache(maxsize=8)
def _aead(key: bytes) -> AESGCM:
    """The cipher of a key, set up once: a list import encrypts millions of cells."""
    return AESGCM(key)


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current: str

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        """Parse ``"k2:base64,k1:base64"``; the first key is the one that encrypts."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id:
                raise KeyringError("each key must be written as id:base64")
            if not KEY_ID.fullmatch(key_id):
                raise KeyringError(f"key id {key_id!r}: letters, digits, '.', '_', '-' only")
            if key_id in keys:
                raise KeyringError(f"key id {key_id!r} is given twice")
            try:
                key = base64.b64decode(encoded, validate=True)
            except ValueError:
                raise KeyringError(f"key {key_id!r} is not valid base64") from None
            if len(key) != 32:
                raise KeyringError(f"key {key_id!r} must be 32 bytes (AES-256)")
            keys[key_id] = key
            order.append(key_id)
        if not order:
            raise KeyringError("no encryption key given")
        return cls(keys=keys, current=order[0])

    def encrypt(self, plaintext: str, *, context: bytes = b"") -> str:
        """A new-format token under the current key, bound to ``context``."""
        return self.encrypter(context=context)(plaintext)

    def encrypter(self, *, context: bytes = b"") -> Callable[[str], str]:
        """:meth:`encrypt` for one ``context``, with the cipher and the token's prefix set up
        once: for a bulk import, which seals millions of values of a few columns."""
        seal = _aead(self.keys[self.current]).encrypt
        associated = AAD_PREFIX + context
        prefix = f"{V2}{self.current}$"
        urandom, encode = os.urandom, base64.b64encode

        def encrypt(plaintext: str) -> str:
            nonce = urandom(NONCE_BYTES)
            return prefix + encode(nonce + seal(nonce, plaintext.encode(), associated)).decode()

        return encrypt

    def decrypt(self, token: str, *, context: bytes = b"") -> str:
        """The clear text of a token of either format. Raises :class:`MissingKeyError` for a
        key the keyring lacks and :class:`UndecryptableError` for anything else that fails."""
        key_id, encoded, associated = self._parts(token, context)
        if key_id not in self.keys:
            raise MissingKeyError(key_id)
        try:
            raw = base64.b64decode(encoded, validate=True)
            nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
            return _aead(self.keys[key_id]).decrypt(nonce, sealed, associated).decode()
        except (InvalidTag, ValueError) as exc:
            raise UndecryptableError(f"token under key {key_id!r} does not decrypt") from exc

    def _parts(self, token: str, context: bytes) -> tuple[str, str, bytes]:
        if token.startswith(V2):
            key_id, _, encoded = token[len(V2) :].partition("$")
            return key_id, encoded, AAD_PREFIX + context
        key_id, _, encoded = token.partition(":")
        return key_id, encoded, b""

    def key_id_of(self, token: str) -> str:
        return self._parts(token, b"")[0]

    def is_current(self, token: str) -> bool:
        """Written in the new format under the current key: nothing for ``rekey`` to do."""
        return token.startswith(V2) and self.key_id_of(token) == self.current


def blind_index(key: bytes, kind: str, normalized_value: str) -> str:
    """HMAC-SHA256 of a normalised value, namespaced by kind so equal strings of different
    kinds (a phone number and a passport number, say) never share an index."""
    message = f"{kind}\x00{normalized_value}".encode()
    # The one-shot digest: the same HMAC as hmac.new(...).hexdigest(), without building an
    # object per value (a million-row list computes several indexes a row).
    return hmac.digest(key, message, "sha256").hex()
