"""The policy's rules on the real plan: due dates, the Action Month, weekends, and the cost."""

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import event

from gplan.extensions import db
from gplan.reminders.planner import due_reminders
from gplan.reminders.policy import Policy, kinds_on, save_policy
from gplan.reminders.run import WEEKEND, run_reminders
from gplan.reminders.vocabulary import DigestSection, ReminderKind
from gplan.timeutil import LOCAL_TZ
from tests.helpers import ADMIN_EMAIL, focal_email, task_of, user
from tests.reminders.conftest import reopen, settle_before

DUE = date(2018, 12, 10)
DEFAULT = Policy()


@pytest.mark.parametrize(
    ("day", "kinds"),
    [
        (date(2018, 11, 26), [ReminderKind.DUE_SOON]),  # 14 days before
        (date(2018, 11, 27), []),
        (date(2018, 12, 7), [ReminderKind.DUE_SOON]),  # 3 days before
        (date(2018, 12, 10), [ReminderKind.DUE_TODAY]),
        (date(2018, 12, 11), []),
        (date(2018, 12, 17), [ReminderKind.OVERDUE]),  # weekly while overdue
        (date(2018, 12, 24), [ReminderKind.OVERDUE]),
        (date(2018, 12, 31), [ReminderKind.ESCALATION]),  # 21 days: more than 14, the coordinator is copied
        (date(2019, 1, 7), [ReminderKind.ESCALATION]),
    ],
)
def test_the_default_rhythm_of_a_due_date(day, kinds):
    assert kinds_on(day, DUE, None, DEFAULT) == kinds


@pytest.mark.parametrize(
    ("day", "kinds"),
    [
        (date(2018, 11, 1), [ReminderKind.WINDOW]),  # 14 days before the Action Month opens
        (date(2018, 11, 15), [ReminderKind.WINDOW]),  # it opens
        (date(2018, 12, 1), []),
        (date(2018, 12, 17), [ReminderKind.DUE_SOON]),  # its report is due 31/12, 14 days after it closes
        (date(2018, 12, 28), [ReminderKind.DUE_SOON]),
        (date(2018, 12, 31), [ReminderKind.DUE_TODAY]),
    ],
)
def test_the_action_month_is_announced_then_its_report_reminded(day, kinds):
    assert kinds_on(day, date(2018, 12, 31), date(2018, 11, 15), DEFAULT) == kinds


def test_the_action_month_reaches_its_body_as_a_period_opening():
    task = task_of("culture-sports-tourism", "IV.10.d", "2018")
    (digest,) = [
        d for d in due_reminders(date(2018, 11, 1), ignore_history=True).digests if task.id in d.entries
    ]
    assert digest.recipient.email == focal_email("culture-sports-tourism")
    assert digest.sections(date(2018, 11, 1))[DigestSection.WINDOWS][0].task_id == task.id


def test_skipped_weekends_move_their_reminders_to_friday(smtp):
    save_policy(Policy(skip_weekends=True), user(ADMIN_EMAIL))
    with time_machine.travel(datetime(2018, 6, 15, 7, 0, tzinfo=LOCAL_TZ), tick=False) as traveller:
        settle_before(date(2018, 6, 15))
        saturday = reopen(task_of("health", "IV.0", "2018"), date(2018, 6, 16))

        friday = run_reminders(date(2018, 6, 15))

        assert friday.days == [date(2018, 6, 15), date(2018, 6, 16), date(2018, 6, 17)]
        (digest,) = smtp.to(focal_email("health"))
        assert f"/tasks/{saturday.id}" in digest.text  # Saturday's "due today", on Friday
        traveller.move_to(datetime(2018, 6, 16, 7, 0, tzinfo=LOCAL_TZ))
        assert run_reminders(date(2018, 6, 16)).skipped == WEEKEND
        traveller.move_to(datetime(2018, 6, 18, 7, 0, tzinfo=LOCAL_TZ))
        assert run_reminders(date(2018, 6, 18)).days == [date(2018, 6, 18)]
    assert len(smtp.to(focal_email("health"))) == 1


def test_a_digest_groups_by_urgency():
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(date(2018, 6, 12))
        late = reopen(task_of("dolisa", "IV.1.b", "2018"), date(2018, 6, 5))
        plan = due_reminders(date(2018, 6, 12))
    (digest,) = [d for d in plan.digests if d.recipient.email == focal_email("dolisa")]
    sections = digest.sections(date(2018, 6, 12))
    assert [e.task_id for e in sections["overdue"]] == [late.id]
    assert {e.ref for e in sections[DigestSection.DUE_SOON]} == {"IV.1.c", "IV.1.d"}


def _queries_to_plan(day: date) -> tuple[int, int]:
    statements = []

    def count(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):  # not the test's savepoints
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        plan = due_reminders(day, ignore_history=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), plan.reminder_count


def test_working_out_who_gets_what_costs_the_same_few_queries_however_much_is_due():
    settle_before(date(2018, 6, 12))
    quiet, few = _queries_to_plan(date(2018, 6, 12))
    busy, many = _queries_to_plan(date(2018, 12, 10))  # every body's annual report is due
    assert many > 10 * few > 0
    assert busy == quiet <= 8
