"""Policies other than the defaults, set on the admin's page and run through the planner:
which days one task is reminded on, and of what.

The task: the provincial office's half-year report for 2018 (IV.2.a), due Friday 15/06/2018,
followed from 01/06 to 10/07; and DOLISA's 2018 Action Month (opens 15/11/2018).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from gplan.reminders.planner import due_reminders
from gplan.reminders.policy import Policy, current_policy, save_policy
from gplan.reminders.vocabulary import ReminderKind
from gplan.validation import InputError
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, focal_email, login, submit, task_of, user

FORM = {
    "days_before": "14, 3",
    "on_due_date": "y",
    "overdue_every_days": "7",
    "escalate_after_days": "14",
    "window_notice_days": "14",
    "window_open_notice": "y",
}
OFF = None  # an unticked box is not sent


def _set_policy(client, **fields) -> None:
    form = {name: value for name, value in (FORM | fields).items() if value is not OFF}
    assert submit(client, "/admin/reminders", form).status_code == 302


def _reminded(task_id: int, first: date, last: date) -> dict[date, dict[str, set[str]]]:
    """Day by day, who is reminded of the task and of what, by the policy in force."""
    result = {}
    day = first
    while day <= last:
        for digest in due_reminders(day, ignore_history=True).digests:
            kinds = {kind for task, kind, _on in digest.reminders if task == task_id}
            if kinds:
                result.setdefault(day, {})[digest.recipient.email] = kinds
        day += timedelta(days=1)
    return result


def _office(*kinds: str) -> dict[str, set[str]]:
    return {focal_email("provincial-office"): set(kinds)}


@pytest.fixture
def report() -> int:
    return task_of("provincial-office", "IV.2.a", "2018:half_year_report").id


@pytest.fixture
def admin(client):
    login(client, ADMIN_EMAIL)
    return client


def test_the_defaults_through_the_planner(report):
    assert _reminded(report, date(2018, 6, 1), date(2018, 7, 10)) == {
        date(2018, 6, 1): _office(ReminderKind.DUE_SOON),  # 14 days before
        date(2018, 6, 12): _office(ReminderKind.DUE_SOON),  # 3 days before
        date(2018, 6, 15): _office(ReminderKind.DUE_TODAY),
        date(2018, 6, 22): _office(ReminderKind.OVERDUE),
        date(2018, 6, 29): _office(ReminderKind.OVERDUE),  # 14 days late: not yet more than 14
        date(2018, 7, 6): _office(ReminderKind.ESCALATION) | {COORDINATOR_EMAIL: {ReminderKind.ESCALATION}},
    }


def test_the_day_before_and_no_reminder_on_the_due_date(admin, report):
    _set_policy(admin, days_before="7, 1", on_due_date=OFF, escalate_after_days="0")

    assert _reminded(report, date(2018, 6, 1), date(2018, 7, 10)) == {
        date(2018, 6, 8): _office(ReminderKind.DUE_SOON),
        date(2018, 6, 14): _office(ReminderKind.DUE_SOON),  # the day before
        date(2018, 6, 22): _office(ReminderKind.OVERDUE),
        date(2018, 6, 29): _office(ReminderKind.OVERDUE),
        date(2018, 7, 6): _office(ReminderKind.OVERDUE),  # never escalated
    }


def test_no_repeat_while_overdue_escalates_once(admin, report):
    _set_policy(admin, days_before="", overdue_every_days="0", escalate_after_days="10")

    assert _reminded(report, date(2018, 6, 1), date(2018, 7, 10)) == {
        date(2018, 6, 15): _office(ReminderKind.DUE_TODAY),
        date(2018, 6, 26): _office(ReminderKind.ESCALATION)
        | {COORDINATOR_EMAIL: {ReminderKind.ESCALATION}},  # 11 days late
    }


def test_every_three_days_while_overdue(admin, report):
    _set_policy(admin, days_before="3", overdue_every_days="3", escalate_after_days="7")

    reminded = _reminded(report, date(2018, 6, 1), date(2018, 6, 30))

    assert reminded == {
        date(2018, 6, 12): _office(ReminderKind.DUE_SOON),
        date(2018, 6, 15): _office(ReminderKind.DUE_TODAY),
        date(2018, 6, 18): _office(ReminderKind.OVERDUE),
        date(2018, 6, 21): _office(ReminderKind.OVERDUE),
        date(2018, 6, 24): _office(ReminderKind.ESCALATION)
        | {COORDINATOR_EMAIL: {ReminderKind.ESCALATION}},  # 9 days late
        date(2018, 6, 27): _office(ReminderKind.ESCALATION) | {COORDINATOR_EMAIL: {ReminderKind.ESCALATION}},
        date(2018, 6, 30): _office(ReminderKind.ESCALATION) | {COORDINATOR_EMAIL: {ReminderKind.ESCALATION}},
    }


@pytest.mark.parametrize(
    ("fields", "announced"),
    [
        ({}, {date(2018, 11, 1), date(2018, 11, 15)}),
        ({"window_notice_days": "5"}, {date(2018, 11, 10), date(2018, 11, 15)}),
        ({"window_notice_days": "0", "window_open_notice": OFF}, set()),
    ],
)
def test_the_action_month_is_announced_as_the_policy_says(admin, fields, announced):
    action_month = task_of("dolisa", "II.1.b.6", "2018").id
    _set_policy(admin, **fields)

    reminded = _reminded(action_month, date(2018, 10, 25), date(2018, 11, 30))

    assert {
        day
        for day, people in reminded.items()
        if ReminderKind.WINDOW in people.get(focal_email("dolisa"), ())
    } == (announced)
    assert all(kinds == {ReminderKind.WINDOW} for people in reminded.values() for kinds in people.values())


OUT_OF_RANGE = "Mỗi số ngày phải từ 1 đến 365."
NOT_WHOLE = "Nhập số ngày là số nguyên, cách nhau bằng dấu phẩy, ví dụ 14, 3."


@pytest.mark.parametrize(
    ("days_before", "accepted"),
    [
        ("1", (1,)),
        ("365, 1", (365, 1)),
        ("3; 14", (14, 3)),
        ("", ()),
        ("0, 3", OUT_OF_RANGE),
        ("366", OUT_OF_RANGE),
        ("-1", OUT_OF_RANGE),
        ("14, soon", NOT_WHOLE),
        ("2.5", NOT_WHOLE),
    ],
)
def test_days_before_are_whole_numbers_between_1_and_365(admin, days_before, accepted):
    response = submit(admin, "/admin/reminders", FORM | {"days_before": days_before})

    if isinstance(accepted, tuple):
        assert response.status_code == 302
        assert current_policy().days_before == accepted
    else:
        page = response.get_data(as_text=True)
        field = page[page.index('id="days_before"') - 200 : page.index('id="on_due_date"')]
        assert response.status_code == 200 and accepted in field and 'aria-invalid="true"' in field
        assert current_policy() == Policy()


def test_a_policy_saved_again_replaces_the_first(admin):
    _set_policy(admin, days_before="7")
    _set_policy(admin, days_before="5", overdue_every_days="2")

    assert (current_policy().days_before, current_policy().overdue_every_days) == ((5,), 2)


@pytest.mark.parametrize("name", ["overdue_every_days", "escalate_after_days", "window_notice_days"])
@pytest.mark.parametrize("value", [-1, 366])
def test_the_service_refuses_numbers_of_days_out_of_range(name, value):
    """The page's fields refuse them first; the service refuses them for any other caller."""
    with pytest.raises(InputError) as refused:
        save_policy(replace(Policy(), **{name: value}), user(ADMIN_EMAIL))
    assert (refused.value.field, str(refused.value)) == (name, "Nhập số ngày từ 0 đến 365.")
    save_policy(replace(Policy(), **{name: 365}), user(ADMIN_EMAIL))
    assert getattr(current_policy(), name) == 365


def test_before_the_deadline_reminders_start_the_day_after_a_window_opens(admin):
    """The Action Month opens on 15/11 and its report is due 31/12, 46 days later: on the
    opening day the opening notice stands alone; from the next day the deadline counts."""
    action_month = task_of("dolisa", "II.1.b.6", "2018").id
    _set_policy(admin, days_before="47, 46, 45", window_notice_days="0")

    assert _reminded(action_month, date(2018, 11, 13), date(2018, 11, 17)) == {
        date(2018, 11, 15): {focal_email("dolisa"): {ReminderKind.WINDOW}},
        date(2018, 11, 16): {focal_email("dolisa"): {ReminderKind.DUE_SOON}},
    }


@pytest.mark.parametrize(("value", "accepted"), [("0", True), ("365", True), ("366", False), ("-1", False)])
def test_other_numbers_of_days_are_between_0_and_365(admin, value, accepted):
    response = submit(admin, "/admin/reminders", FORM | {"escalate_after_days": value})

    assert (response.status_code == 302) is accepted
    if accepted:
        assert current_policy().escalate_after_days == int(value)
    else:
        assert current_policy() == Policy()
        assert f'value="{value}"' in response.get_data(as_text=True)
