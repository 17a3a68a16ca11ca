"""Exports (.xlsx opened with openpyxl, CSV) and the printable annual summary report."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.mail.delivery import queue_mail
from gplan.models import TargetValue, Task
from gplan.reporting.actuals import record_actual
from gplan.timeutil import LOCAL_TZ
from tests.coordinator_support import (
    HEALTH_COUNTS,
    VIEWING_DAY,
    health_year_of_work,
    python_counts,
    row_of,
    table_rows,
)
from tests.helpers import COORDINATOR_EMAIL, OBSERVER_EMAIL, body, focal_email, login, user

STATUS_HEADERS = [
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đã gửi, chờ duyệt",
    "Trả lại",
    "Đang thực hiện trong hạn",
    "Quá hạn",
    "Chưa bắt đầu",
]


@pytest.fixture
def coordinator(app, client):
    with time_machine.travel(VIEWING_DAY, tick=False):
        user(COORDINATOR_EMAIL).locale = "en"
        db.session.flush()
        login(client, COORDINATOR_EMAIL)
        yield client


@pytest.fixture
def recorded(app, seed):
    """Health's year of work, a sex-ratio figure for 2016 and 2017, and a reminder in the outbox."""
    health_year_of_work(app)
    sex_ratio = db.session.scalar(select(TargetValue).filter_by(key="sex-ratio-at-birth"))
    health = user(focal_email("health"))
    record_actual(health, sex_ratio, 2016, value=Decimal("117.5"), source="Niên giám 2016")
    record_actual(health, sex_ratio, 2017, value=Decimal("115.4"), source="Niên giám 2017")
    reminder = queue_mail(kind="reminder", recipient=focal_email("health"), subject="Nhắc hạn", text="…")
    reminder.created_at = datetime(2018, 6, 24, 7, 30, tzinfo=LOCAL_TZ)
    db.session.flush()
    return sex_ratio


def _workbook(coordinator, plan_id: int, query: str = ""):
    response = coordinator.get(f"/p/{plan_id}/export.xlsx{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment;" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def test_the_workbook_has_one_sheet_per_view_with_vietnamese_headers(seed, recorded, coordinator):
    book = _workbook(coordinator, seed.plan_id)
    assert book.sheetnames == [
        "Tổng quan",
        "Theo năm",
        "Theo mục tiêu",
        "Theo hoạt động",
        "Nhiệm vụ quá hạn",
        "Chỉ tiêu",
        "Thông tin",
    ]
    overview = book["Tổng quan"]
    headers = [cell.value for cell in overview[1]]
    assert headers[:3] == ["STT", "Cơ quan, đơn vị", "Tổng số nhiệm vụ"]
    assert headers[3::2][: len(STATUS_HEADERS)] == STATUS_HEADERS and headers[-1] == "Tỷ lệ hoàn thành (%)"
    rows = {row[1]: row for row in overview.iter_rows(min_row=2, values_only=True)}
    health = rows["Sở Y tế"]
    assert [health[2], *health[3:17:2]] == [16, 1, 1, 0, 0, 1, 6, 7]
    assert health[-1] == pytest.approx(2 / 16)
    assert overview.cell(row=2, column=len(headers)).number_format == "0.0%"
    in_plan = db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == seed.plan_id))
    assert rows["Tổng cộng"][2] == in_plan
    assert [c.value for c in book["Theo năm"][1]][1:6] == [
        "Năm 2016 - Tổng số",
        "Năm 2016 - Đã hoàn thành",
        "Năm 2016 - Quá hạn",
        "Năm 2016 - Đã đóng khi còn hạn",
        "Năm 2016 - Tỷ lệ hoàn thành (%)",
    ]


