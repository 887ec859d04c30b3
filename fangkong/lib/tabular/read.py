"""Reading an uploaded file into sheets of cell values.

CSV comes as UTF-8 (with or without the byte-order mark Excel writes) or, from Excel on a
Chinese Windows, as GBK (read as its superset GB18030); the delimiter is sniffed. An ``.xlsx``
workbook gives one sheet per visible worksheet. Merged cells hold their value in every cell
they cover, so a header like "入库信息" merged over three columns labels all three, and a
"物资名称" merged down two header rows is found in either.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from fangkong.lib.errors import CodedError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
XLSX_MAGIC = b"PK\x03\x04"


class FileError(CodedError):
    """The file as a whole cannot be read: ``file_type``, ``file_too_large``,
    ``file_unreadable``, ``file_encoding``, ``file_too_many_rows`` or ``file_empty``."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code, message or code)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: ``cells[i]`` is spreadsheet row ``i + 1``, every row as wide as the
    widest."""

    name: str
    cells: list[list[Any]]

    def row(self, number: int) -> list[Any]:
        """Spreadsheet row ``number`` (1-based)."""
        return self.cells[number - 1] if 0 < number <= len(self.cells) else []

    @property
    def width(self) -> int:
        return len(self.cells[0]) if self.cells else 0


def read_sheets(name: str, data: bytes, *, max_rows: int = MAX_ROWS) -> list[Sheet]:
    """The sheets of an uploaded file, by its name and content."""
    if len(data) > MAX_BYTES:
        raise FileError("file_too_large")
    lowered = name.lower()
    if lowered.endswith((".xls", ".et", ".wps")) and not data.startswith(XLSX_MAGIC):
        raise FileError("file_type", "old binary Excel format: save as .xlsx or CSV")
    if lowered.endswith((".xlsx", ".xlsm")) or data.startswith(XLSX_MAGIC):
        sheets = _xlsx_sheets(data, max_rows)
    else:
        sheets = [Sheet(name="CSV", cells=_csv_cells(data, max_rows))]
    sheets = [sheet for sheet in sheets if sheet.cells]
    if not sheets:
        raise FileError("file_empty")
    return sheets


def _rectangular(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows padded to one width, trailing empty rows and columns dropped."""
    while rows and all(cell in (None, "") for cell in rows[-1]):
        rows.pop()
    width = max((_used_width(row) for row in rows), default=0)
    if width > MAX_COLUMNS:
        raise FileError("file_too_many_columns")
    return [list(row[:width]) + [None] * (width - len(row)) for row in rows]


def _used_width(row: list[Any]) -> int:
    for index in range(len(row), 0, -1):
        if row[index - 1] not in (None, ""):
            return index
    return 0


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError("file_encoding")  # pragma: no cover - GB18030 decodes almost anything


def _csv_cells(data: bytes, max_rows: int) -> list[list[Any]]:
    if b"\x00" in data[:4096]:
        raise FileError("file_type", "binary data is not CSV")
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for row in csv.reader(io.StringIO(text), dialect):
        rows.append(list(row))
        if len(rows) > max_rows + 20:
            raise FileError("file_too_many_rows")
    return _rectangular(rows)


def _xlsx_sheets(data: bytes, max_rows: int) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        # Read-only: streamed, several times faster than a loaded workbook on a long list.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise FileError("file_unreadable") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _worksheet_parts(archive)
            return [
                _xlsx_sheet(sheet, archive, parts[sheet.title], max_rows)
                for sheet in book.worksheets
                if sheet.sheet_state == "visible"
            ]
    except FileError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet only shows as it is streamed
        raise FileError("file_unreadable") from None
    finally:
        book.close()


def _xlsx_sheet(sheet: Any, archive: zipfile.ZipFile, part: str, max_rows: int) -> Sheet:
    """The rows of a read-only worksheet, whose XML is ``part`` of the workbook's archive."""
    # The stored dimension may be wrong (some programs write "A1"): read every row there is.
    sheet.reset_dimensions()
    rows: list[list[Any]] = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(list(row))
        if len(rows) > max_rows + 20:
            raise FileError("file_too_many_rows")
    width = max((len(row) for row in rows), default=0)
    for min_col, min_row, max_col, max_row in _merged_ranges(archive, part):
        if min_row > len(rows) or min_col > width:
            continue
        cells = rows[min_row - 1]
        top_left = cells[min_col - 1] if min_col <= len(cells) else None
        for number in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[number - 1]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            row[min_col - 1 : max_col] = [top_left] * (max_col - min_col + 1)
    return Sheet(name=sheet.title, cells=_rectangular(rows))


# A merged range in a worksheet's XML: <mergeCell ref="A1:C1"/> (with or without a prefix).
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)\"")
_CHUNK = 1 << 20


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a worksheet, which openpyxl does not read in read-only mode:
    found in the sheet's XML (after its rows), streamed in chunks that overlap by more than
    one element, each range once."""
    from openpyxl.utils.cell import range_boundaries

    found: dict[int, bytes] = {}
    tail, offset = b"", 0
    with archive.open(part) as source:
        while chunk := source.read(_CHUNK):
            text = tail + chunk
            start = offset - len(tail)
            for match in _MERGE.finditer(text):
                found[start + match.start()] = match.group(1)
            offset += len(chunk)
            tail = text[-512:]
    boundaries = (range_boundaries(ref.decode()) for ref in found.values())
    return [(c1, r1, c2, r2) for c1, r1, c2, r2 in boundaries if None not in (c1, r1, c2, r2)]


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's part in the workbook's archive, by the sheet's name, found as openpyxl
    finds them: the package's relationships name the workbook, which lists its sheets."""
    from openpyxl.packaging.relationship import get_dependents
    from openpyxl.reader.workbook import WorkbookParser

    package = get_dependents(archive, "_rels/.rels")
    workbook = next(rel.target for rel in package if rel.Type.endswith("/officeDocument"))
    parser = WorkbookParser(archive, workbook)
    parser.parse()
    return {sheet.name: rel.target for sheet, rel in parser.find_sheets()}
