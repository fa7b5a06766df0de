"""Regions in `--format xlsx`, through the command line on the shipped regional example: the matrix of region
statuses, the matrix of their figures and the ranking, read back with python-calamine and compared with the JSON
report; colours, frozen panes and widths from the sheet XML; what LibreOffice shows; each file's regions in
summary's Files sheet."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from sheet_xml import read_workbook
from tcmcheck.cli import main
from tcmcheck.formats.xlsx_format import STATUS_COLOURS
from tcmcheck.result import Status
from test_xlsx_report import fills, json_report, shown_by_libreoffice, workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ("jiangmen", "examples/jiangmen-regions-2024.csv", "--targets", "examples/jiangmen-targets-2025.txt",
           "--as-of", "2024-12-31")
SHEETS = {"en": ("Results", "Regions matrix", "Region figures", "Ranking", "Warnings", "Overview"),
          "zh": ("结果", "区县矩阵", "区县数值", "排名", "警告", "概览")}
STATUSES = ("pass", "on-track", "lag", "fail", "no-data")


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def label(status: str | None, lang: str) -> str:
    return "" if status is None else Status(status).label(lang)


def figure(value, lang: str):
    """A JSON value as the figures sheet holds it: a number as it is, yes/no in words, nothing as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return {"en": ("not done", "done"), "zh": ("未完成", "已完成")}[lang][value]
    return value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_matrix_figures_and_ranking_are_the_json_regions(tmp_path, lang):
    sheets, _ = workbook(tmp_path, "status", *EXAMPLE, "--lang", lang)
    document = json_report("status", *EXAMPLE, "--lang", lang)
    assert tuple(sheets) == SHEETS[lang]
    _, matrix, figures, ranking, _, _ = SHEETS[lang]
    regional = [item for item in document["indicators"] if item["regions"]]
    judged = [item for item in regional if any(view["status"] for view in item["regions"])]
    untargeted = [item for item in regional if item not in judged]
    names = [view["region"] for view in regional[0]["regions"]]
    assert names == ["蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"]
    heading = {"en": ["id", "name"], "zh": ["编号", "指标"]}[lang]
    assert sheets[matrix][0] == sheets[figures][0] == [*heading, *names]
    assert sheets[matrix][1:] == [[item["id"], item["name"], *(label(view["status"], lang) for view in item["regions"])]
                                  for item in judged]
    assert sheets[figures][1:] == [[item["id"], item["name"], *(figure(view["actual"], lang)
                                                                for view in item["regions"])]
                                   for item in judged + untargeted]
    assert len(untargeted) == 6 and "mentorship-person-times-annual" in {item["id"] for item in untargeted}
    assert sheets[ranking][1:] == [[entry["region"], *(entry["summary"][s] for s in STATUSES), entry["rank"],
                                    entry["without_target"]] for entry in document["regions"]]
    assert [row[0] for row in sheets[ranking][1:3]] == ["鹤山市", "蓬江区"]


def test_a_region_without_a_target_of_its_own_is_blank_in_the_matrix_and_has_its_figure(tmp_path):
    """An allocation for one county only: the others have a figure for the indicator but no status."""
    targets = tmp_path / "targets.csv"
    targets.write_text("indicator,region,due,value\ntalent-361-young,台山,2025,20\n", "utf-8")
    args = ("status", "jiangmen", "examples/jiangmen-regions-2024.csv", "--targets", targets, "--as-of", "2024-12-31")
    sheets, _ = workbook(tmp_path, *args)
    document = json_report(*args)
    views = next(item["regions"] for item in document["indicators"] if item["id"] == "talent-361-young")
    matrix_row = next(row for row in sheets["Regions matrix"] if row[0] == "talent-361-young")
    figures_row = next(row for row in sheets["Region figures"] if row[0] == "talent-361-young")
    assert matrix_row[2:] == [label(view["status"], "en") for view in views]
    assert [cell for cell in matrix_row[2:] if cell] == [matrix_row[5]] and matrix_row[5] in ("on-track", "lag")
    assert figures_row[2:] == [view["actual"] for view in views] and all(figures_row[2:])


def test_matrix_cells_have_their_status_colour_and_the_indicator_columns_and_header_are_frozen(tmp_path):
    sheets, path = workbook(tmp_path, "status", *EXAMPLE, "--lang", "zh")
    data = path.read_bytes()
    colour = fills(data)
    matrix, figures, ranking = read_workbook(data)[1:4]
    labels = {Status(s).label("zh"): Status(s) for s in STATUSES}
    columns = "CDEFGHI"
    for number, row in enumerate(sheets["区县矩阵"][1:], start=2):
        for letter, cell in zip(columns, row[2:]):
            assert colour[matrix.styles[f"{letter}{number}"]] == STATUS_COLOURS[labels[cell]][0][1:]
            assert colour[figures.styles[f"{letter}{number}"]] == STATUS_COLOURS[labels[cell]][0][1:]
    untargeted = len(sheets["区县矩阵"]) + 1
    assert colour[figures.styles.get(f"C{untargeted}", 0)] is None
    for sheet in (matrix, figures):
        assert (sheet.pane["xSplit"], sheet.pane["ySplit"], sheet.pane["state"]) == ("2", "1", "frozen")
    assert ranking.pane["ySplit"] == "1" and "xSplit" not in ranking.pane
    assert matrix.root.find("m:autoFilter", {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}) \
        .get("ref") == f"A1:I{len(sheets['区县矩阵'])}"
    for column in range(3, 10):
        assert matrix.widths[column] >= wcswidth("序时推进") == 8 > len("序时推进")
    widest = max(wcswidth(row[1]) for row in sheets["区县矩阵"])
    assert matrix.widths[2] >= min(widest, 36)


