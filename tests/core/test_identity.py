from __future__ import annotations

import base64
import os

import pytest
from django.db import connection

from fangkong.core.identity import blind_index_of
from fangkong.lib.crypto import Keyring, KeyringError
from fangkong.org.models import Staff
from tests.factories import StaffFactory


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_keyring_round_trip_and_rotation() -> None:
    old = Keyring.parse(f"k1:{_key()}")
    token = old.encrypt("620102199001011234")
    rotated = Keyring.parse(f"k2:{_key()},k1:{base64.b64encode(old.keys['k1']).decode()}")
    assert rotated.current == "k2"
    assert rotated.decrypt(token) == "620102199001011234"
    assert rotated.key_id_of(rotated.encrypt("x")) == "k2"


def test_ciphertexts_are_randomised_and_authenticated() -> None:
    ring = Keyring.parse(f"k1:{_key()}")
    a, b = ring.encrypt("13812345678"), ring.encrypt("13812345678")
    assert a != b
    tampered = a[:-4] + ("AAAA" if not a.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - cryptography raises InvalidTag
        ring.decrypt(tampered)


@pytest.mark.parametrize("spec", ["", "k1", f"k1:{base64.b64encode(b'short').decode()}", "k1:!!!"])
def test_bad_keyrings_are_refused(spec: str) -> None:
    with pytest.raises(KeyringError):
        Keyring.parse(spec)


@pytest.mark.django_db
def test_phone_is_stored_encrypted_with_a_blind_index() -> None:
    staff = StaffFactory(phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_index FROM org_staff WHERE id = %s", [staff.pk])
        stored, index = cursor.fetchone()
    assert "13912345678" not in stored
    assert index == blind_index_of("phone", "13912345678")
    assert Staff.objects.get(phone_index=index).phone == "13912345678"
    assert Staff.objects.get(pk=staff.pk).phone_masked == "139****5678"


@pytest.mark.django_db
def test_encrypted_field_refuses_meaningless_lookups() -> None:
    with pytest.raises(Exception):  # noqa: B017 - FieldError: unsupported lookup
        list(Staff.objects.filter(phone="13912345678"))
