"""The demo tells the truth: the 2016–2020 plan as issued, shown on a simulated day inside its
period, with every date, status and reminder computed for that day, and a banner saying so."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from gplan import create_app
from gplan.extensions import db
from gplan.mail.vocabulary import MailKind
from gplan.models import BodyReport, MailMessage, Plan, TargetActual, Task, TaskEvent, User
from gplan.reminders.run import run_reminders
from gplan.tasks.vocabulary import TaskProgress, TaskStatus
from gplan.timeutil import LOCAL_TZ, local_today, simulate_today, utcnow
from tests.conftest import app_config
from tests.helpers import COORDINATOR_EMAIL, login

REAL_NOW = datetime(2026, 12, 1, 9, 30, tzinfo=LOCAL_TZ)
DEMO_DAY = date(2018, 11, 20)


@pytest.fixture
def real_clock():
    with time_machine.travel(REAL_NOW, tick=False) as traveller:
        yield traveller


def test_flask_demo_loads_the_plan_as_issued_with_the_progress_of_a_day_in_its_period(fresh_app, real_clock):
    with fresh_app.app_context():  # the command runs in the app of the context it finds
        result = fresh_app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        again = fresh_app.test_cli_runner().invoke(args=["demo"])
        assert again.exit_code == 0, again.output
    assert "(2016–2020)" in result.output and "GPLAN_TODAY=2018-11-20" in result.output
    assert "coordinator@example.org" in result.output and "district-binh-giang@example.org" in result.output
    with fresh_app.app_context():
        plans = db.session.scalars(select(Plan)).all()
        assert [(p.code, p.period_start, p.period_end) for p in plans] == [("3002/KH-UBND", 2016, 2020)]
        assert "2016-2020" in plans[0].title or "2016 - 2020" in plans[0].title
        done = db.session.scalars(select(Task).where(Task.progress == TaskProgress.DONE)).all()
        assert len(done) > 50 and max(task.completed_on for task in done) <= DEMO_DAY
        open_late = db.session.scalar(
            select(func.count(Task.id)).where(Task.progress != TaskProgress.DONE, Task.due_on < DEMO_DAY)
        )
        assert open_late > 0  # some late ones to chase on that day
        events = db.session.scalars(select(TaskEvent)).all()
        assert len(events) >= len(done) and max(e.at for e in events).date() <= DEMO_DAY
        years = set(db.session.scalars(select(TargetActual.year)))
        assert years == {2015, 2016, 2017, 2018}  # the year before the period up to "this" year
        # Last year's body reports: accepted, returned and waiting, each decision mailed to the body.
        states = Counter(db.session.scalars(select(BodyReport.status).where(BodyReport.year == 2017)))
        assert {s: n > 0 for s, n in states.items()} == {
            "accepted": True,
            "returned": True,
            "submitted": True,
        }
        decided = select(func.count(MailMessage.id)).where(
            MailMessage.kind.in_(["report_accepted", "report_returned"])
        )
        assert db.session.scalar(decided) >= states["accepted"] + states["returned"]
        demo_user = db.session.scalar(select(User).filter_by(email="coordinator@example.org"))
        assert demo_user.check_password("gplan-demo-2026")


def test_a_simulated_day_moves_today_and_every_instant_by_whole_days(fresh_app, real_clock):
    simulate_today(fresh_app, DEMO_DAY)
    with fresh_app.app_context():
        assert local_today() == DEMO_DAY
        now = utcnow().astimezone(LOCAL_TZ)
        assert now.date() == DEMO_DAY and (now.hour, now.minute) == (9, 30)
        real_clock.shift(timedelta(hours=20))  # the clock still runs: the next day comes
        assert local_today() == DEMO_DAY + timedelta(days=1)
    simulate_today(fresh_app, None)
    with fresh_app.app_context():
        assert local_today() == (REAL_NOW + timedelta(hours=20)).date()


def _demo_app(databases, tmp_path):
    app = create_app(app_config(databases.new(), tmp_path) | {"GPLAN_TODAY": "20/11/2018"})
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    return app


def test_statuses_pages_and_reminders_are_those_of_the_simulated_day(databases, tmp_path, real_clock):
    app = _demo_app(databases, tmp_path)
    with app.app_context():
        tasks = db.session.scalars(select(Task).where(Task.progress != TaskProgress.DONE)).all()
        before = next(t for t in tasks if t.deadline < DEMO_DAY)
        after = next(t for t in tasks if t.deadline > DEMO_DAY + timedelta(days=30))
        assert before.status_on(local_today()) == TaskStatus.OVERDUE
        assert after.status_on(local_today()) != TaskStatus.OVERDUE

        client = app.test_client()
        login(client, "coordinator@example.org", "gplan-demo-2026")
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert "Ngày mô phỏng" in page and "20/11/2018" in page
        assert "Năm 2018" in page  # the coordinator opens on "this" year

        run_reminders(local_today())
        db.session.commit()
        # The digests of that day (the demo's decisions on last year's body reports were mailed too).
        digests = select(MailMessage.subject).where(MailMessage.kind == MailKind.REMINDER_DIGEST)
        subjects = db.session.scalars(digests).all()
        assert subjects and all("20/11/2018" in subject for subject in subjects)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_no_banner_on_the_real_date(client, seed):
    login(client, COORDINATOR_EMAIL)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Ngày mô phỏng" not in page


def test_a_wrong_simulated_date_is_refused_at_start(databases, tmp_path):
    with pytest.raises(RuntimeError, match="GPLAN_TODAY='31/02/2018' is not a date"):
        create_app(app_config(databases.new(), tmp_path) | {"GPLAN_TODAY": "31/02/2018"})


def test_serve_refuses_a_wrong_today(fresh_app):
    with fresh_app.app_context():
        result = fresh_app.test_cli_runner().invoke(args=["serve", "--today", "2018-13-01"])
    assert result.exit_code == 2 and "is not a date (dd/mm/yyyy or yyyy-mm-dd)" in result.output
