"""Two runs at once (two schedulers started by mistake): each reminder still goes out once."""

import threading
from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from gplan.accounts.users import create_user
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import MailMessage, Reminder, ReminderRun
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.plans.queries import task_holding_bodies
from gplan.reminders.lease import acquire, new_holder
from gplan.reminders.run import BUSY, COVERED, LEASE_NAME, LEASE_TTL, run_reminders
from gplan.timeutil import LOCAL_TZ
from tests.helpers import PLAN_FILE

DAY = date(2018, 6, 12)


@pytest.fixture
def smtp_app(fresh_app, smtp_server):
    """A fresh database with the plan, a focal point per body and a coordinator (no
    passwords, to keep it quick), sending through its own local SMTP server."""
    # The autouse rollback fixture points ``db.session`` at the shared test connection; this
    # app's threads need ordinary sessions on its own database.
    rolled_back, db.session = db.session, db._make_scoped_session({})
    fresh_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_TIMEOUT=5)
    with fresh_app.app_context():
        plan = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name).plan
        for body in task_holding_bodies(plan):
            create_user(email=f"{body.key}@haiduong.gov.vn", name=body.name, role=Role.FOCAL_POINT, body=body)
        create_user(email="coordinator@haiduong.gov.vn", name="Điều phối", role=Role.COORDINATOR)
        db.session.commit()
        db.session.remove()
    yield fresh_app, smtp_server
    db.session = rolled_back


def _run_in_threads(app, count: int) -> list:
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def work(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                results[index] = run_reminders(DAY)
                db.session.remove()
        except Exception as error:  # reported below, with the failing thread's error
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_runs_at_once_send_each_digest_once(smtp_app):
    app, smtp = smtp_app

    results = _run_in_threads(app, 2)

    # One ran; the other found the lease taken (or, had it started later, the day covered).
    outcomes = sorted(r.skipped or "ran" for r in results)
    assert outcomes in (sorted([BUSY, "ran"]), sorted([COVERED, "ran"]))
    with app.app_context():
        digests = db.session.scalar(select(func.count(MailMessage.id)))
        reminders = db.session.scalar(select(func.count(Reminder.id)))
        runs = db.session.scalar(select(func.count(ReminderRun.id)))
    assert digests > 0 and runs == 1
    assert len(smtp.received) == digests
    assert len(set(smtp.recipients())) == len(smtp.recipients())  # nobody twice
    assert reminders == sum(r.reminders for r in results)


def test_a_held_lease_keeps_a_second_scheduler_out_until_it_expires(smtp_app):
    app, smtp = smtp_app
    with (
        app.app_context(),
        time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False) as traveller,
    ):
        assert acquire(LEASE_NAME, "the other scheduler", LEASE_TTL)  # a run in progress elsewhere
        assert run_reminders(DAY).skipped == BUSY
        assert smtp.received == []
        traveller.shift(LEASE_TTL * 2)  # that run died without releasing its lease
        assert run_reminders(DAY).skipped is None
        assert len(smtp.received) > 0
        assert acquire(LEASE_NAME, new_holder(), LEASE_TTL)  # released at the end of the run
        db.session.remove()
