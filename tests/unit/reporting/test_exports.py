"""The xlsx export, written row by row: headers and the total line bold, the header frozen, each
column's number format on every value."""
import io
from decimal import Decimal
from fractions import Fraction

from openpyxl import load_workbook

from services.reporting.exports import to_xlsx
from services.reporting.queries.tables import Column, Table

COLUMNS = [Column("key", "编号", "text"), Column("name", "名称", "text"), Column("n", "次数"),
           Column("share", "比例", "rate"), Column("yuan", "资金(元)", "yuan"), Column("ok", "达标", "flag"),
           Column("tags", "标记", "list")]
ROWS = [{"key": "a", "name": "甲", "n": 3, "share": Fraction(1, 4), "yuan": Decimal("12.50"), "ok": True,
         "tags": ["x", "y"]},
        {"key": "b", "name": None, "n": None, "share": None, "yuan": Decimal("0.00"), "ok": False, "tags": []}]


def test_xlsx_cells_formats_and_fonts():
    table = Table("t", "一个标题" * 10, COLUMNS, ROWS, {"n": 3, "share": Fraction(1, 8), "yuan": Decimal("12.50")})
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet.title == ("一个标题" * 10)[:31] and sheet.freeze_panes == "A2"
    assert list(sheet.values) == [
        ("编号", "名称", "次数", "比例", "资金(元)", "达标", "标记"),
        ("a", "甲", 3, 0.25, 12.5, "是", "x、y"),
        ("b", None, None, None, 0, "否", None),
        ("合计", None, 3, 0.125, 12.5, None, None),
    ]
    assert [c.font.b for c in sheet[1]] == [True] * 7 and [c.font.b for c in sheet[4]] == [True] * 7
    assert not any(c.font.b for c in sheet[2])
    assert [c.number_format for c in sheet[2]] == ["General", "General", "General", "0.00%", "#,##0.00", "General",
                                                   "General"]
    assert sheet["D4"].number_format == "0.00%" and sheet["D1"].number_format == "General"


def test_xlsx_without_a_total_line():
    sheet = load_workbook(io.BytesIO(to_xlsx(Table("t", "表", COLUMNS, ROWS[:1])))).active
    assert sheet.max_row == 2 and not any(c.font.b for c in sheet[2])
