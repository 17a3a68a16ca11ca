"""Searching the task lists: Vietnamese with or without its marks ("bao cao" finds "báo cáo",
"Tu Ky" finds "Tứ Kỳ", "d" finds "đ"), in the duty, its reference, the body and the note; the
same tasks on every list and in the API as a plain Python reading of the texts finds; counts
and pages follow the search; the index follows every change in the same transaction; what
cannot be searched for is said, never an error."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Responsibility, Task, TaskComment
from gplan.plans.bodies import update_body
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.tasks.progress import record_progress
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.search import MAX_LENGTH, fold, parse
from gplan.tasks.vocabulary import TaskProgress, TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, PLAN_FILE, body, focal_email, login, user

TODAY = date(2018, 6, 10)
QUERIES = [
    "bao cao",
    "Tu Ky",
    "doan",
    "Đoàn",
    "d",
    "II.1",
    "bình đẳng giới",
    "BINH DANG gioi",
    "so y te",
    "ubnd",
    "nang ca",
    "hoi lien hiep phu nu",
    "cong van 27",
    "xyzzy",
]


@pytest.fixture
def june_2018():
    with time_machine.travel(datetime(2018, 6, 10, 9, 30, tzinfo=LOCAL_TZ), tick=False):
        yield


def words_of(text: str | None) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text or ""))


def holds(words: list[str], parts: tuple[str, ...]) -> bool:
    """``parts`` in a row, the last one possibly cut short: what a typed word must match."""
    *whole, last = parts
    n = len(parts)
    return any(
        words[i : i + n - 1] == whole and words[i + n - 1].startswith(last) for i in range(len(words) - n + 1)
    )


def found_in_python(task: Task, typed: str) -> bool:
    """The search's rule, read from the texts themselves."""
    duty, holder = task.responsibility, task.body
    texts = [
        words_of(f"{duty.ref} {duty.text} {duty.title_en or ''}"),
        words_of(f"{holder.name} {holder.name_en or ''} {holder.short_name or ''}"),
        words_of(task.note),
        *(words_of(event.note) for event in task.events),
        *(words_of(c.text) for c in db.session.scalars(select(TaskComment).filter_by(task_id=task.id))),
        *(words_of(s.narrative) for s in task.submissions),
    ]
    search = parse(typed)
    return all(any(holds(words, parts) for words in texts) for parts in search.words)


def found_count(page: str) -> int:
    """The number the page says its search found."""
    return int(re.search(r'search-result" role="status">\D*?(\d+) ', page).group(1))


def plan_tasks(plan_id: int) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.plan_id == plan_id)))


def add_notes(plan_id: int) -> Task:
    """A tick with a note by Health's focal point; returns the task."""
    task = db.session.scalar(
        select(Task).where(Task.plan_id == plan_id, Task.body_id == body("health").id).order_by(Task.id)
    )
    record_progress(task, user(focal_email("health")), TaskProgress.IN_PROGRESS, "Đã gửi công văn số 27/SYT")
    db.session.flush()
    return task


def test_folding_takes_every_mark_off_and_d_for_dd():
    assert fold("Báo cáo Tứ Kỳ ĐOÀN đồng Ưu Ơn Ỹ") == "bao cao tu ky doan dong uu on y"
    assert parse("  bao   cao ").words == (("bao",), ("cao",))
    assert parse("II.1.a").words == (("ii", "1", "a"),)
    assert parse("") is None and parse("   ") is None


@pytest.mark.parametrize(
    "typed", ["!!!", '"', "*", "-- ;", "中文", "x" * (MAX_LENGTH + 1), " ".join("abcdefghijk")]
)
def test_what_cannot_be_searched_for_is_a_problem_not_an_error(typed):
    search = parse(typed)
    assert search is not None and search.problem and not search.words


