"""The deployment shape, for real: gunicorn workers and scheduler processes on one database,
sending to a real SMTP server. Each due reminder arrives once; a killed scheduler loses none."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, update

from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage, Reminder, Task
from gplan.timeutil import local_today
from tests.smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deployment:
    """A database with the demo plan and the processes around it (on the real date)."""

    def __init__(self, database_url: str, folder: Path, smtp: SmtpServer):
        self.url = database_url
        self.folder = folder
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "process-test",
            "GPLAN_INSTANCE": str(folder),
            "BASE_URL": "http://gplan.test",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
            "MAIL_TIMEOUT": "5",
            "REMINDER_TIME": "00:00",  # past already: a scheduler starting now runs today at once
            "OUTBOX_INTERVAL_SECONDS": "2",
            "MAIL_CLAIM_SECONDS": "3",
        }
        self.processes: list[subprocess.Popen] = []
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))

    def flask(self, *args: str) -> None:
        subprocess.run(
            [BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env, check=True, capture_output=True
        )

    def start(self, *command: str) -> subprocess.Popen:
        log = open(self.folder / f"process-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def scheduler(self) -> subprocess.Popen:
        return self.start(str(BIN / "flask"), "--app", "wsgi", "scheduler")

    def make_tasks_due_in_three_days(self, bodies: int) -> None:
        """Whatever today is, give a dozen bodies an open task due in three days (a reminder day)."""
        soon = local_today() + timedelta(days=3)
        with self.engine.begin() as connection:
            picked = (
                connection.execute(
                    select(func.min(Task.id))
                    .where(Task.progress != "done")
                    .group_by(Task.body_id)
                    .limit(bodies)
                )
                .scalars()
                .all()
            )
            connection.execute(
                update(Task).where(Task.id.in_(picked)).values(due_on=soon, extended_due_on=None)
            )

    def scalar(self, statement):
        with self.engine.connect() as connection:
            return connection.execute(statement).scalar()

    def wait_until(self, condition, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.25)
        raise AssertionError("timed out")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.engine.dispose()


@pytest.fixture
def deployment(databases, tmp_path, smtp_server):
    url = databases.new().replace("postgresql+psycopg://", "postgresql://", 1)
    running = Deployment(url, tmp_path, smtp_server)
    running.flask("db", "upgrade")
    running.flask("demo")
    running.make_tasks_due_in_three_days(bodies=12)
    yield running
    running.stop()


def _digests(deployment) -> int:
    """Every message in the outbox: the demo invites nobody, so they are the reminder digests and
    the mail telling some bodies that last year's report was accepted or returned (one each)."""
    return deployment.scalar(select(func.count(MailMessage.id)))


def _per_message(smtp_server) -> Counter:
    """How often each recipient received each message (by its subject: a person gets one digest
    a day and at most one report decision, whose subjects differ)."""
    return Counter(
        (address, received.subject) for received in smtp_server.received for address in received.to
    )


def _sent(deployment) -> int:
    return deployment.scalar(select(func.count(MailMessage.id)).where(MailMessage.status == MailState.SENT))


def _every_digest_sent(deployment) -> bool:
    digests = _digests(deployment)
    return digests > 0 and _sent(deployment) == digests


def test_two_schedulers_and_four_workers_send_each_reminder_once(deployment, smtp_server):
    port = _free_port()
    deployment.start(str(BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "wsgi:app")
    deployment.scheduler()
    deployment.scheduler()
    deployment.wait_until(
        lambda: _every_digest_sent(deployment) and len(smtp_server.received) >= _digests(deployment)
    )
    # The web workers answer meanwhile, and start no scheduler of their own.
    for _ in range(8):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as page:
            assert page.status == 200
    time.sleep(3)  # two more outbox rounds from each scheduler: nothing more may arrive
    digests = _digests(deployment)
    assert len(smtp_server.received) == digests
    per_recipient = _per_message(smtp_server)
    assert max(per_recipient.values()) == 1  # one digest a day per person, each report mail once
    assert deployment.scalar(select(func.count(MailMessage.id)).where(MailMessage.kind.like("report_%"))) > 0
    assert deployment.scalar(select(func.count(Reminder.id))) >= digests


def test_a_scheduler_killed_mid_batch_loses_no_reminder(deployment, smtp_server):
    smtp_server.delay = 0.4
    first = deployment.scheduler()
    deployment.wait_until(lambda: len(smtp_server.received) >= 2)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    digests = _digests(deployment)
    assert 2 <= len(smtp_server.received) < digests  # it really died in the middle
    smtp_server.delay = 0
    deployment.scheduler()
    deployment.wait_until(lambda: _every_digest_sent(deployment))
    time.sleep(1)
    per_recipient = _per_message(smtp_server)
    assert len(per_recipient) == digests  # everybody got theirs
    # At most the one message in flight when it died may come twice (sent, not yet marked).
    assert sum(count - 1 for count in per_recipient.values()) <= 1


def _serve(command: list[str], folder: Path, port: int, extra: dict | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'gplan.db'}",
        "SECRET_KEY": "process-test",
        "GPLAN_INSTANCE": str(folder),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        **(extra or {}),
    }
    env.pop("GUNICORN_CONTROL_SOCKET", None)
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / "server.log", "w")  # noqa: SIM115
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _get(port: int, path: str = "/login", seconds: float = 60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_two_gunicorn_installations_on_one_host_name_no_server_and_keep_their_own_control_socket(tmp_path):
    gunicorn = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    ports = [_free_port(), _free_port()]
    servers = [_serve(gunicorn, tmp_path / name, port) for name, port in zip("ab", ports, strict=True)]
    try:
        for name, port in zip("ab", ports, strict=True):
            with _get(port) as page:
                assert page.status == 200
                assert page.headers.get("Server") is None
            socket_path = tmp_path / name / "gunicorn.ctl"
            deadline = time.monotonic() + 30
            while not socket_path.exists() and time.monotonic() < deadline:
                time.sleep(0.25)
            assert socket_path.is_socket()
            assert (socket_path.stat().st_mode & 0o777) == 0o600
        assert all(server.poll() is None for server in servers)  # neither took the other's socket
    finally:
        _stop(*servers)


def test_waitress_names_no_server(tmp_path):
    port = _free_port()
    command = [str(BIN / "flask"), "--app", "wsgi", "serve", "--no-scheduler", "--port", str(port)]
    server = _serve(command, tmp_path / "embedded", port)
    try:
        with _get(port) as page:
            assert page.status == 200
            assert page.headers.get("Server") is None
    finally:
        _stop(server)
