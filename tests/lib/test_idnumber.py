from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.lib.divisions import division_get
from fangkong.lib.idnumber import (
    IdNumberError,
    birth_date_and_sex,
    checked_number,
    checksum_char,
    is_valid,
    normalize,
    validate,
)

TODAY = date(2024, 6, 1)
# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"
ZHANGYE = "620702199001011236"  # 甘州区, 1990-01-01, male.

body_digits = st.text(alphabet="0123456789", min_size=17, max_size=17)


@pytest.fixture(autouse=True, scope="module")
def _division_table_loaded() -> None:
    # Load the table once up front so its first read does not count against the time
    # Hypothesis allows each example.
    division_get("110000")


def with_check(body: str) -> str:
    return body + checksum_char(body)


def test_standard_example() -> None:
    result = validate(STANDARD_EXAMPLE, today=TODAY)
    assert result.number == STANDARD_EXAMPLE
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "F"
    assert result.address_code == "110105"
    assert result.warnings == []


def test_zhangye_number_and_age() -> None:
    result = validate(ZHANGYE, today=TODAY)
    assert (result.sex, result.address_code) == ("M", "620702")
    assert result.age_on(date(2024, 1, 1)) == 34
    assert result.age_on(date(2023, 12, 31)) == 33


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002x",  # lower-case x
        " 110105 19491231 002X ",  # spaces
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width
        "110105\u300019491231002x",  # ideographic space
    ],
)
def test_normalized_input_is_accepted(text: str) -> None:
    assert validate(text, today=TODAY).number == STANDARD_EXAMPLE
    assert checked_number(text, today=TODAY) == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "id_length"),
        ("11010519491231002", "id_length"),
        ("11010519491231002X1", "id_length"),
        ("110105194912310X2X", "id_format"),
        ("11010519491231002Y", "id_format"),
        ("110105194912310021", "id_checksum"),
        ("620702199001011237", "id_checksum"),
        # The standard's second example is valid but born in 1880, before our cut-off.
        ("440524188001010014", "id_birth_date"),
        (with_check("62070219900230123"), "id_birth_date"),  # 30 February
        (with_check("62070219901301123"), "id_birth_date"),  # month 13
        (with_check("62070220240602123"), "id_birth_date"),  # tomorrow
    ],
)
def test_invalid_numbers(text: str, code: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        validate(text, today=TODAY)
    assert excinfo.value.code == code
    with pytest.raises(IdNumberError) as checked:
        checked_number(text, today=TODAY)
    assert checked.value.code == code
    assert code in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)
    assert not is_valid(text, today=TODAY)


def test_birth_date_today_is_valid() -> None:
    assert validate(with_check("62070220240601123"), today=TODAY).birth_date == TODAY


def test_default_today_is_used() -> None:
    assert validate(ZHANGYE).birth_date == date(1990, 1, 1)


@pytest.mark.parametrize("code", ["810000", "820000", "830000"])
def test_residence_permits_are_valid(code: str) -> None:
    result = validate(with_check(code + "19900101001"), today=TODAY)
    assert result.address_code == code
    assert result.warnings == []


def test_historical_address_code_is_known() -> None:
    # 622221 张掖县 was abolished in 1985, but people born there keep the code for life.
    assert validate(with_check("62222119800101001"), today=TODAY).warnings == []


def test_unknown_region_is_a_warning_not_an_error() -> None:
    result = validate(with_check("99999919900101001"), today=TODAY)
    assert result.warnings == ["id_unknown_region"]


@pytest.mark.parametrize("bad", ["1234", "1101051949123100X", "１１０１０５１９４９１２３１００２"])
def test_checksum_char_needs_17_ascii_digits(bad: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        checksum_char(bad)
    assert excinfo.value.code == "id_format"


def _all_single_errors(number: str) -> list[str]:
    """Every single substitution and adjacent transposition within the 17 body digits."""
    variants = []
    for i in range(17):
        for digit in "0123456789":
            if digit != number[i]:
                variants.append(number[:i] + digit + number[i + 1 :])
        if i < 16 and number[i] != number[i + 1]:
            variants.append(number[:i] + number[i + 1] + number[i] + number[i + 2 :])
    return variants


@pytest.mark.parametrize("number", [STANDARD_EXAMPLE, ZHANGYE, "620722198506150021"])
def test_checksum_catches_every_single_error_exhaustively(number: str) -> None:
    variants = _all_single_errors(number)
    assert len(variants) >= 17 * 9
    assert all(checksum_char(v[:17]) != v[17] for v in variants)


@settings(max_examples=200)
@given(body=body_digits)
def test_checksum_catches_every_single_error(body: str) -> None:
    number = with_check(body)
    assert all(checksum_char(v[:17]) != v[17] for v in _all_single_errors(number))


@given(st.text(alphabet="0123456789xX \u3000０１２３４５６７８９ｘ", max_size=24))
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(body=body_digits)
def test_validate_never_raises_anything_but_id_errors(body: str) -> None:
    try:
        result = validate(with_check(body), today=TODAY)
    except IdNumberError as error:
        assert error.code == "id_birth_date"
    else:
        assert result.number == with_check(body)


@given(
    address=st.text(alphabet="0123456789", min_size=6, max_size=6),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_birth_date_and_sex_agree_with_validate(address: str, born: date, sequence: int) -> None:
    result = validate(with_check(f"{address}{born:%Y%m%d}{sequence:03d}"), today=TODAY)
    assert result.birth_date == born
    assert birth_date_and_sex(result.number) == (born, result.sex)