def test_overdue_sheet_has_real_dates_and_numbers(seed, recorded, coordinator):
    sheet = _workbook(coordinator, seed.plan_id, "?year=2017")["Nhiệm vụ quá hạn"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:8] == [
        "STT",
        "Cơ quan, đơn vị",
        "Mã nhiệm vụ",
        "Nhiệm vụ",
        "Năm",
        "Hạn hoàn thành",
        "Hạn sau gia hạn",
        "Số ngày quá hạn",
    ]
    rows = list(sheet.iter_rows(min_row=2))
    overdue_2017 = sum(
        c["overdue"] for c in python_counts(seed.plan_id, VIEWING_DAY.date(), year=2017).values()
    )
    assert len(rows) == overdue_2017
    health = [r for r in rows if r[1].value == "Sở Y tế"]
    assert len(health) == 3
    due = health[0][5]
    assert due.is_date and due.number_format == "DD/MM/YYYY"
    assert due.value == datetime(2017, 1, 31)
    assert health[0][7].value == (VIEWING_DAY.date() - date(2017, 1, 31)).days
    assert isinstance(health[0][7].value, int) and isinstance(health[0][4].value, int)
    reminded = health[0][9]
    assert reminded.is_date and reminded.value == datetime(2018, 6, 24, 7, 30)  # Vietnam's wall-clock time


def test_targets_sheet_holds_the_figures_and_their_status(seed, recorded, coordinator):
    sheet = _workbook(coordinator, seed.plan_id)["Chỉ tiêu"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:9] == [
        "Mục tiêu",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Chỉ số",
        "So sánh",
        "Giá trị mục tiêu",
        "Đơn vị tính",
        "Giá trị cơ sở",
        "Năm cơ sở",
    ]
    assert headers[-2:] == ["Đánh giá", "Cơ quan báo cáo"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "Tỷ số giới tính khi sinh")
    by_header = dict(zip(headers, row, strict=True))
    assert (by_header["So sánh"], by_header["Giá trị mục tiêu"]) == ("≤", 116)
    assert by_header["Năm 2016"] == pytest.approx(117.5) and by_header["Năm 2017"] == pytest.approx(115.4)
    assert by_header["Năm 2018"] is None
    assert by_header["Đánh giá"] == "Đã đạt" and by_header["Cơ quan báo cáo"] == "Sở Y tế"


def test_each_view_downloads_as_csv(seed, recorded, coordinator):
    response = coordinator.get(f"/p/{seed.plan_id}/export/overview.csv?year=2016")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["STT", "Cơ quan, đơn vị", "Tổng số nhiệm vụ", "Hoàn thành đúng hạn"]
    health = next(r for r in rows if r[1] == "Sở Y tế")
    assert health[2:6] == ["4", "1", "25.0", "1"]
    overdue = coordinator.get(f"/p/{seed.plan_id}/export/overdue.csv").data.decode("utf-8-sig")
    assert "2016-01-31" in overdue and "2018-06-24 07:30:00" in overdue
    years = _csv_rows(coordinator, seed.plan_id, "years")
    health = next(row for row in years if row["Cơ quan, đơn vị"] == "Sở Y tế")
    assert _counts(health, "Năm 2016") == ["4", "2", "2", "50.0"]
    assert _counts(health, "Cả giai đoạn") == ["16", "2", "6", "12.5"]
    objectives = _csv_rows(coordinator, seed.plan_id, "objectives")
    health = next(row for row in objectives if row["Cơ quan, đơn vị"] == "Sở Y tế")
    assert _counts(health, "Mục tiêu 4") == ["10", "2", "2", "20.0"]
    assert _counts(health, "Mục tiêu 1") == ["0", "0", "0", ""]
    activities = _csv_rows(coordinator, seed.plan_id, "activities")
    health = next(row for row in activities if row["Cơ quan, đơn vị"] == "Sở Y tế")
    assert _counts(health, "Không gắn hoạt động") == ["16", "2", "6", "12.5"]
    targets = _csv_rows(coordinator, seed.plan_id, "targets")
    ratio = next(row for row in targets if row["Mã chỉ tiêu"] == "I.2.d.1")
    assert [ratio[h] for h in ("So sánh", "Năm 2016", "Năm 2017")] == ["≤", "117.5000", "115.4000"]
    assert [ratio[h] for h in ("Đánh giá", "Cơ quan báo cáo")] == ["Đã đạt", "Sở Y tế"]


