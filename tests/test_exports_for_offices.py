"""Exports as a Vietnamese office opens them: a CSV for Excel set to Vietnamese (";" and
decimal ","), times to the second, one charset, and a workbook that prints and filters well."""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from gplan.extensions import db
from gplan.mail.delivery import queue_mail
from gplan.models import TargetValue
from gplan.reporting.actuals import record_actual
from gplan.timeutil import LOCAL_TZ
from tests.coordinator_support import VIEWING_DAY, health_year_of_work
from tests.helpers import COORDINATOR_EMAIL, focal_email, login, user

REMINDED = datetime(2018, 6, 24, 7, 30, 15, 123456, tzinfo=LOCAL_TZ)


@pytest.fixture
def recorded(app, seed):
    health_year_of_work(app)
    sex_ratio = db.session.scalar(select(TargetValue).filter_by(key="sex-ratio-at-birth"))
    record_actual(user(focal_email("health")), sex_ratio, 2016, value=Decimal("117.5"), source="Niên giám")
    reminder = queue_mail(kind="reminder", recipient=focal_email("health"), subject="Nhắc hạn", text="…")
    reminder.created_at = REMINDED  # a real instant has microseconds
    db.session.commit()


@pytest.fixture
def coordinator(client, recorded):
    with time_machine.travel(VIEWING_DAY, tick=False):
        login(client, COORDINATOR_EMAIL)
        yield client


def _rows(response, delimiter=","):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_exports_page_offers_a_csv_for_vietnamese_excel(coordinator, seed):
    page = coordinator.get(f"/p/{seed.plan_id}/export?year=2016").get_data(as_text=True)
    assert f'href="/p/{seed.plan_id}/export/overview-excel-vi.csv?year=2016"' in page
    assert "CSV (Excel tiếng Việt)" in page
    assert f'href="/p/{seed.plan_id}/export/overview.csv?year=2016"' in page


def test_the_vietnamese_excel_csv_uses_semicolons_and_decimal_commas(coordinator, seed):
    response = coordinator.get(f"/p/{seed.plan_id}/export/overview-excel-vi.csv?year=2016")
    assert response.data.startswith("\ufeff".encode())
    assert "tien-do-" in response.headers["Content-Disposition"]
    assert "-overview-excel-vi.csv" in response.headers["Content-Disposition"]
    rows = _rows(response, ";")
    assert rows[0][:3] == ["STT", "Cơ quan, đơn vị", "Tổng số nhiệm vụ"]
    health = next(r for r in rows if r[1] == "Sở Y tế")
    assert health[2:6] == ["4", "1", "25,0", "1"]
    targets = _rows(coordinator.get(f"/p/{seed.plan_id}/export/targets-excel-vi.csv"), ";")
    headers = targets[0]
    sex_ratio = next(r for r in targets if r[3] == "Tỷ số giới tính khi sinh")
    assert sex_ratio[headers.index("Năm 2016")] == "117,5"
    # The plain CSV is unchanged: commas between fields, decimal points.
    plain = _rows(coordinator.get(f"/p/{seed.plan_id}/export/overview.csv?year=2016"))
    assert next(r for r in plain if r[1] == "Sở Y tế")[2:6] == ["4", "1", "25.0", "1"]


def test_times_are_written_to_the_second(coordinator, seed):
    for view, delimiter in (("overdue", ","), ("overdue-excel-vi", ";")):
        rows = _rows(coordinator.get(f"/p/{seed.plan_id}/export/{view}.csv"), delimiter)
        column = rows[0].index("Lần nhắc gần nhất")
        assert {r[column] for r in rows[1:] if r[1] == "Sở Y tế"} == {"2018-06-24 07:30:15"}
    book = load_workbook(io.BytesIO(coordinator.get(f"/p/{seed.plan_id}/export.xlsx").data))
    reminded = {
        r[9] for r in book["Nhiệm vụ quá hạn"].iter_rows(min_row=2, values_only=True) if r[1] == "Sở Y tế"
    }
    assert reminded == {datetime(2018, 6, 24, 7, 30, 15)}


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_header_on_each_page(coordinator, seed):
    book = load_workbook(io.BytesIO(coordinator.get(f"/p/{seed.plan_id}/export.xlsx").data))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title


def test_the_filter_leaves_the_total_row_out_and_headers_show_whole(coordinator, seed):
    book = load_workbook(io.BytesIO(coordinator.get(f"/p/{seed.plan_id}/export.xlsx").data))
    for title in ("Tổng quan", "Theo năm", "Theo mục tiêu", "Theo hoạt động"):
        sheet = book[title]
        assert sheet.cell(row=sheet.max_row, column=1 if title != "Tổng quan" else 2).value == "Tổng cộng"
        assert sheet.auto_filter.ref.endswith(str(sheet.max_row - 1)), title  # sorting leaves it last
    overdue = book["Nhiệm vụ quá hạn"]
    assert overdue.auto_filter.ref.endswith(str(overdue.max_row))  # no total row there
    for sheet in book.worksheets:
        height = sheet.row_dimensions[1].height
        assert height, sheet.title
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            lines = math.ceil(len(cell.value) / width)  # at least this many lines once wrapped
            assert height >= 14 * lines, (sheet.title, cell.value, height)
