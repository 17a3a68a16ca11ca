"""Backups taken while people work restore, every reference intact; a restore is all or nothing.

Real commits from many connections: ten clients write while eight backups are taken, then
each backup is restored into an empty database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import io
import json
import os
import stat
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from gplan import create_app
from gplan.extensions import db
from gplan.models import Body, Responsibility, ResponsibilityBody, Task, TaskEvent, User
from gplan.models.plan import ASSIGNEE
from gplan.ops.backup import BackupError, rows_of, verify_backup, write_backup
from gplan.ops.restore import restore_backup
from gplan.tasks import evidence
from gplan.tasks.progress import record_progress
from tests.conftest import app_config
from tests.helpers import focal_email, seed_plan_and_accounts

WRITERS = 10
BACKUPS = 8


def _empty_app(databases, folder: Path):
    app = create_app(app_config(databases.new(), folder))
    with app.app_context():
        db.create_all()
    return app


def _dispose(*apps) -> None:
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _dangling(app) -> dict[str, int]:
    """Rows whose foreign key points at no row, counted per column, straight from the database."""
    found = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_keys:
                parent = fk.column.table.alias("parent")
                lost = connection.scalar(
                    select(func.count())
                    .select_from(table.outerjoin(parent, fk.parent == parent.c[fk.column.name]))
                    .where(fk.parent.is_not(None), parent.c[fk.column.name].is_(None))
                )
                if lost:
                    found[f"{table.name}.{fk.parent.name}"] = lost
    return found


def _rows(app) -> int:
    with app.app_context(), db.engine.connect() as connection:
        return sum(connection.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables)


class Writers:
    """Ten clients, each on its own connection: most assign new work (a duty, its task and the
    task's history, in one commit); two tick tasks and replace their evidence file."""

    def __init__(self, app):
        self.app = app
        self.stop = threading.Event()
        self.commits = 0
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(WRITERS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert not self.errors, self.errors

    def wait_for_more_than(self, commits: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.commits <= commits and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.commits > commits, self.errors or "no writer committed for a minute"

    def _run(self, number: int) -> None:
        try:
            with self.app.app_context():
                work = self._tick if number < 2 else self._assign
                step = 0
                while not self.stop.is_set():
                    work(number, step)
                    db.session.commit()
                    db.session.remove()
                    step += 1
                    with self.lock:
                        self.commits += 1
        except BaseException as error:  # reported by __exit__
            self.errors.append(error)

    def _assign(self, number: int, step: int) -> None:
        body = db.session.scalar(select(Body).where(Body.key == "health"))
        duty = Responsibility(
            plan_id=1,
            ref=f"W{number}.{step}",
            paragraph="W",
            position=200_000 + number * 10_000 + step,
            text="Extra work while a backup runs",
            schedule={"kind": "date", "due_on": "2019-06-30"},
            ad_hoc=True,
            body_roles=[ResponsibilityBody(role=ASSIGNEE, body=body, position=0)],
        )
        task = Task(
            plan_id=1,
            responsibility=duty,
            body=body,
            occurrence="2019",
            year=2019,
            due_on=date(2019, 6, 30),
        )
        db.session.add_all([duty, task, TaskEvent(task=task, kind="assigned", at=_now())])

    def _tick(self, number: int, step: int) -> None:
        key = ("health", "education")[number]
        user = db.session.scalar(select(User).where(User.email == focal_email(key)))
        task = db.session.scalar(
            select(Task).where(Task.body_id == user.body_id).order_by(Task.id).offset(step % 5).limit(1)
        )
        upload = FileStorage(io.BytesIO(f"evidence {number}.{step}".encode()), filename="bc.pdf")
        progress = ("in_progress", "done")[step % 2]
        record_progress(task, user, progress, f"note {step}", evidence=evidence.store(upload))


def _now():
    from gplan.timeutil import utcnow

    return utcnow()


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    app = _empty_app(databases, tmp_path_factory.mktemp("source"))
    with app.app_context():
        seed_plan_and_accounts()
        db.session.commit()
        db.session.remove()
    yield app
    _dispose(app)


def test_backups_taken_while_ten_clients_write_all_restore(source, databases, tmp_path):
    archives = []
    with Writers(source) as writers:
        for number in range(BACKUPS):
            before = writers.commits
            archive = tmp_path / f"backup-{number}.zip"
            with source.app_context():
                write_backup(archive)
            archives.append(archive)
            # People go on writing between backups, so each backup sees a different database.
            # (A backup can finish before any writer commits; asserting writes *during* it is
            # a race, not a rule.)
            writers.wait_for_more_than(before)
    for number, archive in enumerate(archives):
        target = _empty_app(databases, tmp_path / f"target-{number}")
        try:
            with target.app_context():
                counts = restore_backup(archive)
            assert counts["task"] > 0 and _dangling(target) == {}
            with target.app_context():
                for name in db.session.scalars(
                    select(Task.evidence_file).where(Task.evidence_file.is_not(None))
                ):
                    assert evidence.path_of(name).is_file()
        finally:
            _dispose(target)
    with source.app_context():
        # Replaced evidence files were deleted: only the files tasks name are left.
        named = set(db.session.scalars(select(Task.evidence_file).where(Task.evidence_file.is_not(None))))
        on_disk = {p.name for p in evidence.upload_folder().iterdir() if p.is_file() and p.name[0] != "."}
        assert on_disk == named and len(named) > 2


def _copy_with(archive: Path, target: Path, extra: dict[str, bytes], replace: dict[str, bytes] | None = None):
    """A copy of ``archive`` with entries added after the tables, or some entries replaced."""
    replace = replace or {}
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in extra.items():
            new.writestr(name, data)
    return target


@pytest.fixture(scope="module")
def good_backup(source, tmp_path_factory):
    folder = tmp_path_factory.mktemp("good")
    with source.app_context():
        user = db.session.scalar(select(User).where(User.email == focal_email("health")))
        task = db.session.scalar(select(Task).where(Task.body_id == user.body_id).order_by(Task.id).limit(1))
        upload = FileStorage(io.BytesIO(b"%PDF evidence"), filename="bc.pdf")
        record_progress(task, user, "done", "Báo cáo", evidence=evidence.store(upload))
        db.session.commit()
        write_backup(folder / "good.zip")
    return folder / "good.zip"


def _last_table_line(archive: Path) -> tuple[str, bytes]:
    with zipfile.ZipFile(archive) as old:
        name = max(
            (i for i in old.infolist() if i.filename.startswith("tables/") and i.file_size),
            key=lambda i: i.header_offset,
        ).filename
        return name, old.read(name)


@pytest.mark.parametrize("fault", ["bad entry", "corrupt line", "dangling row", "truncated table"])
def test_a_restore_that_fails_leaves_nothing_and_a_second_one_works(fault, good_backup, databases, tmp_path):
    name, data = _last_table_line(good_backup)
    broken = {
        "bad entry": lambda: _copy_with(good_backup, tmp_path / "b.zip", {"uploads/../../evil.txt": b"x"}),
        "corrupt line": lambda: _copy_with(good_backup, tmp_path / "b.zip", {}, {name: data + b'{"id": \n'}),
        "dangling row": lambda: _copy_with(
            good_backup,
            tmp_path / "b.zip",
            {},
            {
                "tables/task_event.jsonl": _task_events(good_backup) + b'{"id": 999999, "task_id": 999999, '
                b'"at": {"$dt": "2018-01-01T00:00:00+00:00"}, "kind": "progress"}\n'
            },
        ),
        "truncated table": lambda: _copy_with(
            good_backup, tmp_path / "b.zip", {}, {name: data.split(b"\n", 1)[1]}
        ),
    }[fault]()
    target = _empty_app(databases, tmp_path / "target")
    try:
        with target.app_context():
            with pytest.raises(BackupError):
                restore_backup(broken)
            assert _rows(target) == 0
            assert list(evidence.upload_folder().iterdir()) == []
            counts = restore_backup(good_backup)
            assert counts["task"] > 0 and _dangling(target) == {}
            restored = {p.name: p.read_bytes() for p in evidence.upload_folder().iterdir()}
            with zipfile.ZipFile(good_backup) as archive:
                assert restored == {
                    n.removeprefix("uploads/"): archive.read(n) for n in archive.namelist() if "uploads/" in n
                }
            assert b"%PDF evidence" in restored.values()
    finally:
        _dispose(target)


def _task_events(archive: Path) -> bytes:
    with zipfile.ZipFile(archive) as old:
        return old.read("tables/task_event.jsonl")


def test_the_backup_file_is_readable_by_its_owner_only(good_backup, source, tmp_path):
    assert stat.S_IMODE(good_backup.stat().st_mode) == 0o600
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"")
    existing.chmod(0o644)
    previous = os.umask(0o022)
    try:
        with source.app_context():
            write_backup(existing)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_a_backup_with_dangling_rows_fails_loudly(databases, tmp_path):
    app = _empty_app(databases, tmp_path / "instance")
    with app.app_context(), db.engine.connect() as connection:
        # A database that lost a row behind its constraints' back (checks switched off).
        if connection.dialect.name == "sqlite":  # outside any transaction, or it does nothing
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        connection.execute(
            TaskEvent.__table__.insert().values(id=999_999, task_id=999_999, at=_now(), kind="progress")
        )
        connection.commit()
        connection.invalidate()  # the setting must not outlive this connection
    target = tmp_path / "backups" / "inconsistent.zip"
    target.parent.mkdir()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
    _dispose(app)
    assert result.exit_code == 1
    assert "task_event.task_id × 1" in result.output and "no backup was written" in result.output
    assert list(target.parent.iterdir()) == []


def test_a_table_is_read_line_by_line(tmp_path):
    """A big table entry is never held whole in memory."""
    import tracemalloc

    archive = tmp_path / "big.zip"
    line = b'{"id": 1, "text": "' + b"x" * 1000 + b'"}\n'
    with (
        zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as new,
        new.open("tables/audit_event.jsonl", "w") as entry,
    ):
        for _ in range(30_000):  # 30 MB
            entry.write(line)
    with zipfile.ZipFile(archive) as opened:
        tracemalloc.start()
        try:
            count = sum(1 for _ in rows_of(opened, "audit_event"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert count == 30_000 and peak < 2 * 1024 * 1024


def test_verify_names_what_dangles(good_backup, tmp_path):
    with zipfile.ZipFile(good_backup) as old:
        manifest = json.loads(old.read("manifest.json"))
    manifest["counts"]["responsibility"] = 0
    broken = _copy_with(
        good_backup,
        tmp_path / "b.zip",
        {},
        {"tables/responsibility.jsonl": b"", "manifest.json": json.dumps(manifest).encode()},
    )
    with pytest.raises(BackupError, match=r"task\.responsibility_id × \d+"):
        verify_backup(broken)
