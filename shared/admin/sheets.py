"""Rows of a CSV or XLSX file, as an office prepares them in a spreadsheet program.

- The first row holds the column headers; a column may be headed by its English key or by one of
  its Chinese names (see each loader's `COLUMNS`); headers are matched ignoring case and spaces.
- Row numbers are the spreadsheet's (the header is row 1), so an error report points at the row
  a person sees. Rows with no value at all are skipped.
- CSV: UTF-8 (with or without BOM); a file that is not UTF-8 is read as GB18030, which is what
  spreadsheet programs on Chinese systems save by default.
- XLSX: the first sheet unless one is named; cell values as shown (a code typed as a number,
  360702, reads as "360702").
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path


class SheetError(ValueError):
    """The file as a whole cannot be read (format, encoding, headers)."""


@dataclass(frozen=True)
class Row:
    number: int                # the spreadsheet row number (header = 1)
    values: dict[str, str]     # column key → stripped text ("" when blank)


def _normal(header: str) -> str:
    return "".join(str(header).split()).lower().lstrip("\ufeff")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):  # a date typed into a spreadsheet cell
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _raw_rows(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    if suffix in (".csv", ".txt"):
        if sheet:
            raise SheetError("--sheet applies to .xlsx files only")
        return _csv_rows(path)
    raise SheetError(f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv or .xlsx")


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise SheetError(f"{path.name}: neither UTF-8 nor GB18030 text") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetError(f"{path.name}: not a readable CSV file ({exc})") from None
    # A CSV record is a spreadsheet row, even when a quoted value spans lines.
    return [(i + 1, [_text(v) for v in record]) for i, record in enumerate(records)]


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SheetError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise SheetError(f"{path.name} has no sheet {sheet!r}; its sheets: {', '.join(book.sheetnames)}")
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        out = []
        for cells in ws.iter_rows():
            values = [_text(c.value) for c in cells]
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if number is None:
                number = (out[-1][0] + 1) if out else 1
            out.append((number, values))
        return out
    finally:
        book.close()


def read_rows(path: str | Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...] = (),
              sheet: str | None = None) -> tuple[list[Row], list[str]]:
    """The file's data rows keyed by column key, and the headers that matched no column.

    `columns` maps each key to the headers it accepts (the key itself is always accepted);
    a missing `required` column is a SheetError."""
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    raw = _raw_rows(path, sheet)
    while raw and not any(raw[0][1]):
        raw.pop(0)  # blank lines above the header
    if not raw:
        raise SheetError(f"{path.name} is empty: the first row must hold the column headers")
    header_number, headers = raw[0]
    accepted = {_normal(alias): key for key, aliases in columns.items() for alias in (key, *aliases)}
    positions: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(headers):
        if not header:
            continue
        key = accepted.get(_normal(header))
        if key is None:
            ignored.append(header)
        elif key in positions:
            raise SheetError(f"{path.name}: two columns mean {key!r} ({headers[positions[key]]!r} and {header!r})")
        else:
            positions[key] = i
    missing = [k for k in required if k not in positions]
    if missing:
        wanted = "; ".join(f"{k} (or {', '.join(columns[k])})" if columns[k] else k for k in missing)
        raise SheetError(f"{path.name}: row {header_number} has no column for {wanted}")
    rows = []
    for number, values in raw[1:]:
        if not any(values):
            continue
        rows.append(Row(number, {k: values[i] if i < len(values) else "" for k, i in positions.items()}))
    return rows, ignored
