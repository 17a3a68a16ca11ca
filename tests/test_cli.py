"""The command line: plan import (with clear errors), plan list, demo, create-user."""

import yaml
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Plan, User
from tests.helpers import PLAN_FILE


def test_import_updates_in_place(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plan", "import", str(PLAN_FILE)])
    assert result.exit_code == 0, result.output
    assert "Updated plan 3002/KH-UBND (2016–2020)" in result.output
    assert "0 created, 0 re-dated, 0 removed" in result.output


def test_import_for_another_period_and_list(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plan", "import", str(PLAN_FILE), "--period", "2021-2025"])
    assert result.exit_code == 0, result.output
    assert "Imported plan 3002/KH-UBND (2021–2025)" in result.output
    listing = runner.invoke(args=["plan", "list"]).output
    assert "2016–2020" in listing and "2021–2025" in listing


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
