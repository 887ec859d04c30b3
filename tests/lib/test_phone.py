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