def test_the_coordinator_finds_what_the_texts_hold(seed, june_2018):
    task = add_notes(seed.plan_id)
    coordinator = user(COORDINATOR_EMAIL)
    tasks = plan_tasks(seed.plan_id)
    for typed in QUERIES:
        expected = {t.id for t in tasks if found_in_python(t, typed)}
        query = TaskQuery(coordinator, TaskFilters(plan_id=seed.plan_id, search=parse(typed)), TODAY)
        assert {t.id for t in query.all()} == expected, typed
        assert TaskQuery(coordinator, query.filters, TODAY).count() == len(expected), typed
    assert {t.id for t in tasks if found_in_python(t, "cong van 27")} == {task.id}
    # The words the issue names: each finds tasks, and only tasks holding them.
    for typed, written in (("bao cao", "báo cáo"), ("Tu Ky", "Tứ Kỳ"), ("doan", "Đoàn")):
        query = TaskQuery(coordinator, TaskFilters(plan_id=seed.plan_id, search=parse(typed)), TODAY)
        assert any(written in f"{t.responsibility.text} {t.body.name}" for t in query.all()), typed


def test_focal_list_counts_sections_of_what_the_search_finds(client, seed, june_2018):
    health = body("health")
    add_notes(seed.plan_id)
    mine = [t for t in plan_tasks(seed.plan_id) if t.body_id == health.id]
    login(client, focal_email("health"))
    query = TaskQuery(
        user(focal_email("health")), TaskFilters(plan_id=seed.plan_id, body_id=health.id), TODAY
    )
    for typed in ("bao cao", "cong van", "so y te", "Tu Ky", "xyzzy"):
        expected = {t.id for t in mine if found_in_python(t, typed)}
        searched = TaskQuery(
            query.viewer, TaskFilters(**{**query.filters.__dict__, "search": parse(typed)}), TODAY
        )
        counts = searched.section_counts()
        assert sum(counts.values()) == len(expected), typed
        page = client.get(f"/p/{seed.plan_id}/tasks", query_string={"q": typed, "year": 2018})
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert f'value="{typed}"' in text  # the box keeps what was typed
    # Sections count only what is found: "cong van" is in one note.
    page = client.get(f"/p/{seed.plan_id}/tasks", query_string={"q": "cong van"}).get_data(as_text=True)
    assert re.findall(r'class="count">(\d+)<', page).count("1") == 1
    assert found_count(page) == 1


def test_search_stays_in_the_pages_addresses(client, seed, june_2018):
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/p/{seed.plan_id}/progress/tasks", query_string={"q": "binh dang", "per_page": 5})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "q=binh+dang" in text and "page=2" in text
    second = client.get(
        f"/p/{seed.plan_id}/progress/tasks", query_string={"q": "binh dang", "per_page": 5, "page": 2}
    )
    assert second.status_code == 200


def test_overdue_list_and_drill_down_search(client, seed, june_2018):
    coordinator = user(COORDINATOR_EMAIL)
    tasks = plan_tasks(seed.plan_id)
    login(client, COORDINATOR_EMAIL)
    overdue = [t for t in tasks if t.status_on(TODAY) == TaskStatus.OVERDUE and found_in_python(t, "bao cao")]
    assert overdue
    page = client.get(f"/p/{seed.plan_id}/progress/overdue", query_string={"q": "bao cao", "per_page": 200})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r"<strong>(\d+) ", text).group(1) == str(len(overdue))
    assert found_count(text) == len(overdue)
    assert text.count('class="n late"') == len(overdue)
    health = body("health")
    drill = client.get(f"/p/{seed.plan_id}/progress/bodies/{health.id}", query_string={"q": "bao cao"})
    assert drill.status_code == 200
    filters = TaskFilters(plan_id=seed.plan_id, body_id=health.id, search=parse("bao cao"))
    assert TaskQuery(coordinator, filters, TODAY).count() == len(
        [t for t in tasks if t.body_id == health.id and found_in_python(t, "bao cao")]
    )


def test_a_focal_point_finds_only_its_own_tasks(client, seed, june_2018):
    login(client, focal_email("health"))
    response = client.get(f"/api/v1/tasks?plan={seed.plan_id}&q=Tu+Ky&per_page=200")
    assert response.status_code == 200
    assert {t["body_id"] for t in response.get_json()["items"]} <= {body("health").id}


