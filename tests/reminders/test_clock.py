"""The clock: 07:00 in Hải Dương, the local day near midnight, one scheduler, and the CLI."""

import signal
import threading
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from gplan import create_app
from gplan.extensions import db
from gplan.models import MailMessage, Reminder
from gplan.reminders.jobs import daily_reminders
from gplan.reminders.scheduler import build_scheduler, catch_up_due, daily_trigger
from gplan.timeutil import LOCAL_TZ
from tests.conftest import app_config
from tests.helpers import focal_email, task_of
from tests.reminders.conftest import reopen, settle_before


def test_the_daily_run_is_at_seven_in_hai_duong():
    late_evening = datetime(2018, 6, 11, 23, 59, tzinfo=LOCAL_TZ)
    next_run = daily_trigger().get_next_fire_time(None, late_evening)
    assert next_run == datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ)
    assert next_run.astimezone(UTC) == datetime(2018, 6, 12, 0, 0, tzinfo=UTC)


def test_near_midnight_reminders_land_on_the_local_day(app, smtp):
    with time_machine.travel(datetime(2018, 6, 11, 23, 59, 30, tzinfo=LOCAL_TZ), tick=False) as traveller:
        settle_before(date(2018, 6, 11))
        task = reopen(task_of("health", "IV.0", "2018"), date(2018, 6, 12))

        daily_reminders(app)  # 11/06 in Hải Dương: due tomorrow, no reminder that day
        assert smtp.to(focal_email("health")) == []

        traveller.move_to(datetime(2018, 6, 12, 0, 0, 30, tzinfo=LOCAL_TZ))  # still 11/06 in UTC
        daily_reminders(app)

    (digest,) = smtp.to(focal_email("health"))
    assert "12/06/2018" in digest.subject
    reminder = db.session.scalar(select(Reminder).where(Reminder.task_id == task.id))
    assert reminder.on_date == date(2018, 6, 12) and reminder.kind == "due_today"


def test_a_scheduler_started_late_catches_up_at_once(app):
    with time_machine.travel(datetime(2018, 6, 12, 6, 59, tzinfo=LOCAL_TZ), tick=False):
        assert not catch_up_due(app)  # 07:00 has not come yet
    with time_machine.travel(datetime(2018, 6, 12, 7, 1, tzinfo=LOCAL_TZ), tick=False):
        assert catch_up_due(app)
        scheduler = build_scheduler(app)
    jobs = {job.id for job in scheduler.get_jobs()}
    assert jobs == {"daily-reminders", "deliver-outbox", "deliver-account-mail", "catch-up"}
    assert not scheduler.running


def test_building_the_app_starts_no_scheduler(databases, tmp_path):
    before = set(threading.enumerate())
    web_app = create_app(app_config(databases.new(), tmp_path))
    # The sign-in limiter's in-memory store may start a short expiry timer; nothing else.
    started = {t for t in set(threading.enumerate()) - before if not isinstance(t, threading.Timer)}
    assert started == set()
    assert "apscheduler" not in str(web_app.extensions).lower()


def test_preview_sends_and_records_nothing(app):
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(date(2018, 6, 12))
        result = app.test_cli_runner().invoke(args=["reminders", "preview", "--date", "2018-06-12"])
    assert result.exit_code == 0, result.output
    assert "2 emails, 3 reminders" in result.output
    assert focal_email("dolisa") in result.output and "IV.1.c" in result.output
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0
    assert db.session.scalar(select(func.count(Reminder.id))) == 0


def test_run_queues_the_days_digests_and_keeps_them_in_the_outbox_without_a_server(app):
    runner = app.test_cli_runner()
    with time_machine.travel(datetime(2018, 6, 13, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(date(2018, 6, 12))
        result = runner.invoke(args=["reminders", "run", "--date", "2018-06-12"])
        assert result.exit_code == 0, result.output
        assert "2 emails queued with 3 reminders" in result.output and "2 held" in result.output
        again = runner.invoke(args=["reminders", "run", "--date", "2018-06-12"])
        assert "nothing queued (covered)" in again.output
        future = runner.invoke(args=["reminders", "run", "--date", "2018-06-20"])
        assert future.exit_code == 2 and "still to come" in future.output
    statuses = db.session.scalars(select(MailMessage.status)).all()
    assert statuses == ["held"] * 2


def test_the_job_logs_what_it_did(app, caplog):
    caplog.set_level("INFO", logger="gplan.tasks")
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(date(2018, 6, 12))
        daily_reminders(app)
    assert "2 digests with 3 reminders queued" in caplog.text


def test_serve_runs_the_scheduler_in_its_own_process_and_stops_it(databases, tmp_path, monkeypatch):
    import waitress

    seen = {}

    def fake_serve(app, **kwargs):  # instead of serving until Ctrl+C
        seen["threads"] = {t.name for t in threading.enumerate()}

    monkeypatch.setattr(waitress, "serve", fake_serve)
    # This app's own database and sessions, not the rolled-back test connection.
    rolled_back, db.session = db.session, db._make_scoped_session({})
    try:
        single = create_app(app_config(databases.new(), tmp_path))
        with (
            single.app_context(),
            time_machine.travel(datetime(2018, 6, 12, 6, 0, tzinfo=LOCAL_TZ), tick=False),
        ):
            result = single.test_cli_runner().invoke(args=["serve"])
            assert result.exit_code == 0, result.output
            assert "APScheduler" in seen["threads"] and "07:00 Asia/Ho_Chi_Minh" in result.output
            without = single.test_cli_runner().invoke(args=["serve", "--no-scheduler"])
            assert without.exit_code == 0 and "07:00" not in without.output
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session = rolled_back


def test_serve_and_scheduler_print_the_configured_times(databases, tmp_path, monkeypatch):
    import waitress
    from apscheduler.schedulers.blocking import BlockingScheduler

    started = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: None)  # instead of serving until Ctrl+C
    monkeypatch.setattr(BlockingScheduler, "start", lambda self: started.update(jobs=self.get_jobs()))
    config = app_config(databases.new(), tmp_path) | {
        "REMINDER_TIME": "06:30",
        "OUTBOX_INTERVAL_SECONDS": 120,
    }
    rolled_back, db.session = db.session, db._make_scoped_session({})
    on_sigterm = signal.getsignal(signal.SIGTERM)  # the scheduler command sets its own
    try:
        configured = create_app(config)
        with (
            configured.app_context(),
            time_machine.travel(datetime(2018, 6, 12, 6, 0, tzinfo=LOCAL_TZ), tick=False),
        ):
            served = configured.test_cli_runner().invoke(args=["serve"])
            clock = configured.test_cli_runner().invoke(args=["scheduler"])
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session = rolled_back
        signal.signal(signal.SIGTERM, on_sigterm)
    expected = "reminders daily at 06:30 Asia/Ho_Chi_Minh, the outbox every 2 minutes"
    assert served.exit_code == 0 and expected in served.output, served.output
    assert clock.exit_code == 0 and expected in clock.output, clock.output
    assert "07:00" not in served.output + clock.output and "5 minutes" not in served.output + clock.output
    jobs = {job.id: job.trigger for job in started["jobs"]}  # and that is what was scheduled
    assert str(jobs["daily-reminders"]) == "cron[hour='6', minute='30']"
    assert jobs["deliver-outbox"].interval.total_seconds() == 120
