"""Tables as files an office can hand on: Excel (.xlsx) and CSV.

Headers are the Chinese column titles; numbers stay numbers (shares as percentages, yuan with two
places); CSV is UTF-8 with a byte-order mark, without which Excel shows Chinese as mojibake.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.reporting.queries.tables import Column, Table

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
NUMBER_FORMATS = {"rate": "0.00%", "score": "0.00", "days": "0.0", "yuan": "#,##0.00"}
TOTAL = "合计"


def cell(value, column: Column, for_csv: bool = False):
    """One value as a spreadsheet cell: numbers as numbers, flags as 是/否, lists joined."""
    if value is None:
        return None
    if column.kind == "flag":
        return "是" if value else "否"
    if column.kind == "list":
        return "、".join(map(str, value))
    if isinstance(value, Fraction):
        return round(float(value), 6) if for_csv else float(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}" if for_csv else value
    return value


def lines(table: Table, for_csv: bool = False) -> list[list]:
    out = [[cell(row.get(c.key), c, for_csv) for c in table.columns] for row in table.rows]
    if table.total:
        total = [cell(table.total.get(c.key), c, for_csv) for c in table.columns]
        total[0] = TOTAL
        if len(total) > 1 and table.columns[1].kind == "text":
            total[1] = None
        out.append(total)
    return out


def to_xlsx(table: Table) -> bytes:
    """The workbook written row by row (openpyxl's write-only mode): a sheet held as cell objects
    would take several hundred bytes a cell, hundreds of MB for a table of every organ."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([styled(sheet, c.title, font=bold) for c in table.columns])
    formats = [NUMBER_FORMATS.get(c.kind) for c in table.columns]
    out = lines(table)
    for index, line in enumerate(out):
        font = bold if table.total and index == len(out) - 1 else None
        sheet.append([styled(sheet, value, number_format, font) for value, number_format in zip(line, formats)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def styled(sheet, value, number_format: str | None = None, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    return cell


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title for c in table.columns])
    writer.writerows(lines(table, for_csv=True))
    return out.getvalue().encode("utf-8-sig")


def render(table: Table, fmt: str) -> bytes:
    return to_xlsx(table) if fmt == "xlsx" else to_csv(table)
