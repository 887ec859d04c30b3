from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.lib.phone import PhoneError, is_valid_phone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 13812345678",
        "8613812345678",
        "(+86) 138.1234.5678",
        "１３８１２３４５６７８",
        "＋８６　１３８１２３４５６７８",
    ],
)
def test_valid_spellings(text: str) -> None:
    assert normalize_phone(text) == "13812345678"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # no mobile numbers start with 12
        "23812345678",
        "+1 13812345678",
        "010-12345678",  # a landline
        "1381234567a",
        "86 1381234567",
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits
    ],
)
def test_invalid(text: str) -> None:
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone(text)
    assert excinfo.value.code == "phone_invalid"
    assert not is_valid_phone(text)


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86", "0086"]))
def test_normalization_is_idempotent(number: str, prefix: str) -> None:
    once = normalize_phone(prefix + " " + number[:3] + "-" + number[3:])
    assert once == number
    assert normalize_phone(once) == once


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("+44 7911 123456", "+447911123456"),
        ("+447911123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("＋４４ ７９１１ １２３４５６", "+447911123456"),
        ("+852 9123 4567", "+85291234567"),  # Hong Kong
        ("+886 912 345 678", "+886912345678"),  # Taiwan
        ("+1 (415) 555-2671", "+14155552671"),
        ("+7 912 345-67-89", "+79123456789"),
    ],
)
def test_foreign_numbers_become_e164_when_allowed(text: str, e164: str) -> None:
    assert normalize_phone(text, international=True) == e164
    assert normalize_phone(e164, international=True) == e164
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone(text)
    assert excinfo.value.code == "phone_invalid"


@pytest.mark.parametrize("text", ["13812345678", "+86 138 1234 5678", "0086 13812345678"])
def test_mainland_mobiles_stay_eleven_digits_when_foreign_numbers_are_allowed(text: str) -> None:
    assert normalize_phone(text, international=True) == "13812345678"


@pytest.mark.parametrize(
    "text",
    [
        "+44 123",  # too short for the UK
        "+86 10 6512 3456",  # a Beijing landline is not a mobile
        "+999 1234 5678",  # no such country code
        "447911123456",  # no + or 00: not a country code
        "+44 7911 12345a",
        "+" + "4" * 40,
        "",
    ],
)
def test_invalid_foreign_numbers(text: str) -> None:
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone(text, international=True)
    assert excinfo.value.code == "phone_international_invalid"


def test_masking_keeps_the_country_code_and_last_four() -> None:
    assert mask_phone("+447911123456") == "+44******3456"
