"""Every task list is paged the same way: pages hold at most per_page tasks and follow on
without overlap or gap, the counts are the tasks', filters stay in the links, nothing is one
page of nothing, bad page numbers are no error, a focal point only ever gets its own tasks,
and a page costs the same few queries however many tasks there are."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.mail.delivery import queue_mail
from gplan.models import AuditEntry, Plan, Responsibility, Task, User
from gplan.models.plan import responsibility_objective
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.vocabulary import TaskProgress, TaskStatus
from gplan.timeutil import LOCAL_TZ, utcnow
from tests.api_support import assert_json_error, bearer
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    body,
    count_statements,
    focal_email,
    login,
    user,
)

TODAY = date(2018, 6, 10)
SECTION_HEADINGS = {"overdue": "h-overdue", "due_soon": "h-soon", "later": "h-later", "done": "h-done"}


@pytest.fixture
def june_2018():
    with time_machine.travel(datetime(2018, 6, 10, 9, 30, tzinfo=LOCAL_TZ), tick=False):
        yield


def add_tasks(body_key: str, count: int) -> list[Task]:
    """``count`` more tasks for the body, dated across the plan's five years, in every state:
    done on time or late (some in earlier years), in progress, not started, windows, extended."""
    holder = body(body_key)
    duties = db.session.scalars(select(Responsibility).order_by(Responsibility.id)).all()
    tasks = []
    for n in range(count):
        due = date(2016, 1, 20) + timedelta(days=n * 1800 // count)
        duty = duties[n % len(duties)]  # spread over the plan's duties, as real lists are
        task = Task(
            plan_id=duty.plan_id,
            responsibility_id=duty.id,
            body_id=holder.id,
            occurrence=f"extra:{n}",
            year=due.year,
            due_on=due,
            progress=(
                TaskProgress.DONE,
                TaskProgress.IN_PROGRESS,
                TaskProgress.NOT_STARTED,
                TaskProgress.NOT_STARTED,
            )[n % 4],
        )
        if n % 9 == 4:
            task.starts_on, task.ends_on = due - timedelta(days=30), due
        if n % 11 == 3:
            task.extended_due_on = due + timedelta(days=40)
        if task.progress == TaskProgress.DONE:
            task.completed_on = min(due + timedelta(days=(n % 3) * 10 - 10), TODAY)
        tasks.append(task)
    db.session.add_all(tasks)
    db.session.flush()
    return tasks


def expected_section(task: Task, year_chosen: bool = False) -> str:
    """The focal point's sections, worked out in Python from their definitions."""
    if task.progress == TaskProgress.DONE:
        recent = task.year >= TODAY.year or (task.completed_on and task.completed_on.year == TODAY.year)
        return "done" if year_chosen or recent else "done_before"
    if task.deadline < TODAY:
        return "overdue"
    if task.deadline <= TODAY + timedelta(days=14) or (task.starts_on and task.starts_on <= TODAY):
        return "due_soon"
    if not year_chosen and task.deadline.year > TODAY.year:
        return "later_years"
    return "later"


def body_tasks(body_key: str, year: int | None = None) -> list[Task]:
    db.session.expire_all()
    query = select(Task).where(Task.body_id == body(body_key).id)
    if year:
        query = query.where(Task.year == year)
    return list(db.session.scalars(query))


def section_ids(page: str) -> dict[str, list[int]]:
    """The task ids each section of a focal list page shows, in order."""
    found = {}
    for name, heading in SECTION_HEADINGS.items():
        start = page.find(f'id="{heading}"')
        if start < 0:
            continue
        end = page.find("<section", start)
        part = page[start : end if end > 0 else None]
        found[name] = [int(i) for i in re.findall(r'class="task-title" href="/tasks/(\d+)"', part)]
    return found


def section_counts(page: str) -> dict[str, int]:
    return {
        name: int(re.search(rf'id="{heading}">[^<]*<span class="count">(\d+)</span>', page).group(1))
        for name, heading in SECTION_HEADINGS.items()
        if f'id="{heading}"' in page
    }


