from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.lib.plate import (
    NEW_ENERGY_LETTERS,
    OFFICE_LETTERS,
    PROVINCES,
    SERIAL_CHARS,
    SUFFIX_KINDS,
    Plate,
    PlateError,
    clean_plate_text,
    format_plate,
    is_valid_plate,
    normalize_plate,
    parse_plate,
)


@pytest.mark.parametrize(
    "text",
    [
        "甘G·12345",
        "甘ｇ１２３４５",
        "甘 G 12345",
        "甘g-12345",
        "甘G•12345",
        "甘G.12345",
        "甘G12345",
    ],
)
def test_common_spellings_normalize_to_one_form(text: str) -> None:
    assert normalize_plate(text) == "甘G12345"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甘G12345", Plate("甘", "G", "12345")),
        ("京A·B12C3", Plate("京", "A", "B12C3")),
        ("粤B·D12345", Plate("粤", "B", "D12345", new_energy=True, kind_hint="small_new_energy")),
        ("沪A·FA1234", Plate("沪", "A", "FA1234", new_energy=True, kind_hint="small_new_energy")),
        ("甘G·12345D", Plate("甘", "G", "12345D", new_energy=True, kind_hint="large_new_energy")),
        ("甘G·1234挂", Plate("甘", "G", "1234", "挂", kind_hint="trailer")),
        ("甘G·1234学", Plate("甘", "G", "1234", "学", kind_hint="coach")),
        ("甘G·1234警", Plate("甘", "G", "1234", "警", kind_hint="police")),
        ("粤Z·1234港", Plate("粤", "Z", "1234", "港", kind_hint="hong_kong")),
        ("粤Z·A123澳", Plate("粤", "Z", "A123", "澳", kind_hint="macau")),
        ("沪A·1234领", Plate("沪", "A", "1234", "领", kind_hint="consulate")),
        ("甘A·1234试", Plate("甘", "A", "1234", "试", kind_hint="test")),
        ("甘A·1234超", Plate("甘", "A", "1234", "超", kind_hint="oversize")),
        ("使224001", Plate("使", "", "224001", kind_hint="embassy")),
        ("滬A12345", Plate("沪", "A", "12345")),  # traditional province character
        ("甘G1234掛", Plate("甘", "G", "1234", "挂", kind_hint="trailer")),
    ],
)
def test_parse(text: str, expected: Plate) -> None:
    assert parse_plate(text) == expected


@pytest.mark.parametrize(
    ("plate", "display"),
    [
        (Plate("甘", "G", "12345"), "甘G·12345"),
        (Plate("甘", "G", "1234", "警", kind_hint="police"), "甘G·1234警"),
        (Plate("粤", "B", "D12345", new_energy=True), "粤B·D12345"),
        (Plate("使", "", "224001", kind_hint="embassy"), "使224001"),
    ],
)
def test_format_plate(plate: Plate, display: str) -> None:
    assert format_plate(plate) == display


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("甘G1234", "plate_length"),
        ("甘G1234567", "plate_length"),
        ("", "plate_length"),
        ("台A12345", "plate_province"),
        ("领A12345", "plate_province"),  # 领 is a suffix, never in first place
        ("AA12345", "plate_unsupported"),  # military-style
        ("WJ甘12345", "plate_unsupported"),
        ("WJ0112345", "plate_unsupported"),
        ("甘112345", "plate_office"),
        ("甘G1234O", "plate_serial"),  # O is not used in serials
        ("甘GI2345", "plate_serial"),
        ("甘G123挂4", "plate_serial"),
        ("甘GX12345", "plate_serial"),  # X is not a new-energy letter
        ("甘GD1234A", "plate_serial"),
        ("甘G1234警5", "plate_serial"),
        ("使22400A", "plate_serial"),
        ("使2240011", "plate_serial"),
    ],
)
def test_invalid_plates(text: str, code: str) -> None:
    with pytest.raises(PlateError) as excinfo:
        parse_plate(text)
    assert excinfo.value.code == code
    assert not is_valid_plate(text)


serial_char = st.sampled_from(SERIAL_CHARS)
digit = st.sampled_from("0123456789")


@st.composite
def plates(draw: st.DrawFn) -> Plate:
    province = draw(st.sampled_from(PROVINCES))
    office = draw(st.sampled_from(OFFICE_LETTERS))
    kind = draw(st.sampled_from(["ordinary", "small", "large", "suffix"]))
    if kind == "ordinary":
        return Plate(province, office, "".join(draw(st.lists(serial_char, min_size=5, max_size=5))))
    if kind == "small":
        tail = "".join(draw(st.lists(digit, min_size=4, max_size=4)))
        serial = draw(st.sampled_from(NEW_ENERGY_LETTERS)) + draw(serial_char) + tail
        return Plate(province, office, serial, new_energy=True, kind_hint="small_new_energy")
    if kind == "large":
        head = "".join(draw(st.lists(digit, min_size=5, max_size=5)))
        serial = head + draw(st.sampled_from(NEW_ENERGY_LETTERS))
        return Plate(province, office, serial, new_energy=True, kind_hint="large_new_energy")
    suffix = draw(st.sampled_from(sorted(SUFFIX_KINDS)))
    serial = "".join(draw(st.lists(serial_char, min_size=4, max_size=4)))
    return Plate(province, office, serial, suffix, kind_hint=SUFFIX_KINDS[suffix])


@given(plates())
def test_round_trip(plate: Plate) -> None:
    assert parse_plate(format_plate(plate)) == plate
    assert parse_plate(normalize_plate(format_plate(plate))) == plate
    assert normalize_plate(format_plate(plate)) == plate.canonical


@given(plates(), st.sampled_from([" ", "·", "-", "\u3000"]))
def test_separators_and_case_do_not_matter(plate: Plate, separator: str) -> None:
    spaced = separator.join(plate.canonical).lower()
    assert parse_plate(spaced) == plate


@given(st.text(alphabet=PROVINCES[:5] + "ABCGIO0123456789挂警·•.- ｇ１", max_size=10))
def test_normalization_is_idempotent(text: str) -> None:
    cleaned = clean_plate_text(text)
    assert clean_plate_text(cleaned) == cleaned
    if is_valid_plate(text):
        assert normalize_plate(normalize_plate(text)) == normalize_plate(text)
