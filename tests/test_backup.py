"""A backup restores into an empty database with nothing lost, evidence files included."""

import io
from datetime import datetime
from pathlib import Path

import time_machine
from flask_migrate import upgrade
from sqlalchemy import select

from gplan import create_app
from gplan.extensions import db
from gplan.models import Task
from gplan.timeutil import LOCAL_TZ
from tests.conftest import RequestIsolatingClient, app_config
from tests.helpers import focal_email, login, seed_plan_and_accounts, submit


def _migrated_app(databases, folder: Path):
    app = create_app(app_config(databases.new(), folder))
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        upgrade()
    return app


def _run(app, *args):
    """Run a CLI command on ``app`` (the test's own app context would otherwise win)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _snapshot(app) -> dict:
    with app.app_context():
        result = {}
        for table in db.metadata.sorted_tables:
            with db.engine.connect() as connection:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            result[table.name] = [tuple(row) for row in rows]
        return result


def test_round_trip_loses_nothing(databases, tmp_path):
    source = _migrated_app(databases, tmp_path / "source")
    with source.app_context():
        seed_plan_and_accounts()
        db.session.commit()
        task_id = db.session.scalar(select(Task.id).where(Task.body.has(key="health")).limit(1))
    client = source.test_client()
    with time_machine.travel(datetime(2018, 3, 1, 10, tzinfo=LOCAL_TZ), tick=False):
        login(client, focal_email("health"))
        response = submit(
            client,
            f"/tasks/{task_id}",
            {
                "progress": "done",
                "note": "Báo cáo quý I",
                "evidence_file": (io.BytesIO(b"%PDF evidence"), "bc.pdf"),
            },
            content_type="multipart/form-data",
        )
    assert response.status_code == 302
    archive = tmp_path / "gplan-backup.zip"
    result = _run(source, "backup", str(archive))
    assert result.exit_code == 0, result.output

    target = _migrated_app(databases, tmp_path / "target")
    result = _run(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert _snapshot(target) == _snapshot(source)
    restored = target.test_client()
    with time_machine.travel(datetime(2018, 3, 2, 10, tzinfo=LOCAL_TZ), tick=False):
        login(restored, focal_email("health"))
        download = restored.get(f"/tasks/{task_id}/evidence")
        assert download.status_code == 200 and download.data == b"%PDF evidence"
        # New rows get fresh ids after the restore (sequences moved past the data).
        other = submit(restored, f"/tasks/{task_id}", {"progress": "in_progress", "note": "Bổ sung"})
        assert other.status_code == 302

    again = _run(target, "restore", str(archive))
    assert again.exit_code == 1 and "not empty" in again.output
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()


def test_not_a_backup_is_refused(app, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code == 1 and "is not a gplan backup" in result.output
