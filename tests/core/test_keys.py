"""Keys: ciphertexts bound to their table and column, the first format still read, ``rekey``
that re-encrypts resumably under the current key, and a missing key that never breaks a page."""

from __future__ import annotations

import base64
import os
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from fangkong.core.identity import EncryptedTextField, blind_index_of, keyring
from fangkong.core.models import AuditLog
from fangkong.core.rekey import EncryptedTable, Tally, encrypted_tables, rekey_batch, rekey_table
from fangkong.lib.crypto import (
    AAD_PREFIX,
    NONCE_BYTES,
    Keyring,
    KeyringError,
    MissingKeyError,
    UndecryptableError,
    Unreadable,
)
from fangkong.org.models import Staff
from fangkong.registration.models import Person
from tests.conftest import login
from tests.factories import StaffFactory

K1 = base64.b64encode(os.urandom(32)).decode()
K2 = base64.b64encode(os.urandom(32)).decode()
MISSING_ZH = "无法解密（缺少密钥 k1）"


def legacy_token(key_b64: str, key_id: str, clear: str) -> str:
    """A token of the first format: ``id:base64``, without associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(base64.b64decode(key_b64)).encrypt(nonce, clear.encode(), b"")
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def store(table: str, column: str, pk: int, token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [token, pk])  # noqa: S608


# --- the keyring -----------------------------------------------------------------------------


def test_tokens_are_versioned_and_bound_to_their_context() -> None:
    ring = Keyring.parse(f"k1:{K1}")
    token = ring.encrypt("13812345678", context=b"org_staff.phone")
    assert token.startswith("v2$k1$") and ring.is_current(token)
    assert ring.decrypt(token, context=b"org_staff.phone") == "13812345678"
    with pytest.raises(UndecryptableError):
        ring.decrypt(token, context=b"registration_person.phone")
    with pytest.raises(UndecryptableError):
        ring.decrypt(token)


def test_an_encrypter_writes_the_tokens_encrypt_writes() -> None:
    ring = Keyring.parse(f"k2:{K2},k1:{K1}")
    seal = ring.encrypter(context=b"org_staff.phone")
    first, second = seal("13812345678"), seal("13812345678")
    assert first != second  # a fresh nonce each time
    for token in (first, second):
        assert token.startswith("v2$k2$") and ring.is_current(token)
        assert ring.decrypt(token, context=b"org_staff.phone") == "13812345678"
        with pytest.raises(UndecryptableError):
            ring.decrypt(token, context=b"registration_person.phone")


def test_first_format_tokens_are_still_read_but_not_current() -> None:
    ring = Keyring.parse(f"k1:{K1}")
    token = legacy_token(K1, "k1", "620102199001011234")
    assert ring.decrypt(token, context=b"anything") == "620102199001011234"
    assert ring.key_id_of(token) == "k1" and not ring.is_current(token)


def test_a_missing_key_is_named() -> None:
    token = Keyring.parse(f"k1:{K1}").encrypt("x")
    with pytest.raises(MissingKeyError) as caught:
        Keyring.parse(f"k2:{K2}").decrypt(token)
    assert caught.value.key_id == "k1"


@pytest.mark.parametrize(
    "spec", [f"k$1:{K1}", f"k1:{K1},k1:{K2}", f"a b:{K1}"], ids=["dollar", "twice", "space"]
)
def test_key_ids_must_be_plain_and_unique(spec: str) -> None:
    with pytest.raises(KeyringError):
        Keyring.parse(spec)


def test_the_associated_data_is_namespaced() -> None:
    # A context of ours never equals associated data another scheme might use with the key.
    assert AAD_PREFIX.startswith(b"fangkong/v2")


# --- the field -------------------------------------------------------------------------------


@pytest.fixture
def one_key(settings) -> Any:
    settings.ENCRYPTION_KEYS = f"k1:{K1}"
    return settings


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_column_or_table_does_not_decrypt(one_key) -> None:
    staff = StaffFactory(phone="13912345678")
    person = Person.objects.create(
        doc_type="resident_id", doc_number="620102199001011234", verified_phone="13700001111"
    )
    token = stored("org_staff", "phone", staff.pk)
    assert token.startswith("v2$k1$")
    store("registration_person", "verified_phone", person.pk, token)  # another table
    store(
        "registration_person",
        "doc_number",
        person.pk,
        stored("registration_person", "verified_phone", person.pk),
    )
    moved = Person.objects.get(pk=person.pk)
    for value in (moved.verified_phone, moved.doc_number):
        assert isinstance(value, Unreadable) and value.reason == "undecryptable"
        assert "13912345678" not in value
    assert Staff.objects.get(pk=staff.pk).phone == "13912345678"


@pytest.mark.django_db
def test_saving_a_row_keeps_what_it_cannot_read(one_key, settings) -> None:
    staff = StaffFactory(phone="13912345678", name="王五")
    token = stored("org_staff", "phone", staff.pk)
    settings.ENCRYPTION_KEYS = f"k2:{K2}"
    with translation.override("zh-hans"):
        loaded = Staff.objects.get(pk=staff.pk)
    assert loaded.phone == MISSING_ZH and loaded.phone_masked == MISSING_ZH
    loaded.name = "王六"
    loaded.save()
    assert stored("org_staff", "phone", staff.pk) == token
    assert stored("org_staff", "phone_index", staff.pk) == blind_index_of("phone", "13912345678")


# --- a missing key on pages and in the API -----------------------------------------------------


@pytest.mark.django_db
def test_pages_and_the_api_show_a_missing_key_instead_of_failing(
    one_key, settings, tree, brigade_officer
) -> None:
    StaffFactory(unit=tree.ganzhou, phone="13912345678", name="赵民警")
    settings.ENCRYPTION_KEYS = f"k2:{K2}"
    client = login(brigade_officer)
    with translation.override("zh-hans"):
        staff_api = client.get(
            f"/api/v1/staff?unit={tree.ganzhou.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        unit_page = client.get(f"/org/units/{tree.ganzhou.pk}/")
    assert staff_api.status_code == 200
    phones = {row["name"]: row["phone_masked"] for row in staff_api.json()}
    assert phones["赵民警"] == MISSING_ZH
    assert unit_page.status_code == 200 and MISSING_ZH in unit_page.content.decode()


# --- rekey -----------------------------------------------------------------------------------


def _person_table() -> EncryptedTable:
    return next(t for t in encrypted_tables() if t.model is Person)


def test_every_encrypted_column_is_found() -> None:
    found = {(t.label, f.name) for t in encrypted_tables() for f in t.fields}
    assert {
        ("registration.Person", "doc_number"),
        ("registration.Person", "verified_phone"),
        ("registration.Registration", "phone"),
        ("screening.Check", "phone"),
        ("org.Staff", "phone"),
        ("passes.VehiclePass", "contact_phone"),
    } <= found
    assert all(isinstance(f, EncryptedTextField) for t in encrypted_tables() for f in t.fields)


INDEX = "verified_phone_index"


def _legacy_people(n: int) -> list[Person]:
    people = []
    for i in range(n):
        person = Person.objects.create(
            doc_type="passport", doc_number=f"E{i:07d}", verified_phone=f"139{i:08d}"
        )
        store("registration_person", "doc_number", person.pk, legacy_token(K1, "k1", f"E{i:07d}"))
        store(
            "registration_person",
            "verified_phone",
            person.pk,
            legacy_token(K1, "k1", f"139{i:08d}"),
        )
        people.append(person)
    return people


@pytest.mark.django_db
def test_rekey_moves_everything_to_the_new_key_and_can_be_interrupted(settings) -> None:
    settings.ENCRYPTION_KEYS = f"k1:{K1}"
    people = _legacy_people(5)
    indexes = list(Person.objects.order_by("pk").values_list("doc_index", INDEX))
    settings.ENCRYPTION_KEYS = f"k2:{K2},k1:{K1}"

    class Interrupted(Exception):
        pass

    def stop_after_first_batch(rows: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        rekey_table(_person_table(), batch_size=2, progress=stop_after_first_batch)
    first_two = [stored("registration_person", "verified_phone", p.pk) for p in people[:2]]
    assert all(t.startswith("v2$k2$") for t in first_two)

    tally = rekey_table(_person_table(), batch_size=2)
    # Empty columns (no verified name) count as current.
    assert (tally.rows, tally.rekeyed, tally.current) == (5, 6, 9)
    assert rekey_table(_person_table(), batch_size=2).rekeyed == 0
    # Nothing else in the rows changed; the old key can go.
    assert (
        list(Person.objects.order_by("pk").values_list("doc_index", "verified_phone_index"))
        == indexes
    )
    settings.ENCRYPTION_KEYS = f"k2:{K2}"
    assert [p.verified_phone for p in Person.objects.order_by("pk")] == [
        f"139{i:08d}" for i in range(5)
    ]


@pytest.mark.django_db
def test_rekey_does_not_overwrite_a_value_saved_meanwhile(settings) -> None:
    settings.ENCRYPTION_KEYS = f"k1:{K1}"
    (person,) = _legacy_people(1)
    old = stored("registration_person", "verified_phone", person.pk)
    settings.ENCRYPTION_KEYS = f"k2:{K2},k1:{K1}"
    doc = stored("registration_person", "doc_number", person.pk)
    # The application saves a new phone between rekey's read of the row and its write.
    Person.objects.filter(pk=person.pk).update(verified_phone="13600000000")
    tally = Tally()
    # The row as read: pk, then the document, the (empty) verified name and the phone.
    rekey_batch(keyring(), _person_table(), [(person.pk, doc, "", old)], tally)
    assert (tally.rekeyed, tally.changed_meanwhile) == (1, 1)
    assert Person.objects.get(pk=person.pk).verified_phone == "13600000000"
    assert stored("registration_person", "doc_number", person.pk).startswith("v2$k2$")


@pytest.mark.django_db
def test_the_command_reports_counts_and_audits(settings) -> None:
    settings.ENCRYPTION_KEYS = f"k1:{K1}"
    _legacy_people(3)
    StaffFactory(phone="13912345678")
    settings.ENCRYPTION_KEYS = f"k2:{K2},k1:{K1}"
    out = StringIO()
    with translation.override("en"):
        call_command("rekey", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "Re-encrypting under key k2." in text
    assert "registration.Person: 3 rows; 6 values re-encrypted, 3 already current" in text
    assert "org.Staff: 1 rows; 1 values re-encrypted" in text
    assert "[##############################] 3/3 100%" in text
    assert AuditLog.objects.get(action="keys.rekey").extra["registration.Person"]["rekeyed"] == 6


@pytest.mark.django_db
def test_check_lists_the_keys_in_use_and_those_missing(settings) -> None:
    settings.ENCRYPTION_KEYS = f"k1:{K1}"
    _legacy_people(2)
    StaffFactory(phone="13912345678")
    settings.ENCRYPTION_KEYS = f"k2:{K2}"
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("rekey", "--check", stdout=out)
    assert failure.value.returncode == 1
    assert str(failure.value) == "Keys in use but missing from FANGKONG_ENCRYPTION_KEYS: k1."
    text = out.getvalue()
    assert "registration.Person.verified_phone: k1 (v1) 2" in text
    assert "org.Staff.phone: k1 (v2) 1" in text
    assert "Keys in use: k1; configured: k2; current: k2." in text
    # rekey itself leaves what it cannot read, and says so.
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("rekey", stdout=StringIO())
    assert failure.value.returncode == 1 and "k1" in str(failure.value)
    assert stored("org_staff", "phone", Staff.objects.get().pk).startswith("v2$k1$")


@pytest.mark.django_db
def test_check_passes_when_every_key_is_there(settings) -> None:
    settings.ENCRYPTION_KEYS = f"k1:{K1}"
    StaffFactory(phone="13912345678")
    out = StringIO()
    with translation.override("en"):
        call_command("rekey", "--check", stdout=out)
    assert "No key in use is missing." in out.getvalue()
    assert "Values not yet under the current key and format: 0." in out.getvalue()


@pytest.mark.django_db
def test_pass_pages_and_pdfs_show_a_missing_key(one_key, settings, tree, brigade_officer) -> None:
    from django.test import Client

    from fangkong.passes.choices import PassDecision
    from fangkong.passes.services import (
        DriverData,
        vehicle_pass_apply,
        vehicle_pass_decide,
    )
    from fangkong.registration import services as registration_services
    from tests.factories import SiteFactory, pass_application
    from tests.registration.conftest import id_number, road_data

    site = SiteFactory(unit=tree.ganzhou, kind="checkpoint")
    token = registration_services.registration_create(
        site=site, kind="road", submission_key="missing-key", data=road_data(1)
    ).pass_token
    application = pass_application(
        unit=tree.ganzhou,
        drivers=(DriverData("李师傅", "resident_id", id_number(7), "13900002222"),),
    )
    vehicle_pass = vehicle_pass_decide(
        decision=PassDecision.APPROVE,
        actor=brigade_officer,
        vehicle_pass=vehicle_pass_apply(application=application, submission_key="k" * 24)[0],
    )
    settings.ENCRYPTION_KEYS = f"k2:{K2}"
    staff = login(brigade_officer)
    answers = {
        "registration pass": Client().get(f"/r/pass/{token}/"),
        "vehicle pass page": staff.get(f"/passes/{vehicle_pass.pk}/"),
        "vehicle pass status": Client().get(f"/passes/status/{vehicle_pass.token}/"),
        "vehicle pass api": staff.get(f"/api/v1/passes/{vehicle_pass.pk}"),
        "vehicle pass pdf": staff.post(f"/passes/{vehicle_pass.pk}/pass.pdf", {"reason": "核对"}),
    }
    for what, answer in answers.items():
        assert answer.status_code == 200, what
    assert MISSING_ZH in answers["registration pass"].content.decode()
    assert MISSING_ZH in answers["vehicle pass page"].content.decode()
    assert answers["vehicle pass api"].json()["contact_phone_masked"] == MISSING_ZH


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("ENCRYPTION_KEYS", "k1:short", "fangkong.E001"),
        ("ENCRYPTION_KEYS", f"k1:{K1},k1:{K2}", "fangkong.E001"),
        ("BLIND_INDEX_KEY", "not base64!", "fangkong.E002"),
    ],
    ids=["short", "twice", "not-base64"],
)
def test_the_system_check_names_bad_keys(settings, name: str, value: str, check_id: str) -> None:
    from fangkong.core.checks import keys_check

    assert keys_check() == []
    setattr(settings, name, value)
    assert [e.id for e in keys_check()] == [check_id]


def test_masking_shows_an_unreadable_value_as_its_message() -> None:
    from fangkong.lib.mask import mask_id_number, mask_name, mask_phone

    value = Unreadable(MISSING_ZH, token="k1:xx", key_id="k1", reason="missing_key")
    assert mask_phone(value) == mask_id_number(value) == mask_name(value) == MISSING_ZH
