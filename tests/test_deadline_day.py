"""A deadline is a whole day: a task due today is not yet overdue — on its page, in the focal
point's list, on the coordinator's pages and in the API — and is overdue the day after. A
window open now (the Action Month) is listed with what needs doing now.

DOLISA's half-year report for 2018 (IV.1.d) is due on 15/06/2018.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.helpers import COORDINATOR_EMAIL, body, focal_email, login, task_of

DUE = date(2018, 6, 15)


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start)
    return page[start : end if end > 0 else None]


@pytest.fixture(params=[(15, "not_started"), (16, "overdue")], ids=["on-the-due-date", "the-day-after"])
def day(request):
    """9:00 in Hải Dương on the due date, and on the day after."""
    dom, status = request.param
    with time_machine.travel(datetime(2018, 6, dom, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        yield status


@pytest.fixture
def report():
    return task_of("dolisa", "IV.1.d", "2018:half_year_report")


def test_the_task_page_and_the_focal_points_list(app, seed, day, report):
    focal = app.test_client()
    login(focal, focal_email("dolisa"))
    page = focal.get(f"/tasks/{report.id}").get_data(as_text=True)
    assert f'class="badge {TaskStatus(day).css_class}"' in page
    listing = focal.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    overdue, soon = _section(listing, "h-overdue"), _section(listing, "h-soon")
    assert (f"/tasks/{report.id}" in overdue) is (day == "overdue")
    assert (f"/tasks/{report.id}" in soon) is (day != "overdue")


def test_the_coordinators_pages(app, seed, day, report):
    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    dolisa = body("dolisa").id
    listed = f"/tasks/{report.id}"
    overdue = coordinator.get(f"/p/{seed.plan_id}/progress/tasks?body={dolisa}&status=overdue")
    assert (listed in overdue.get_data(as_text=True)) is (day == "overdue")
    not_started = coordinator.get(f"/p/{seed.plan_id}/progress/tasks?body={dolisa}&status=not_started")
    assert (listed in not_started.get_data(as_text=True)) is (day != "overdue")
    late_list = coordinator.get(f"/p/{seed.plan_id}/progress/overdue?year=2018&per_page=200").get_data(
        as_text=True
    )
    assert (listed in late_list) is (day == "overdue")


def test_the_api(client, day, report):
    headers = bearer(COORDINATOR_EMAIL)
    assert client.get(f"/api/v1/tasks/{report.id}", headers=headers).get_json()["status"] == day
    base = f"/api/v1/tasks?body={body('dolisa').id}&per_page=200"
    late = client.get(base + "&status=overdue", headers=headers).get_json()["items"]
    assert (report.id in {t["id"] for t in late}) is (day == "overdue")


def test_the_api_due_bounds_include_the_day_itself(client, report):
    headers = bearer(COORDINATOR_EMAIL)
    base = f"/api/v1/tasks?body={body('dolisa').id}&per_page=200"
    on_the_day = client.get(base + "&due_after=2018-06-15&due_before=2018-06-15", headers=headers)
    assert report.id in {t["id"] for t in on_the_day.get_json()["items"]}
    before = client.get(base + "&due_before=2018-06-14", headers=headers).get_json()["items"]
    after = client.get(base + "&due_after=2018-06-16", headers=headers).get_json()["items"]
    assert report.id not in {t["id"] for t in before} | {t["id"] for t in after}


@pytest.mark.parametrize(
    ("moment", "section"),
    [
        (datetime(2018, 11, 10, 9, 0, tzinfo=LOCAL_TZ), "h-later"),  # opens in 5 days
        (datetime(2018, 11, 20, 9, 0, tzinfo=LOCAL_TZ), "h-soon"),  # open; its report is due 31/12
    ],
)
def test_an_open_action_month_is_listed_with_what_needs_doing_now(client, seed, moment, section):
    action_month = task_of("dolisa", "II.1.b.6", "2018")
    with time_machine.travel(moment, tick=False):
        login(client, focal_email("dolisa"))
        page = client.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    assert f"/tasks/{action_month.id}" in _section(page, section)
    for other in {"h-soon", "h-later"} - {section}:
        assert f"/tasks/{action_month.id}" not in _section(page, other)