def _csv_rows(coordinator, plan_id: int, view: str) -> list[dict[str, str]]:
    response = coordinator.get(f"/p/{plan_id}/export/{view}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def _counts(row: dict[str, str], group: str) -> list[str]:
    return [row[f"{group} - {h}"] for h in ("Tổng số", "Đã hoàn thành", "Quá hạn", "Tỷ lệ hoàn thành (%)")]


def test_the_annual_report_tells_what_was_done_and_what_is_late(seed, recorded, coordinator):
    html = coordinator.get(f"/p/{seed.plan_id}/report/2016").get_data(as_text=True)
    assert 'href="/static/css/report.css' in html
    assert "In 2016 the 31 implementing bodies had 203 tasks" in html
    start = html.index("Department of Health</h3>")
    health = html[start : html.index("</section>", start)]
    assert "2 of 4 tasks done (1 late), 2 overdue." in health
    assert "Đã tổ chức 12 buổi truyền thông." in health
    assert 'href="https://syt.example.gov.vn/bao-cao-2016"' in health
    assert "Nộp muộn do thiếu số liệu." in health and "36 days after the due date" in health
    late = health[health.index("What is late") :]
    assert "IV.0" in late and "days late" in late
    summary_row = next(r for r in table_rows(html) if len(r) > 2 and r[1] == "Department of Health")
    assert summary_row[2:10] == ["4", "1", "1", "0", "0", "0", "2", "0"]
    assert "IV.0.b" in late  # the roadmap for the whole period, due in its first year
    assert row_of(html, "I.2.d.1")[3:7] == ["—", "—", "117.5", "Niên giám 2016"]


def test_the_annual_report_judges_targets_by_the_figures_up_to_its_year(seed, recorded, coordinator):
    report_2016 = coordinator.get(f"/p/{seed.plan_id}/report/2016").get_data(as_text=True)
    report_2017 = coordinator.get(f"/p/{seed.plan_id}/report/2017").get_data(as_text=True)
    assert row_of(report_2016, "I.2.d.1")[-1] == "Off track"  # 117.5, no earlier figure
    assert row_of(report_2017, "I.2.d.1")[4:6] == ["117.5", "115.4"]
    assert row_of(report_2017, "I.2.d.1")[-1] == "Met"


def test_the_report_opens_on_the_current_year_and_prints_on_a4(seed, coordinator):
    response = coordinator.get(f"/p/{seed.plan_id}/report")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/2018")
    css = coordinator.get("/static/css/report.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/export", "text/html"),
        ("/export.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("/export/overview.csv", "text/csv"),
        ("/report/2017", "text/html"),
    ],
)
def test_reports_are_for_those_who_see_every_body(app, seed, path, mimetype):
    with time_machine.travel(VIEWING_DAY, tick=False):
        focal = app.test_client()
        login(focal, focal_email("health"))
        assert focal.get(f"/p/{seed.plan_id}{path}").status_code == 403
        observer = app.test_client()
        login(observer, OBSERVER_EMAIL)
        seen = observer.get(f"/p/{seed.plan_id}{path}")
        assert (seen.status_code, seen.mimetype) == (200, mimetype)
        if mimetype != "text/html":
            assert "attachment;" in seen.headers["Content-Disposition"]


def test_health_counts_are_the_shared_scenario(seed, recorded):
    counts = python_counts(seed.plan_id, VIEWING_DAY.date())[body("health").id]
    assert sum(counts.values()) == HEALTH_COUNTS["total"]
    assert {s: counts[s] for s in counts} == {k: v for k, v in HEALTH_COUNTS.items() if k != "total" and v}
