"""Plans without YAML: an Excel workbook that holds a whole plan, read back to the same plan,
with faults named by sheet, row and column; the admin's empty workbook and any plan's."""

import html
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Body, Plan, Task
from gplan.plans.file import PlanFileError, read_plan_file
from gplan.plans.workbook import write_workbook
from gplan.plans.workbook_labels import SHEET_TITLES
from gplan.plans.workbook_reader import read_workbook
from tests.helpers import ADMIN_EMAIL, PLAN_FILE, focal_email, login, plan, submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _column(sheet, field: str) -> int:
    return next(i for i, cell in enumerate(sheet[1], start=1) if str(cell.value).endswith(f"[{field}]"))


def _edited(data: bytes, edit) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name="ke-hoach.xlsx"):
    data = {"file": (io.BytesIO(content), name), "start": "", "end": ""}
    return submit(client, "/admin/plans/import", data, content_type="multipart/form-data")


def test_the_shipped_plan_makes_the_round_trip_unchanged(app):
    plan_file = read_plan_file(PLAN_FILE)
    data = write_workbook(plan_file)
    assert read_workbook(data, "plan.xlsx") == plan_file
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == list(SHEET_TITLES.values())
    duties = book[SHEET_TITLES["responsibilities"]]
    assert duties.max_row - 1 == len(plan_file.responsibilities)
    assert str(duties.cell(1, _column(duties, "schedule.kind")).value).startswith("Lịch: loại")


def test_the_workbook_carries_the_chain_the_inferences_and_the_suggested_members(app):
    plan_file = read_plan_file(PLAN_FILE)
    book = load_workbook(io.BytesIO(write_workbook(plan_file)))
    duties = book[SHEET_TITLES["responsibilities"]]
    rows = {row[0]: row for row in duties.iter_rows(min_row=2, values_only=True)}
    fields = {name: _column(duties, name) - 1 for name in ("reports_to", "requested", "basis", "note")}
    assert rows["IV.15.g"][fields["reports_to"]] == "dolisa"
    assert rows["IV.16.a"][fields["requested"]] is True
    assert rows["IV.14.a"][fields["basis"]] == "inferred" and rows["IV.14.a"][fields["note"]]
    days = book[SHEET_TITLES["due_days"]]
    by_name = {row[0]: row for row in days.iter_rows(min_row=2, values_only=True)}
    assert by_name["annual_report"][_column(days, "as_of") - 1] == "11-30"
    assert by_name["final_review"][_column(days, "covers") - 1] == "period"
    values = book[SHEET_TITLES["values"]]
    assert _column(values, "horizon.basis") and _column(values, "horizon.note")
    suggested = book[SHEET_TITLES["suggested_members"]]
    assert suggested.max_row - 1 == 7
    # A workbook whose compilation falls before its input is refused like a plan file.
    broken = _edited(
        write_workbook(plan_file),
        lambda b: [
            row[_column(b[SHEET_TITLES["due_days"]], "default") - 1].__setattr__("value", "12-18")
            for row in b[SHEET_TITLES["due_days"]].iter_rows(min_row=2)
            if row[0].value == "annual_report"
        ],
    )
    try:
        read_workbook(broken, "plan.xlsx")
    except PlanFileError as error:
        assert any("IV.1.c" in problem for problem in error.problems)
    else:
        raise AssertionError("a compilation before its inputs was accepted")


def test_text_that_looks_like_a_formula_stays_text(app):
    plan_file = read_plan_file(PLAN_FILE)
    plan_file.responsibilities[0].text = '=HYPERLINK("http://evil.example";"x") vẫn là chữ'
    data = write_workbook(plan_file)
    duties = load_workbook(io.BytesIO(data))[SHEET_TITLES["responsibilities"]]
    cell = duties.cell(2, _column(duties, "text"))
    assert cell.data_type == "s" and read_workbook(data, "plan.xlsx") == plan_file


