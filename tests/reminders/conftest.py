"""Reminder tests: a real SMTP server (aiosmtpd on 127.0.0.1) and the day's situation.

``settle_before(day)`` marks every task due before ``day`` done, so that a test starts from
a clean slate and then makes the few late or due tasks it needs.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from gplan.extensions import db
from gplan.models import Task
from gplan.models.task import DONE


@dataclass
class Received:
    to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class SmtpServer:
    """A local SMTP server that records what it accepts; it can refuse (4xx) or go down."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[Received] = []
        self.refuse: str | None = None
        self._lock = threading.Lock()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]

    def recipients(self) -> list[str]:
        return sorted(address for r in self.received for address in r.to)


@pytest.fixture
def smtp(app):
    """The session app sends through a fresh local SMTP server for this test."""
    server = SmtpServer()
    server.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    app.config.update(saved)
    server.stop()


def settle_before(day: date) -> None:
    """Mark every task whose deadline is before ``day`` done on time, and commit."""
    deadline = func.coalesce(Task.extended_due_on, Task.due_on)
    db.session.execute(
        update(Task)
        .where(deadline < day, Task.progress != DONE)
        .values(progress=DONE, completed_on=Task.due_on)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()


def reopen(task: Task, deadline: date) -> Task:
    """Make ``task`` open again with an extended deadline (as after an agreed extension)."""
    task.progress, task.completed_on, task.extended_due_on = "not_started", None, deadline
    db.session.commit()
    return task


def open_tasks_due(day: date) -> list[Task]:
    deadline = func.coalesce(Task.extended_due_on, Task.due_on)
    return list(db.session.scalars(select(Task).where(deadline == day, Task.progress != DONE)))
