from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.lib.mask import mask_id_number, mask_middle, mask_name, mask_phone


def test_examples() -> None:
    assert mask_id_number("620102199001011234") == "620102********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("张") == "*"
    assert mask_name("") == ""


@pytest.mark.parametrize("short", ["", "1", "1234", "1234567890"])
def test_too_short_to_have_a_middle_is_masked_completely(short: str) -> None:
    assert mask_id_number(short) == "*" * len(short)


def _revealed(original: str, masked: str) -> int:
    assert len(masked) == len(original)
    for original_char, masked_char in zip(original, masked, strict=True):
        assert masked_char in (original_char, "*")
    return sum(1 for char in masked if char != "*")


@given(st.text(alphabet="0123456789X", max_size=30))
def test_id_mask_reveals_at_most_ten_characters(value: str) -> None:
    masked = mask_id_number(value)
    assert _revealed(value, masked) <= 10
    if len(value) >= 11:
        assert masked[6:-4] == "*" * (len(value) - 10)


@given(st.text(alphabet="0123456789", max_size=20))
def test_phone_mask_reveals_at_most_seven_digits(value: str) -> None:
    assert _revealed(value, mask_phone(value)) <= 7


@given(st.text(alphabet=st.characters(exclude_characters="*"), max_size=12))
def test_name_mask_hides_all_but_two_characters(value: str) -> None:
    masked = mask_name(value)
    assert _revealed(value, masked) <= min(2, max(0, len(value) - 1))


@given(st.text(max_size=20), st.integers(0, 5), st.integers(0, 5))
def test_mask_middle_keeps_length(value: str, head: int, tail: int) -> None:
    assert len(mask_middle(value, head, tail)) == len(value)
