"""Authenticated encryption and blind indexes for personal identifiers.

Framework-free: the Django layer (``fangkong.core.identity``) passes keys in from settings.
Ciphertexts are ``<key id>:<base64(nonce || ciphertext+tag)>`` so keys can be rotated: the
first key of a keyring encrypts, every key in it decrypts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class KeyringError(ValueError):
    pass


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
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plaintext.encode(), context)
        return f"{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, context: bytes = b"") -> str:
        key_id, _, encoded = token.partition(":")
        if key_id not in self.keys:
            raise KeyringError(f"unknown key id {key_id!r}")
        raw = base64.b64decode(encoded)
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        return AESGCM(self.keys[key_id]).decrypt(nonce, sealed, context).decode()

    def key_id_of(self, token: str) -> str:
        return token.partition(":")[0]


def blind_index(key: bytes, kind: str, normalized_value: str) -> str:
    """HMAC-SHA256 of a normalised value, namespaced by kind so equal strings of different
    kinds (a phone number and a passport number, say) never share an index."""
    message = f"{kind}\x00{normalized_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
