"""The daily run against a real SMTP server: who gets what, once, in one digest each."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import delete, func, select

from gplan.extensions import db
from gplan.mail.delivery import deliver_pending
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage, Reminder, ReminderRun
from gplan.reminders.run import COVERED, run_reminders
from gplan.timeutil import LOCAL_TZ
from tests.helpers import COORDINATOR_EMAIL, focal_email, task_of, user
from tests.helpers import body as body_of
from tests.reminders.conftest import reopen, settle_before

TUESDAY = date(2018, 6, 12)


def links(received) -> set[str]:
    """The task pages a digest links to."""
    return {
        line.strip().removeprefix("http://gplan.test/tasks/")
        for line in received.text.splitlines()
        if line.strip().startswith("http://gplan.test/tasks/")
    }


@pytest.fixture
def june_12():
    """Tuesday 12/06/2018, 07:00 in Hải Dương. Everything due before is done, except:
    police 7 days late, health due today, finance 21 days late (past the 14-day threshold),
    and science-technology (no focal point, a contact address) due today. DOLISA and the
    provincial office have half-year reports due on 15/06, three days ahead."""
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False) as traveller:
        settle_before(TUESDAY)
        tasks = {
            "police": reopen(task_of("police", "IV.11.a", "2018"), TUESDAY - timedelta(days=7)),
            "health": reopen(task_of("health", "IV.0", "2018"), TUESDAY),
            "finance": reopen(task_of("finance", "IV.4.a", "2018"), TUESDAY - timedelta(days=21)),
            "science": reopen(task_of("science-technology", "IV.0", "2018"), TUESDAY),
        }
        user(focal_email("science-technology")).is_enabled = False
        body_of("science-technology").contact_email = "Van.Thu@KHCN.haiduong.gov.vn"
        user(focal_email("police")).locale = "en"
        db.session.commit()
        yield tasks, traveller


def test_each_recipient_gets_exactly_their_tasks_in_one_digest(smtp, june_12):
    tasks, _ = june_12
    result = run_reminders(TUESDAY)

    assert result.days == [TUESDAY]
    expected = {
        focal_email("dolisa"): {
            task_of("dolisa", "IV.1.c", "2018:half_year_report").id,
            task_of("dolisa", "IV.1.d", "2018:half_year_report").id,
        },
        focal_email("provincial-office"): {
            task_of("provincial-office", "IV.2.a", "2018:half_year_report").id
        },
        focal_email("police"): {tasks["police"].id},
        focal_email("health"): {tasks["health"].id},
        focal_email("finance"): {tasks["finance"].id},
        "van.thu@khcn.haiduong.gov.vn": {tasks["science"].id},
        COORDINATOR_EMAIL: {tasks["finance"].id},
    }
    assert smtp.recipients() == sorted(expected)  # one digest each, nobody else
    for address, task_ids in expected.items():
        (digest,) = smtp.to(address)
        assert links(digest) == {str(task_id) for task_id in task_ids}, address
    assert smtp.to(focal_email("justice")) == []  # nothing due: no mail at all
    sent = db.session.scalar(select(func.count(MailMessage.id)).where(MailMessage.status == MailState.SENT))
    assert sent == len(expected)


def test_digest_reads_well_in_the_recipients_language(smtp, june_12):
    run_reminders(TUESDAY)

    (vietnamese,) = smtp.to(focal_email("dolisa"))
    assert vietnamese.subject.startswith("[gplan]") and "12/06/2018" in vietnamese.subject
    assert "Kính gửi" in vietnamese.text and 'lang="vi"' in vietnamese.html
    assert "15/06/2018" in vietnamese.text and "2018-06-15" not in vietnamese.text
    assert "IV.1.c" in vietnamese.html and "http://gplan.test/tasks/" in vietnamese.html

    (english,) = smtp.to(focal_email("police"))
    assert english.subject == "[gplan] Reminders for 12/06/2018: 1 overdue"
    assert english.text.startswith("Hello ") and 'lang="en"' in english.html
    assert "05/06/2018 · 7 days late" in english.text

    (coordinator,) = smtp.to(COORDINATOR_EMAIL)
    assert "Sở Tài chính" in coordinator.text  # the late body is named
    (finance,) = smtp.to(focal_email("finance"))
    assert "the coordinator has been informed" in finance.text or "điều phối" in finance.text.lower()

    (contact,) = smtp.to("van.thu@khcn.haiduong.gov.vn")
    assert "Sở Khoa học và Công nghệ" in contact.text  # why a contact address gets it


def test_the_same_day_twice_sends_nothing_more(smtp, june_12):
    first = run_reminders(TUESDAY)
    count = len(smtp.received)

    again = run_reminders(TUESDAY)

    assert first.digests == count == 7
    assert again.skipped == COVERED and again.digests == 0
    assert len(smtp.received) == count
    assert db.session.scalar(select(func.count(Reminder.id))) == first.reminders


def test_a_day_covered_again_plans_nothing_already_sent(app, smtp, june_12):
    """The planner leaves out every reminder already recorded, so a day covered a second time
    (here: after the log of runs was cleared) plans nothing twice; the unique key on the
    reminder table is only the last guard."""
    first = run_reminders(TUESDAY)
    db.session.execute(delete(ReminderRun))
    db.session.commit()

    preview = app.test_cli_runner().invoke(args=["reminders", "preview", "--date", "2018-06-12"])
    again = run_reminders(TUESDAY)

    assert f"0 emails, 0 reminders, {first.reminders} already sent" in preview.output, preview.output
    assert (again.digests, again.reminders) == (0, 0)
    assert len(smtp.received) == first.digests == 7


def test_server_refusing_loses_nothing_and_each_arrives_once(smtp, june_12):
    _, traveller = june_12
    smtp.refuse = "451 4.3.0 Try again later"

    result = run_reminders(TUESDAY)

    assert smtp.received == []
    waiting = db.session.scalars(select(MailMessage).order_by(MailMessage.id)).all()
    assert len(waiting) == result.digests == 7
    assert all(m.status == MailState.PENDING and m.attempts == 1 and "451" in m.last_error for m in waiting)

    smtp.refuse = None
    assert deliver_pending()[MailState.SENT] == 0  # backing off: not yet
    traveller.shift(timedelta(minutes=3))
    assert deliver_pending()[MailState.SENT] == 7
    assert deliver_pending()[MailState.SENT] == 0
    assert len(smtp.received) == 7 and len(set(smtp.recipients())) == 7
    assert run_reminders(TUESDAY).digests == 0 and len(smtp.received) == 7


def test_server_down_loses_nothing_and_each_arrives_once(smtp, june_12):
    _, traveller = june_12
    smtp.stop()

    run_reminders(TUESDAY)

    errors = db.session.scalars(select(MailMessage.last_error)).all()
    assert len(errors) == 7 and all("Connection refused" in e or "ConnectionRefused" in e for e in errors)
    smtp.start()
    traveller.shift(timedelta(hours=1))
    run_reminders(TUESDAY)  # the next tick of the scheduler: nothing new, the outbox is sent
    assert len(smtp.received) == 7 and len(set(smtp.recipients())) == 7


def test_three_days_of_downtime_then_one_run_sends_the_missed_reminders_once(smtp):
    friday, tuesday = date(2018, 6, 8), TUESDAY
    with time_machine.travel(datetime(2018, 6, 8, 7, 0, tzinfo=LOCAL_TZ), tick=False) as traveller:
        settle_before(friday)
        report = task_of("provincial-office", "IV.2.a", "2018:half_year_report")  # due Friday 15/06
        annual = reopen(task_of("police", "IV.11.a", "2018"), date(2018, 6, 2))  # late, weekly from 09/06
        run_reminders(friday)
        assert smtp.received == []  # nothing was due on Friday
        # Saturday, Sunday and Monday: the server running gplan is down.
        traveller.move_to(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ))

        result = run_reminders(tuesday)

        assert result.days == [date(2018, 6, 9), date(2018, 6, 10), date(2018, 6, 11), tuesday]
        (police,) = smtp.to(focal_email("police"))
        assert links(police) == {str(annual.id)}  # the 7-days-late reminder of Saturday, once
        (office,) = smtp.to(focal_email("provincial-office"))
        assert links(office) == {str(report.id)}  # 3 days before, on Tuesday
        sent = {(r.task_id, r.on_date) for r in db.session.scalars(select(Reminder))}
        assert (annual.id, date(2018, 6, 9)) in sent
        count = len(smtp.received)

        traveller.move_to(datetime(2018, 6, 13, 7, 0, tzinfo=LOCAL_TZ))
        run_reminders(date(2018, 6, 13))
        assert len(smtp.to(focal_email("police"))) == 1  # not again on Wednesday
        assert len(smtp.received) == count
