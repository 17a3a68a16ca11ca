"""The command line: plan import (with clear errors), plan list, demo, create-user."""

from datetime import date

import yaml
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Plan, PlanDraft, Task, User
from gplan.plans.drafts import edit_header
from tests.helpers import PLAN_FILE


def test_import_updates_in_place(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plan", "import", str(PLAN_FILE)])
    assert result.exit_code == 0, result.output
    assert "Updated plan 3002/KH-UBND (2016–2020)" in result.output
    assert "0 created, 0 re-dated, 0 removed" in result.output


def test_import_for_another_period_starts_a_draft_published_with_its_own_number(app):
    runner = app.test_cli_runner()
    tasks_before = db.session.scalar(select(func.count(Task.id)))
    result = runner.invoke(args=["plan", "import", str(PLAN_FILE), "--period", "2021-2025"])
    assert result.exit_code == 0, result.output
    draft = db.session.scalar(select(PlanDraft).order_by(PlanDraft.id.desc()))
    assert f"Started draft {draft.id} for 2021–2025" in result.output
    assert f"http://gplan.test/admin/drafts/{draft.id}" in result.output
    # A draft, not a re-dated copy: no plan, no task, no number, date or title of its own yet.
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.period_start == 2021)) == 0
    assert db.session.scalar(select(func.count(Task.id))) == tasks_before
    assert draft.source_plan is not None and draft.source_plan.period_start == 2016
    assert not {"code", "title", "issued_on"} & set(draft.header)
    assert (
        f"{draft.id:4}  2021–2025  from 3002/KH-UBND 2016–2020  (no number yet)"
        in runner.invoke(args=["plan", "draft", "list"]).output
    )

    refused = runner.invoke(args=["plan", "draft", "publish", str(draft.id)])
    assert refused.exit_code == 1
    assert "Give the new plan's document number." in refused.output
    assert "Give the date the new plan was issued." in refused.output
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.period_start == 2021)) == 0

    edit_header(
        None, draft, code="98/KH-UBND", title="Kế hoạch 2021-2025", title_en=None, issued_on=date(2021, 2, 1)
    )
    db.session.commit()
    published = runner.invoke(args=["plan", "draft", "publish", str(draft.id)])
    assert published.exit_code == 0, published.output
    new = db.session.scalar(select(Plan).where(Plan.period_start == 2021))
    assert (new.code, new.title, new.issued_on) == ("98/KH-UBND", "Kế hoạch 2021-2025", date(2021, 2, 1))
    assert f"Published plan 98/KH-UBND (2021–2025), id {new.id}" in published.output
    assert db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == new.id)) > 0
    listing = runner.invoke(args=["plan", "list"]).output
    assert "2016–2020" in listing and "98/KH-UBND  2021–2025" in listing
    assert f"{draft.id:4}  2021–2025" not in runner.invoke(args=["plan", "draft", "list"]).output


def test_empty_lists_say_how_to_fill_them(app, monkeypatch):
    runner = app.test_cli_runner()
    drafts = runner.invoke(args=["plan", "draft", "list"]).output
    assert "No drafts: `flask plan import FILE --period YYYY-YYYY` starts one." in drafts
    monkeypatch.setattr("gplan.plans.queries.all_plans", list)  # a new installation
    assert "No plans: `flask plan import FILE` loads one." in runner.invoke(args=["plan", "list"]).output


def test_a_draft_for_the_files_own_period_or_an_unknown_draft_is_refused(app):
    runner = app.test_cli_runner()
    same = runner.invoke(args=["plan", "import", str(PLAN_FILE), "--period", "2016-2020"])
    assert same.exit_code == 1 and "Choose a period that starts in another year." in same.output
    assert db.session.scalar(select(func.count(PlanDraft.id))) == 0
    unknown = runner.invoke(args=["plan", "draft", "publish", "999999"])
    assert unknown.exit_code == 2 and "no draft with the id 999999" in unknown.output


def test_bad_file_gets_a_clear_error_and_no_traceback(app, tmp_path):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["responsibilities"][0]["assignees"] = ["nobody"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plans_before = db.session.scalar(select(func.count(Plan.id)))
    result = app.test_cli_runner().invoke(args=["plan", "import", str(broken)])
    assert result.exit_code == 1
    assert f"Cannot import {broken}" in result.output
    assert (
        f"responsibilities ({data['responsibilities'][0]['ref']}) › assignees: unknown body 'nobody'"
        in result.output
    )
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count(Plan.id))) == plans_before


def test_bad_period_is_refused(app):
    result = app.test_cli_runner().invoke(args=["plan", "import", str(PLAN_FILE), "--period", "2030-2026"])
    assert result.exit_code == 2
    assert "must run forward" in result.output


def test_create_user(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "it@haiduong.gov.vn", "--name", "Phòng CNTT", "--role", "admin"],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).filter_by(email="it@haiduong.gov.vn")).role == "admin"
    unknown = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "x@haiduong.gov.vn",
            "--name",
            "X",
            "--role",
            "focal_point",
            "--body",
            "nope",
        ],
        input="a long admin password\na long admin password\n",
    )
    assert unknown.exit_code == 2 and "no body with the key 'nope'" in unknown.output