def test_api_search_is_the_lists_search(client, seed, june_2018):
    tasks = plan_tasks(seed.plan_id)
    headers = bearer(COORDINATOR_EMAIL)
    expected = {t.id for t in tasks if found_in_python(t, "bao cao")}
    response = client.get(f"/api/v1/tasks?plan={seed.plan_id}&q=bao%20cao&per_page=200", headers=headers)
    assert response.status_code == 200
    body_json = response.get_json()
    assert body_json["total"] == len(expected)
    assert {t["id"] for t in body_json["items"]} == expected


@pytest.mark.parametrize("typed", ["!!!", "x" * (MAX_LENGTH + 1), "a b c d e f g h i j k"])
def test_api_refuses_what_cannot_be_searched_for_with_422(client, seed, typed):
    response = client.get(
        "/api/v1/tasks",
        query_string={"plan": seed.plan_id, "q": typed},
        headers=bearer(COORDINATOR_EMAIL),
    )
    assert response.status_code == 422
    assert "q" in response.get_json()["errors"]["query"]


@pytest.mark.parametrize(
    "typed", ["", "!!!", '"', "NEAR(", "a OR b", "x" * 5000, "\x00", "%", "' OR 1=1 --", "*"]
)
def test_odd_searches_give_a_page_never_an_error(client, seed, typed):
    login(client, COORDINATOR_EMAIL)
    for url in (
        f"/p/{seed.plan_id}/progress/tasks",
        f"/p/{seed.plan_id}/progress/overdue",
        f"/p/{seed.plan_id}/progress/bodies/{body('health').id}",
        f"/p/{seed.plan_id}/tasks",
    ):
        response = client.get(url, query_string={"q": typed, "body": body("health").id})
        # A NUL character is refused before any page (gplan/security.py), as everywhere.
        assert response.status_code == (400 if "\x00" in typed else 200), (url, typed)
        if typed.strip() and "\x00" not in typed and not re.search(r"[a-zA-Z0-9]", typed):
            assert 'role="alert"' in response.get_data(as_text=True), (url, typed)


# ---- the index follows every change, in the same transaction --------------------------------


def found(plan_id: int, typed: str) -> set[int]:
    query = TaskQuery(user(ADMIN_EMAIL), TaskFilters(plan_id=plan_id, search=parse(typed)), TODAY)
    return {t.id for t in query.all()}


def test_a_note_is_found_once_ticked_and_not_after_a_rollback(seed, june_2018):
    assert not found(seed.plan_id, "cho quynh")
    savepoint = db.session.begin_nested()
    task = db.session.scalar(select(Task).where(Task.body_id == body("health").id).order_by(Task.id))
    record_progress(task, user(focal_email("health")), TaskProgress.IN_PROGRESS, "Chờ chị Quỳnh ký")
    assert found(seed.plan_id, "cho quynh") == {task.id}
    record_progress(task, user(focal_email("health")), TaskProgress.DONE, "Đã xong, kèm biên bản")
    # The earlier note stays in the task's history, so it still finds the task.
    assert found(seed.plan_id, "cho quynh") == found(seed.plan_id, "bien ban") == {task.id}
    savepoint.rollback()
    assert not found(seed.plan_id, "bien ban") and not found(seed.plan_id, "cho quynh")


def test_a_renamed_body_is_found_by_its_new_name(seed, june_2018):
    health = body("health")
    mine = {t.id for t in plan_tasks(seed.plan_id) if t.body_id == health.id}
    update_body(user(ADMIN_EMAIL), health, name="Sở Y tế Ngọc Quỳnh")
    assert found(seed.plan_id, "ngoc quynh") == mine
    update_body(user(ADMIN_EMAIL), health, name="Sở Y tế")
    assert not found(seed.plan_id, "ngoc quynh")