def pager_links(page: str) -> list[str]:
    """The pager's links to other pages (the page-size choices left out)."""
    nav = re.search(r'<nav class="pager".*?<span class="per-page">', page, re.S)
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', nav.group(0))] if nav else []


def next_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', page)
    return html.unescape(found.group(1)) if found else None


def test_the_focal_list_pages_follow_on_section_by_section(client, seed, june_2018):
    add_tasks("health", 120)
    expected = {}
    for task in body_tasks("health"):
        expected.setdefault(expected_section(task), []).append(task.id)
    login(client, focal_email("health"))
    url, seen, order = f"/p/{seed.plan_id}/tasks?per_page=20", [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        assert section_counts(page) == {s: len(expected.get(s, [])) for s in SECTION_HEADINGS}
        on_page = section_ids(page)
        assert 0 < sum(map(len, on_page.values())) <= 20
        for name, ids in on_page.items():
            assert set(ids) <= set(expected.get(name, []))
            seen += ids
            order += [list(SECTION_HEADINGS).index(name)] * len(ids)
        url = next_link(page)
    listed = [i for s in SECTION_HEADINGS for i in expected.get(s, [])]
    assert len(seen) == len(set(seen)) == len(listed)  # no overlap, no gap
    assert set(seen) == set(listed)
    assert order == sorted(order)  # overdue first, then due soon or open now, later, done
    assert len(expected["later_years"]) > 0 and len(expected["done_before"]) > 0
    assert f"Còn {len(expected['later_years'])} nhiệm vụ ở các năm sau" in page


def in_list_order(tasks: list[Task], year_chosen: bool = False) -> dict[str, list[int]]:
    """Each section's task ids in the order the list shows them, worked out in Python: the
    open ones by deadline, the done ones most recently done first."""
    sections: dict[str, list[Task]] = {}
    for task in tasks:
        sections.setdefault(expected_section(task, year_chosen), []).append(task)
    done = sorted(sections.pop("done", []), key=lambda t: t.id)
    done.sort(key=lambda t: t.completed_on or t.due_on, reverse=True)
    ordered = {
        name: [t.id for t in sorted(found, key=lambda t: (t.deadline, t.id))]
        for name, found in sections.items()
    }
    return ordered | {"done": [t.id for t in done]}


@pytest.mark.parametrize("year", [None, 2018])
def test_windows_open_now_and_late_completions_are_counted_and_placed_like_the_rest(
    client, seed, june_2018, year
):
    extra = add_tasks("health", 96)[-6:]
    for task in extra:
        task.extended_due_on = None
    # A window open now that ends after the coming days, this year and next: due soon.
    extra[0].starts_on, extra[0].ends_on, extra[0].due_on = (
        date(2018, 6, 1),
        date(2018, 8, 20),
        date(2018, 8, 20),
    )
    extra[1].starts_on, extra[1].ends_on = date(2018, 6, 5), date(2019, 1, 15)
    extra[1].due_on, extra[1].year = date(2019, 1, 15), 2018
    # A task of 2017 done this year (done, not done before) and one of 2016 done in 2017.
    extra[2].year, extra[2].due_on, extra[2].progress = 2017, date(2017, 12, 20), TaskProgress.DONE
    extra[2].completed_on = date(2018, 1, 9)
    extra[3].year, extra[3].due_on, extra[3].progress = 2016, date(2016, 12, 20), TaskProgress.DONE
    extra[3].completed_on = date(2017, 1, 9)
    # A window not yet open, and one whose time has passed but is still open: by deadline.
    extra[4].starts_on, extra[4].ends_on, extra[4].due_on = (
        date(2018, 7, 1),
        date(2018, 9, 1),
        date(2018, 9, 1),
    )
    extra[5].starts_on, extra[5].ends_on, extra[5].due_on = (
        date(2018, 3, 1),
        date(2018, 4, 1),
        date(2018, 4, 1),
    )
    for task in extra[:2] + extra[4:]:
        task.progress, task.completed_on, task.year = TaskProgress.NOT_STARTED, None, 2018
    db.session.flush()
    tasks = body_tasks("health", year)
    expected = in_list_order(tasks, year_chosen=year is not None)
    assert extra[0].id in expected["due_soon"] and extra[5].id in expected["overdue"]
    if year is None:
        assert extra[1].id in expected["due_soon"] and extra[2].id in expected["done"]
        assert extra[3].id not in expected["done"]
    login(client, focal_email("health"))
    url, seen = f"/p/{seed.plan_id}/tasks?per_page=7" + (f"&year={year}" if year else ""), {}
    while url:
        page = client.get(url).get_data(as_text=True)
        assert section_counts(page) == {s: len(expected.get(s, [])) for s in SECTION_HEADINGS}
        for name, ids in section_ids(page).items():
            seen.setdefault(name, []).extend(ids)
        url = next_link(page)
    assert seen == {s: expected[s] for s in SECTION_HEADINGS if expected.get(s)}


def test_a_section_on_other_pages_says_where_it_is(client, seed, june_2018):
    add_tasks("health", 120)
    login(client, focal_email("health"))
    page = client.get(f"/p/{seed.plan_id}/tasks?per_page=5").get_data(as_text=True)
    done = page[page.index('id="h-done"') :]
    counts = section_counts(page)
    start = counts["overdue"] + counts["due_soon"] + counts["later"]
    first, last = start // 5 + 1, (start + counts["done"] - 1) // 5 + 1
    assert first < last
    where = re.search(r'<a href="([^"]+)">([^<]+)</a>', done)
    assert f"page={first}" in where.group(1) and f"{first}–{last}" in where.group(2)
    only_done = re.search(r'href="([^"]+section=done[^"]*)"', done).group(1)
    listing = client.get(html.unescape(only_done)).get_data(as_text=True)
    assert set(section_ids(listing)) == {"done"}
    assert len(section_ids(listing)["done"]) == 5
    assert "per_page=5" in only_done


def test_the_coordinator_lists_hold_per_page_and_follow_on(client, seed, june_2018):
    add_tasks("health", 120)
    login(client, COORDINATOR_EMAIL)
    health = body("health").id
    everything = {t.id for t in body_tasks("health")}
    overdue = {t.id for t in body_tasks("health") if t.status_on(TODAY) == TaskStatus.OVERDUE}
    assert len(overdue) > 10
    for url, expected in (
        (f"/p/{seed.plan_id}/progress/tasks?body={health}&per_page=25", everything),
        (f"/p/{seed.plan_id}/progress/bodies/{health}?per_page=25", everything),
    ):
        seen = []
        while url:
            page = client.get(url).get_data(as_text=True)
            ids = [int(i) for i in re.findall(r'href="/tasks/(\d+)"', page)]
            assert 0 < len(ids) <= 25
            seen += ids
            url = next_link(page)
        assert len(seen) == len(set(seen)) and set(seen) == expected
    first = client.get(f"/p/{seed.plan_id}/progress/overdue?per_page=10").get_data(as_text=True)
    assert len(re.findall(r'<td class="n late">', first)) == 10
    assert f"{len(overdue)} overdue tasks" not in first  # every body's, not only health's


def test_filters_survive_paging(client, seed, june_2018):
    add_tasks("health", 120)
    login(client, COORDINATOR_EMAIL)
    health = body("health").id
    the_plan = db.session.get(Plan, seed.plan_id)
    objective = next(o for o in the_plan.objectives if o.number == 4)
    link = responsibility_objective.c
    serving = set(db.session.scalars(select(link.responsibility_id).where(link.objective_id == objective.id)))
    expected = {
        t.id
        for t in body_tasks("health")
        if t.responsibility_id in serving and t.status_on(TODAY) == TaskStatus.OVERDUE
    }
    assert len(expected) > 2
    url, seen = (
        f"/p/{seed.plan_id}/progress/tasks?body={health}&objective={objective.id}&status=overdue&per_page=2",
        [],
    )
    while url:
        page = client.get(url).get_data(as_text=True)
        links = pager_links(page)
        assert links
        for link in links:
            assert (
                f"body={health}" in link and f"objective={objective.id}" in link and "status=overdue" in link
            )
            assert "per_page=2" in link
        seen += [int(i) for i in re.findall(r'href="/tasks/(\d+)"', page)]
        url = next_link(page)
    assert len(seen) == len(set(seen)) and set(seen) == expected

    focal = client.get(f"/p/{seed.plan_id}/tasks?body={health}&year=2019&per_page=5").get_data(as_text=True)
    for link in pager_links(focal):
        assert "year=2019" in link and f"body={health}" in link
    expected_2019 = {t.id for t in body_tasks("health", 2019)}
    url, seen = f"/p/{seed.plan_id}/tasks?body={health}&year=2019&per_page=5", set()
    while url:
        page = client.get(url).get_data(as_text=True)
        seen |= {i for ids in section_ids(page).values() for i in ids}
        url = next_link(page)
    assert seen == expected_2019


def test_no_result_is_one_page_of_nothing(client, seed, june_2018):
    headers = bearer(COORDINATOR_EMAIL)
    nothing = client.get(f"/api/v1/tasks?plan={seed.plan_id}&due_before=2000-01-01", headers=headers)
    assert nothing.get_json() | {"items": None} == {
        "items": None,
        "page": 1,
        "per_page": 50,
        "total": 0,
        "pages": 1,
    }
    assert nothing.get_json()["items"] == []
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/p/{seed.plan_id}/progress/tasks?body={body('health').id}&status=done_on_time")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Không có nhiệm vụ phù hợp." in text and 'class="pager"' not in text
    assert "<strong>0 nhiệm vụ</strong>" in text


def test_a_focal_point_only_ever_gets_its_own_tasks(client, seed, june_2018):
    health, finance = body("health"), body("finance")
    login(client, focal_email("health"))
    assert client.get(f"/p/{seed.plan_id}/tasks?body={finance.id}").status_code == 403
    page = client.get(f"/p/{seed.plan_id}/tasks?year=2018&objective=1&section=done").get_data(as_text=True)
    shown = [i for ids in section_ids(page).values() for i in ids]
    assert all(db.session.get(Task, i).body_id == health.id for i in shown)
    headers = bearer(focal_email("health"))
    assert_json_error(client.get(f"/api/v1/tasks?body={finance.id}", headers=headers), 403)
    listed = client.get("/api/v1/tasks?status=overdue&status=not_started&per_page=200", headers=headers)
    assert {t["body"]["key"] for t in listed.get_json()["items"]} == {"health"}
    # The query itself applies the scope, whatever filters it is given.
    focal_point = user(focal_email("health"))
    for filters in (
        TaskFilters(body_id=finance.id),
        TaskFilters(plan_id=seed.plan_id, body_id=finance.id, statuses=(TaskStatus.OVERDUE,)),
    ):
        query = TaskQuery(focal_point, filters, TODAY)
        assert query.count() == 0 and query.page(1, 50).items == []
        assert sum(query.section_counts().values()) == 0
    own = TaskQuery(focal_point, TaskFilters(plan_id=seed.plan_id), TODAY)
    assert {t.body_id for t in own.all()} == {health.id}
    assert own.count() == len(body_tasks("health"))


@pytest.mark.parametrize(
    ("query", "shown", "page_number"),
    [
        ("per_page=0", 1, 1),
        ("per_page=-3", 1, 1),
        ("per_page=100000", 136, 1),  # Health's 16 tasks and 120 more
        ("per_page=abc", 50, 1),
        ("page=-5", 50, 1),
        ("page=abc", 50, 1),
        ("page=99999", 0, 99999),
        ("page=" + "9" * 12, 0, 100_000),  # beyond 2**53 the app answers 400 (test_input_limits)
    ],
)
def test_out_of_range_pages_are_held_within_bounds(client, seed, june_2018, query, shown, page_number):
    add_tasks("health", 120)
    login(client, COORDINATOR_EMAIL)
    response = client.get(f"/p/{seed.plan_id}/progress/tasks?body={body('health').id}&{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(re.findall(r'href="/tasks/(\d+)"', page)) == shown
    if shown == 0:
        assert "Không có nhiệm vụ nào ở trang này." in page
        assert f"Trang {page_number}/3" in page
        assert f"page={-(-136 // 50)}" in pager_links(page)[0]  # "previous" goes to the last page


def test_the_api_refuses_page_numbers_out_of_bounds_and_is_empty_past_the_end(client, seed):
    headers = bearer(COORDINATOR_EMAIL)
    for query in ("page=0", "per_page=0", "per_page=201", "page=100001"):
        assert_json_error(client.get(f"/api/v1/tasks?{query}", headers=headers), 422)
    past = client.get(f"/api/v1/tasks?plan={seed.plan_id}&per_page=200&page=50", headers=headers).get_json()
    assert past["items"] == [] and past["page"] == 50 and past["pages"] == -(-past["total"] // 200)


def test_the_audit_log_and_the_outbox_keep_their_filters_in_the_pager(client, seed):
    admin = user(ADMIN_EMAIL)
    for n in range(30):
        db.session.add(AuditEntry(at=utcnow(), action="login", actor_id=admin.id, summary=f"login {n}"))
        queue_mail(kind="reminder", recipient=f"body{n}@example.gov.vn", subject=f"Nhắc {n}", text="…")
    db.session.flush()
    login(client, ADMIN_EMAIL)
    audit = client.get("/admin/audit?action=login&per_page=10").get_data(as_text=True)
    assert audit.count("<tr><td><time") == 10
    assert all("action=login" in link and "per_page=10" in link for link in pager_links(audit))
    outbox = client.get("/outbox?q=example.gov.vn&per_page=20").get_data(as_text=True)
    assert outbox.count('<tr class="mail-') == 20
    assert all("q=example.gov.vn" in link and "per_page=20" in link for link in pager_links(outbox))
    second = client.get(next_link(outbox)).get_data(as_text=True)
    assert second.count('<tr class="mail-') == 10


def test_a_list_page_costs_the_same_few_queries_however_many_tasks(app, client, seed, june_2018):
    health = body("health").id
    coordinator, focal, api = app.test_client(), app.test_client(), app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    login(focal, focal_email("health"))
    login(client, ADMIN_EMAIL)
    queue_mail(kind="reminder", recipient=focal_email("health"), subject="Nhắc hạn", text="…")
    headers = bearer(COORDINATOR_EMAIL)
    pages = [
        (focal, f"/p/{seed.plan_id}/tasks", None),
        (coordinator, f"/p/{seed.plan_id}/tasks?body={health}", None),
        (coordinator, f"/p/{seed.plan_id}/progress/tasks", None),
        (coordinator, f"/p/{seed.plan_id}/progress/overdue", None),
        (coordinator, f"/p/{seed.plan_id}/progress/bodies/{health}", None),
        (api, f"/api/v1/tasks?body={health}", headers),
        (client, "/admin/audit", None),
        (client, "/outbox", None),
    ]

    def measure() -> dict[str, int]:
        for who, url, extra in pages:
            count_statements(who, url, extra)  # warm up, as a later visit would find it
        return {url: count_statements(who, url, extra) for who, url, extra in pages}

    admin = db.session.scalar(select(User).filter_by(email=ADMIN_EMAIL))
    db.session.add(AuditEntry(at=utcnow(), action="login", actor_id=admin.id, summary="with an actor"))
    db.session.flush()
    before = measure()
    add_tasks("health", 400)
    for task in body_tasks("health")[:40]:
        db.session.add(
            AuditEntry(at=utcnow(), action="status_changed", actor_id=admin.id, summary=f"task {task.id}")
        )
        queue_mail(kind="reminder", recipient=focal_email("health"), subject=f"Nhắc {task.id}", text="…")
    db.session.flush()
    assert measure() == before
    assert max(before.values()) <= 15