def test_only_keeps_the_rows_with_a_chosen_status_and_blanks_the_other_cells(tmp_path):
    sheets, _ = workbook(tmp_path, "status", *EXAMPLE, "--only", "fail")
    document = json_report("status", *EXAMPLE)
    failing = [item for item in document["indicators"] if any(v["status"] == "fail" for v in item["regions"])]
    assert [row[0] for row in sheets["Regions matrix"][1:]] == [item["id"] for item in failing]
    for row, item in zip(sheets["Regions matrix"][1:], failing):
        assert row[2:] == ["fail" if view["status"] == "fail" else "" for view in item["regions"]]
    assert [row[0] for row in sheets["Region figures"][1:]] == [item["id"] for item in failing]
    assert len(sheets["Ranking"]) == 8


def test_sort_status_puts_the_rows_with_the_worst_cell_first(tmp_path):
    sheets, _ = workbook(tmp_path, "status", *EXAMPLE, "--sort", "status")
    rows = sheets["Regions matrix"][1:]
    rank = {"fail": 0, "lag": 1, "no-data": 2, "on-track": 3, "pass": 4}
    worst = [min(rank[cell] for cell in row[2:] if cell) for row in rows]
    assert worst == sorted(worst) and worst[0] == 0
    assert [row[0] for row in sheets["Region figures"][1:len(rows) + 1]] == [row[0] for row in rows]


def test_a_region_view_has_its_own_results_and_its_line_of_the_ranking_and_no_matrix(tmp_path):
    args = ("status", *EXAMPLE, "--region", "台山")
    sheets, _ = workbook(tmp_path, *args)
    document = json_report(*args)
    assert tuple(sheets) == ("Results", "Ranking", "Warnings", "Overview")
    assert [(row[1], row[3]) for row in sheets["Results"][1:]] == [(i["id"], i["status"])
                                                                    for i in document["indicators"]]
    assert sheets["Ranking"][1:] == [["台山市", 3, 9, 5, 3, 0, 6, 6]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_lists_each_files_regions_in_rank_order(tmp_path, lang):
    args = ("summary", "examples/", "--as-of", "2024-12-31", "--lang", lang)
    sheets, _ = workbook(tmp_path, *args)
    document = json_report(*args)
    files = sheets[{"en": "Files", "zh": "文件"}[lang]]
    assert files[0][-2:] == {"en": ["regions", "regions ranked"], "zh": ["区县数", "区县排名"]}[lang]
    comma = "、" if lang == "zh" else ", "
    for row, entry in zip(files[1:], document["files"]):
        assert row[0] == entry["file"]
        if entry["regions"]:
            assert row[-2] == len(entry["regions"])
            assert [part.split(" ", 1)[1] for part in row[-1].split(comma)] == entry["regions"]
            assert row[-1].startswith("1 蓬江区")
        else:
            assert row[-2:] == ["", ""]
    assert sum(1 for entry in document["files"] if entry["regions"]) == 1


def test_without_region_data_the_workbook_has_no_region_sheets_or_columns(tmp_path):
    sheets, _ = workbook(tmp_path, "status", "jiangmen", "examples/jiangmen-2024.csv", "--as-of", "2024-12-31")
    assert tuple(sheets) == ("Results", "Warnings", "Overview")
    sheets, _ = workbook(tmp_path, "summary", "examples/jiangmen-2024.csv", "examples/yiwu-2025.csv",
                         "--as-of", "2024-12-31")
    assert sheets["Files"][0][-2:] == ["fail", "lag"]


def test_region_names_from_a_file_are_text_with_control_characters_shown(tmp_path):
    """Yiwu lists no regions, so any name is one: one holding an escape sequence, one that looks like a formula."""
    submission = tmp_path / "yiwu.csv"
    submission.write_text("indicator,region,period,value\n"
                          "secondary-hospitals-tcm-department,\"稠城\x1b[2J\",2025,80\n"
                          "secondary-hospitals-tcm-department,\"=HYPERLINK(\"\"http://x\"\")\",2025,100\n", "utf-8")
    sheets, path = workbook(tmp_path, "status", "yiwu", submission, "--as-of", "2025-12-31", code=1)
    header = sheets["Regions matrix"][0][2:]
    assert sorted(header) == sorted(["稠城\\x1b[2J", '=HYPERLINK("http://x")'])
    assert sorted(row[0] for row in sheets["Ranking"][1:]) == sorted(header)
    with zipfile.ZipFile(path) as archive:
        sheets_xml = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"\x1b" in xml for xml in sheets_xml)


def test_libreoffice_shows_the_matrix_in_words_and_the_figures_in_the_plans_units(tmp_path):
    _, path = workbook(tmp_path, "status", *EXAMPLE, "--lang", "zh")
    shown = shown_by_libreoffice(path, tmp_path)
    matrix = {row[0]: row for row in shown["区县矩阵"][1:]}
    figures = {row[0]: row for row in shown["区县数值"][1:]}
    assert matrix["party-administration-separation"][2:] == ["达标", "未达标", "达标", "未达标", "未达标", "达标",
                                                             "未达标"]
    assert figures["county-hospital-capability-standard"][2:4] == ["86.4%", "77.6%"]
    assert figures["party-administration-separation"][2:4] == ["已完成", "未完成"]
    assert figures["tcm-pavilion-stations-doubling"][2] == "13家"
    assert shown["排名"][1][:8] == ["鹤山市", "9", "9", "2", "0", "0", "1", "6"]
