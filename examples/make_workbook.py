"""Write examples/jiangmen-2024.xlsx from examples/jiangmen-2024.csv, as an official's workbook would hold it:
an instructions sheet, then the figures under a title row, with percentages formatted as percentages
(0.235 shown as 23.5%) and month periods as date cells formatted yyyy-mm. Run it after changing the CSV:

    python examples/make_workbook.py
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import xlsxwriter

from tcmcheck.periods import parse_period
from tcmcheck.spec import load_builtin

HERE = Path(__file__).resolve().parent


def main() -> None:
    plan = load_builtin("jiangmen")
    units = {indicator.id: indicator.unit for indicator in plan.indicators}
    with (HERE / "jiangmen-2024.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    book = xlsxwriter.Workbook(str(HERE / "jiangmen-2024.xlsx"))
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    percent = book.add_format({"num_format": "0.0%"})
    month = book.add_format({"num_format": "yyyy-mm"})
    notes = book.add_worksheet("填报说明")
    notes.write(0, 0, "江门市中医药指标填报说明", title)
    notes.write(1, 0, "“数据”表每行填一个指标一个期间的数值；百分比按单元格格式填写（如23.5%），月份填日期并设为“年-月”格式。")
    sheet = book.add_worksheet("数据")
    sheet.write(0, 0, "江门市中医药指标填报表（2024年）", title)
    sheet.write_row(2, 0, ("指标", "期间", "数值", "备注"), bold)
    for number, row in enumerate(rows, start=3):
        sheet.write_string(number, 0, row["indicator"])
        period = parse_period(row["period"])
        if row["period"].isdigit():
            sheet.write_number(number, 1, int(row["period"]))
        elif period.label == f"{period.end.year}-{period.end.month:02d}":
            sheet.write_datetime(number, 1, datetime(period.end.year, period.end.month, 1), month)
        else:
            sheet.write_string(number, 1, row["period"])
        value = row["value"]
        try:
            figure = float(value.replace(",", "").removesuffix("%"))
        except ValueError:
            sheet.write_string(number, 2, value)
        else:
            if units[row["indicator"]] == "percent":
                sheet.write_number(number, 2, figure / 100, percent)
            else:
                sheet.write_number(number, 2, figure)
        if row["note"]:
            sheet.write_string(number, 3, row["note"])
    sheet.set_column(0, 0, 44)
    sheet.set_column(3, 3, 60)
    book.close()


if __name__ == "__main__":
    main()