def test_a_reimport_indexes_the_duties_new_text(seed, june_2018):
    plan_file = read_plan_file(PLAN_FILE)
    first = plan_file.responsibilities[0]
    first.text = "Khảo sát nhu cầu đào tạo ở xã Đồng Lạc"
    import_plan(plan_file, PLAN_FILE.name)
    duty = db.session.scalar(
        select(Responsibility).where(Responsibility.plan_id == seed.plan_id, Responsibility.ref == first.ref)
    )
    expected = {t.id for t in plan_tasks(seed.plan_id) if t.responsibility_id == duty.id}
    assert expected and found(seed.plan_id, "xa dong lac") == expected
    import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name)
    assert not found(seed.plan_id, "xa dong lac")


def test_a_new_plans_tasks_are_found_as_imported(seed, june_2018):
    later = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name, period=(2026, 2030)).plan
    assert found(later.id, "bao cao") == {t.id for t in plan_tasks(later.id) if found_in_python(t, "bao cao")}


def test_counts_by_status_and_year_are_what_the_texts_hold(seed, june_2018):
    """Counts come from the tally and the notes: with statuses, years and scopes they still
    equal reading the tasks, also when a note alone brings a task in."""
    health = body("health")
    overdue = next(
        t
        for t in plan_tasks(seed.plan_id)
        if t.body_id == health.id and t.status_on(TODAY) == TaskStatus.OVERDUE
    )
    later = next(
        t for t in plan_tasks(seed.plan_id) if t.body_id == health.id and t.deadline > date(2019, 1, 1)
    )
    record_progress(overdue, user(focal_email("health")), TaskProgress.IN_PROGRESS, "Đã gửi công văn số 27")
    record_progress(later, user(focal_email("health")), TaskProgress.IN_PROGRESS, "Chờ công văn của tỉnh")
    db.session.flush()
    tasks = plan_tasks(seed.plan_id)
    for viewer in (user(COORDINATOR_EMAIL), user(focal_email("health"))):
        for typed in ("cong van", "bao cao", "Tu Ky", "so y te cong van", "binh dang"):
            for statuses, year in (
                ((TaskStatus.OVERDUE,), None),
                ((), 2017),
                ((TaskStatus.NOT_STARTED,), 2018),
            ):
                filters = TaskFilters(plan_id=seed.plan_id, year=year, statuses=statuses, search=parse(typed))
                expected = [
                    t
                    for t in tasks
                    if (viewer.body_id in (None, t.body_id))
                    and (year is None or t.year == year)
                    and (not statuses or t.status_on(TODAY) in statuses)
                    and found_in_python(t, typed)
                ]
                assert TaskQuery(viewer, filters, TODAY).count() == len(expected), (typed, statuses, year)
    filters = TaskFilters(plan_id=seed.plan_id, statuses=(TaskStatus.OVERDUE,), search=parse("cong van"))
    assert overdue.id in {t.id for t in TaskQuery(user(COORDINATOR_EMAIL), filters, TODAY).all()}


def test_pages_are_the_same_read_either_way(seed, june_2018, monkeypatch):
    """A search finding few tasks reads them through what found them and sorts them; one
    finding many walks the deadline index. Both give the same pages in the same order."""
    from gplan.tasks import search as task_search

    coordinator = user(COORDINATOR_EMAIL)
    pages = {}
    for few in (task_search.FEW, 0):
        monkeypatch.setattr(task_search, "FEW", few)
        for typed in ("bao cao", "Tu Ky", "binh dang gioi"):
            filters = TaskFilters(plan_id=seed.plan_id, search=parse(typed))
            for number in (1, 2):
                page = TaskQuery(coordinator, filters, TODAY).page(number, 7)
                pages.setdefault((typed, number), []).append([t.id for t in page.items])
            mine = TaskFilters(plan_id=seed.plan_id, body_id=body("health").id, search=parse(typed))
            listing = TaskQuery(user(focal_email("health")), mine, TODAY).sectioned_page(1, 5)
            pages.setdefault((typed, "focal"), []).append([t.id for t in listing.page.items])
    for key, (few_way, many_way) in pages.items():
        assert few_way == many_way, key
    assert any(ids for ids, _ in pages.values())
