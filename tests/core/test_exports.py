"""Formula injection: every .xlsx and .csv the app produces is written by tuijin.core.exports — text that a
spreadsheet would run as a formula is neutralised (a leading apostrophe, a string cell, never a formula),
numbers are numbers, dates are dates, CSV has a BOM — and no other module writes cells."""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests import factories
from tests.access.world import (  # noqa: F401
    access_world_built_once,  # noqa: F401
    add_leads,
    world,
)
from tests.factories import SYSTEM
from tuijin.core import exports

EVIL_NAME = '=HYPERLINK("http://x","y")'
EVIL_PROGRESS = "+1+1"
EVIL_INVESTOR = "@SUM(A1)"
EVIL_INVESTOR_2 = "-2+3"
EVIL_NAME_CSV = '"\'=HYPERLINK(""http://x"",""y"")"'  # as a CSV field: quoted, inner quotes doubled


# ---------------------------------------------------------------- the helper


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", "\u3000=1",
                                  "＝1+1", "＋1", "－1", "＠SUM(A1)", " ＝1", '=HYPERLINK("http://x","y")', "-", "+"])
def test_formula_like_text_is_neutralised(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.unneutralise(exports.neutralise(text)) == text
    wb = openpyxl.Workbook()
    ws = wb.active
    exports.append_row(ws, [text])
    out = io.BytesIO()
    wb.save(out)
    c = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert c.data_type == "s" and c.value == "'" + text
    data = exports.csv_text([[text, 1]])
    assert data.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(data[1:]))) == ["'" + text, "1"]


@pytest.mark.parametrize("text", ["项目", "1-5月累计", "-5", "+3", "12.50", "", "a=b", "说明: -1", "'注释"])
def test_plain_text_is_left_alone(text):
    assert exports.neutralise(text) == text
    assert exports.unneutralise(text) == text


def test_numbers_dates_and_times():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("t")
    moment = datetime.datetime(2024, 5, 3, 2, 30, tzinfo=datetime.UTC)
    exports.append_row(ws, [Decimal("12.50"), 3, 1.5, Decimal("NaN"), float("inf"), datetime.date(2024, 5, 3),
                            moment, None, True], formats={0: "#,##0.00"})
    out = io.BytesIO()
    wb.save(out)
    row = next(openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.data_type for c in row[:3]] == ["n", "n", "n"] and [c.value for c in row[:3]] == [12.5, 3, 1.5]
    assert row[0].number_format == "#,##0.00"
    assert row[3].value is None and row[4].value is None  # non-finite: blank, never NaN or an error
    assert row[5].is_date and row[5].value == datetime.datetime(2024, 5, 3)
    assert row[6].is_date and row[6].value == datetime.datetime(2024, 5, 3, 10, 30)  # Asia/Shanghai
    assert exports.csv_text([[Decimal("12.50"), 3, Decimal("Infinity"), datetime.date(2024, 5, 3), moment, None]]) \
        == "\ufeff12.50,3,,2024-05-03,2024-05-03 10:30,\r\n"


# ---------------------------------------------------------------- nothing else writes cells

SRC = Path(__file__).resolve().parents[2] / "src" / "tuijin"
CELL_WRITES = [
    (re.compile(r"\b(ws|sheet|worksheet)\.append\("), "ws.append("),
    (re.compile(r"\.cell\([^()\n]*,[^()\n]*,"), "ws.cell(row, column, value)"),
    (re.compile(r"\.cell\([^()\n]*value\s*="), "ws.cell(..., value=)"),
    (re.compile(r"\]\s*\.value\s*=|\)\s*\.value\s*=|\bc(ell)?\.value\s*="), "cell.value ="),
    (re.compile(r"\bws\[[^\]]+\]\s*=[^=]"), "ws['A1'] ="),
    (re.compile(r"\bWriteOnlyCell\b"), "WriteOnlyCell"),
    (re.compile(r"\bcsv\.(writer|DictWriter)\b|\.writerows?\("), "csv.writer"),
]


def test_only_the_export_helper_writes_cells():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "core/exports.py" or rel.startswith("bulletins/formats"):  # the helper; Word tables (python-docx)
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for pattern, what in CELL_WRITES:
                if pattern.search(line):
                    offenders.append(f"{rel}:{n}: {what}: {line.strip()}")
    assert not offenders, "spreadsheet cells written outside tuijin.core.exports:\n" + "\n".join(offenders)


# ---------------------------------------------------------------- every export, through its real URL


