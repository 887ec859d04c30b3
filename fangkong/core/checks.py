"""System checks (``manage.py check``): the keys are readable before the first request needs
them. Which keys the stored data uses is a scan of every encrypted column, too long for every
start: ``manage.py rekey --check`` does that."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from fangkong.lib.crypto import Keyring, KeyringError


@register()
def keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    try:
        Keyring.parse(settings.ENCRYPTION_KEYS)
    except KeyringError as exc:
        errors.append(
            Error(
                f"FANGKONG_ENCRYPTION_KEYS: {exc}",
                hint="Write the keys as id:base64,id:base64 with 32-byte keys, current first.",
                id="fangkong.E001",
            )
        )
    try:
        index_key = base64.b64decode(settings.BLIND_INDEX_KEY, validate=True)
    except (binascii.Error, ValueError):
        index_key = b""
    if len(index_key) < 32:
        errors.append(
            Error(
                "FANGKONG_BLIND_INDEX_KEY must be at least 32 bytes, base64-encoded.",
                id="fangkong.E002",
            )
        )
    return errors
