"""Finding the header row and guessing which column holds which field.

People label the same column many ways (物资名称, 品名, 名称 *, 名称（必填）, Item name); the
caller lists the synonyms of each field, best first, and the guess is only a proposal that a
person confirms or corrects before anything is imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fangkong.lib.tabular.cells import normalise_text, parse_text
from fangkong.lib.tabular.read import Sheet

# Marks of a required column and notes in brackets, which do not change what a column is.
_NOISE = re.compile(r"[（(][^）)]*[）)]|[*＊:：_\-—/\\.·、\s]")
HEADER_SCAN_ROWS = 12


@dataclass(frozen=True)
class Field:
    """A field the caller wants from each row.

    ``parse`` turns a non-empty cell into the value or raises ``CellError``; ``required``
    fields must have a column and, in every row, a value."""

    key: str
    synonyms: tuple[str, ...]
    parse: Callable[[Any], Any] = parse_text
    required: bool = False


@dataclass(frozen=True)
class Header:
    """Where the data starts: ``row`` is the (last) header row, 1-based; ``labels`` has one
    label per column, group and column label joined when the header has two rows."""

    row: int
    labels: list[str]


def label_key(text: Any) -> str:
    """A label reduced to what identifies it: NFKC, lowercase, no spaces, punctuation or
    bracketed notes."""
    folded = unicodedata.normalize("NFKC", normalise_text(text)).lower()
    return _NOISE.sub("", folded)


def _score(label: str, synonym: str) -> int:
    """How well a column label names a synonym: 4 exactly, 3 as its last part (the column
    under a group label), 2 at its end, 1 anywhere in it, 0 not at all. Earlier synonyms of a
    field win ties through :func:`guess_columns`' ordering."""
    parts = [label_key(part) for part in label.split(" ")]
    whole, synonym_key = label_key(label), label_key(synonym)
    if not synonym_key or not whole:
        return 0
    if whole == synonym_key:
        return 4
    if parts[-1] == synonym_key:
        return 3
    if whole.endswith(synonym_key):
        return 2
    return 1 if synonym_key in whole else 0


def guess_columns(labels: Sequence[str], fields: Sequence[Field]) -> dict[str, int | None]:
    """Each field's column index (or None), every column used at most once, best matches
    first."""
    return _guess(labels, fields)[0]


def _guess(labels: Sequence[str], fields: Sequence[Field]) -> tuple[dict[str, int | None], int]:
    candidates = []
    for field_order, field in enumerate(fields):
        for synonym_order, synonym in enumerate(field.synonyms):
            for column, label in enumerate(labels):
                score = _score(label, synonym)
                if score:
                    candidates.append((-score, synonym_order, field_order, column, field.key))
    mapping: dict[str, int | None] = {field.key: None for field in fields}
    taken: set[int] = set()
    total = 0
    for score, _synonym, _field, column, key in sorted(candidates):
        if mapping[key] is None and column not in taken:
            mapping[key] = column
            taken.add(column)
            total -= score
    return mapping, total


def _labels(sheet: Sheet, last_row: int, rows: int) -> list[str]:
    """Column labels from ``rows`` header rows ending at ``last_row``; a label repeated down
    the rows (a vertically merged cell) counts once."""
    labels = []
    for column in range(sheet.width):
        parts: list[str] = []
        for number in range(last_row - rows + 1, last_row + 1):
            text = parse_text(sheet.row(number)[column])
            if text and text not in parts:
                parts.append(text)
        labels.append(" ".join(parts))
    return labels


def find_header(sheet: Sheet, fields: Sequence[Field]) -> Header:
    """The header that names the most fields (then names them best), among one-row and
    two-row headers in the first rows; a tie goes to the earlier row, then to the single
    row."""
    best: tuple[int, int, int, int] | None = None
    best_header = Header(row=1, labels=_labels(sheet, 1, 1))
    for last_row in range(1, min(HEADER_SCAN_ROWS, len(sheet.cells)) + 1):
        for rows in (1, 2):
            if rows > last_row:
                continue
            labels = _labels(sheet, last_row, rows)
            mapping, total = _guess(labels, fields)
            found = sum(1 for column in mapping.values() if column is not None)
            rank = (found, total, -last_row, -rows)
            if found and (best is None or rank > best):
                best, best_header = rank, Header(row=last_row, labels=labels)
    return best_header