def test_faults_name_the_sheet_row_and_column_in_vietnamese(client, seed):
    login(client, ADMIN_EMAIL)
    good = client.get(f"/admin/plans/{seed.plan_id}/workbook.xlsx").data

    def break_it(book):
        duties = book[SHEET_TITLES["responsibilities"]]
        duties.cell(5, _column(duties, "schedule.kind"), "hàng năm")
        values = book[SHEET_TITLES["values"]]
        values.cell(3, _column(values, "target"), "Z.9")
        single = book[SHEET_TITLES["plan"]]
        for row in single.iter_rows(min_row=2):
            if str(row[0].value).endswith("[plan.code]"):
                row[1].value = None

    before = db.session.scalar(select(func.count(Task.id)))
    page = _upload(client, _edited(good, break_it))
    text = re.sub(r"</?code>", "", html.unescape(page.get_data(as_text=True)))
    assert page.status_code == 422
    duties = SHEET_TITLES["responsibilities"]
    assert f"trang tính “{duties}”, dòng 5, cột " in text and "(schedule.kind)" in text
    assert "'yearly', 'window', 'once', 'periodic'" in text
    assert f"trang tính “{SHEET_TITLES['values']}”, dòng 3, cột A (target): “Z.9”" in text
    assert f"trang tính “{SHEET_TITLES['plan']}”, dòng " in text and "(plan.code)" in text
    assert db.session.scalar(select(func.count(Task.id))) == before


def test_not_a_workbook_is_explained(client):
    login(client, ADMIN_EMAIL)
    page = _upload(client, b"PK\x03\x04 not really a workbook")
    assert page.status_code == 422
    assert "không phải bảng tính Excel (.xlsx)" in html.unescape(page.get_data(as_text=True))


def test_any_plan_downloaded_and_imported_back_changes_nothing(client, seed):
    login(client, ADMIN_EMAIL)
    renamed = db.session.scalar(select(Body).filter_by(key="dolisa"))
    renamed.name = "Sở Lao động - Thương binh và Xã hội (tên mới)"
    db.session.flush()
    tasks = db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == seed.plan_id))
    download = client.get(f"/admin/plans/{seed.plan_id}/workbook.xlsx")
    assert download.status_code == 200 and download.mimetype == XLSX
    assert "attachment" in download.headers["Content-Disposition"]
    answer = _upload(client, download.data)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert "0 nhiệm vụ" in html.unescape(client.get(answer.location).get_data(as_text=True))
    assert db.session.scalar(select(func.count(Plan.id))) == 1
    assert db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == seed.plan_id)) == tasks
    assert db.session.scalar(select(Body.name).filter_by(key="dolisa")).endswith("(tên mới)")
    assert plan(seed).code == "3002/KH-UBND"


def test_the_empty_workbook_has_every_sheet_and_column_and_no_rows(client):
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/plans").get_data(as_text=True)
    assert "/admin/plans/workbook-template.xlsx" in page
    book = load_workbook(io.BytesIO(client.get("/admin/plans/workbook-template.xlsx").data))
    assert book.sheetnames == list(SHEET_TITLES.values())
    duties = book[SHEET_TITLES["responsibilities"]]
    assert duties.max_row == 1 and _column(duties, "assignees")
    single = book[SHEET_TITLES["plan"]]
    assert all(row[1].value is None for row in single.iter_rows(min_row=2))
    try:
        read_workbook(client.get("/admin/plans/workbook-template.xlsx").data, "empty.xlsx")
    except PlanFileError as error:  # empty: every required item is named
        where = [problem.where for problem in error.problems]
        assert any(SHEET_TITLES["plan"] in place for place in where)
        assert any(SHEET_TITLES["responsibilities"] in place for place in where)
    else:
        raise AssertionError("an empty workbook is not a plan")


def test_workbooks_are_for_admins(client, seed):
    login(client, focal_email("dolisa"))
    assert client.get("/admin/plans/workbook-template.xlsx").status_code == 403
    assert client.get(f"/admin/plans/{seed.plan_id}/workbook.xlsx").status_code == 403


def test_the_command_line_imports_a_workbook(app, tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(write_workbook(read_plan_file(PLAN_FILE)))
    result = app.test_cli_runner().invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Updated plan 3002/KH-UBND (2016–2020)" in result.output
    assert "0 created, 0 re-dated, 0 removed" in result.output