@pytest.fixture
def evil(world, settings):  # noqa: F811 - the fixture imported above
    """The access world, with a project, a 形象进度, a livelihood item and investors that look like formulas."""
    from tuijin.attraction.services import create_lead
    from tuijin.livelihood import services as livelihood
    from tuijin.livelihood.models import Programme
    from tuijin.progress.models import ReportStatus
    from tuijin.progress.services import save_report

    add_leads(world)
    jk = world.units["jk"]
    p = factories.project(jk, name=EVIL_NAME, total=Decimal("12345.60"), owner="+86 业主")
    factories.entry(world.lists["zhenjiang"], p, year=2024, plan=Decimal("2000"))
    for month, amount in ((1, Decimal("100")), (2, Decimal("150.25"))):
        save_report(project=p, year=2024, month=month, amount=amount, progress_text=EVIL_PROGRESS,
                    status=ReportStatus.ACCEPTED, actor=SYSTEM)
    p.reporters.add(world.users["reporter"])
    for investor in (EVIL_INVESTOR, EVIL_INVESTOR_2):
        create_lead(unit=jk, title=EVIL_NAME, investor=investor, investor_kind="private", source="visit",
                    intended_investment=Decimal("8888.50"), stage_date=datetime.date(2024, 4, 2), actor=SYSTEM)
    programme = Programme.objects.get(unit=world.units["zhenjiang"], year=2024)
    item = livelihood.add_item(programme=programme, category="交通出行", name=EVIL_NAME, lead_unit=jk, quantity=10,
                               unit="个", actor=SYSTEM)
    livelihood.save_progress(item=item, year=2024, month=2, done=4, progress_text=EVIL_PROGRESS,
                             status="accepted", today=datetime.date(2025, 3, 1), actor=SYSTEM)
    world.evil_project = p
    return world


def cells(content: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def check_xlsx(response, *texts):
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    found = cells(content)
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
    assert not formulas, formulas
    strings = [c.value for c in found if isinstance(c.value, str)]
    for text in texts:
        assert "'" + text in strings, (text, strings[:40])
        assert text not in strings
    for c in found:
        if isinstance(c.value, str):
            assert not exports.needs_neutralising(c.value), (c.coordinate, c.value)
    return found


def row_of(found, text):
    row = next(c.row for c in found if c.value == "'" + text)
    return {c.column: c for c in found if c.row == row and c.parent.title == found[0].parent.title}


def test_progress_table_xlsx_and_csv(evil, client):
    client.force_login(evil.users["city_admin"])
    found = check_xlsx(client.get("/reports/export/", {"period": "2024-02"}), EVIL_NAME, EVIL_PROGRESS)
    row = row_of(found, EVIL_NAME)
    numbers = [c for c in row.values() if c.data_type == "n"]
    assert {c.value for c in numbers} >= {12345.6, 2000, 150.25, 250.25}
    response = client.get("/reports/export/", {"period": "2024-02", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert EVIL_NAME_CSV in text and f",'{EVIL_PROGRESS}" in text


def test_missing_reports_csv(evil, client):
    client.force_login(evil.users["city_admin"])
    response = client.get("/reports/missing/", {"period": "2024-03", "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff") and EVIL_NAME_CSV in text


def test_templates(evil, client):
    client.force_login(evil.users["reporter"])
    check_xlsx(client.get("/reports/template/", {"period": "2024-02"}), EVIL_NAME)
    client.force_login(evil.users["city_admin"])
    found = check_xlsx(client.get("/reports/template/projects/"), EVIL_NAME, "+86 业主")
    assert row_of(found, EVIL_NAME)[7].value == 12345.6 and row_of(found, EVIL_NAME)[7].data_type == "n"
    lst = evil.lists["zhenjiang"]
    found = check_xlsx(client.get("/reports/template/list/", {"list": lst.pk, "year": 2024}), EVIL_NAME)
    assert row_of(found, EVIL_NAME)[4].value == 2000 and row_of(found, EVIL_NAME)[4].data_type == "n"


def test_attraction_exports(evil, client):
    client.force_login(evil.users["city_admin"])
    found = check_xlsx(client.get("/attraction/export/leads.xlsx"), EVIL_NAME, EVIL_INVESTOR, EVIL_INVESTOR_2)
    row = row_of(found, EVIL_INVESTOR)
    assert row[7].data_type == "n" and row[7].value == 8888.5
    assert row[13].is_date and row[13].value.date() == datetime.date(2024, 4, 2)
    found = check_xlsx(client.get("/attraction/export/contracts.xlsx"))
    assert any(c.is_date for c in found) and any(c.data_type == "n" for c in found)


def test_dashboard_and_livelihood_exports(evil, client):
    client.force_login(evil.users["city_admin"])
    city = evil.units["zhenjiang"]
    check_xlsx(client.get("/dashboard/list/", {"key": "projects", "city": city.pk, "through": "2024-02",
                                               "format": "xlsx"}), EVIL_NAME)
    found = check_xlsx(client.get("/livelihood/export/", {"programme": evil.places["jk"].item.programme_id,
                                                          "through": "2024-02"}), EVIL_NAME)
    assert any(c.data_type == "n" and isinstance(c.value, float) and not math.isnan(c.value) for c in found)
