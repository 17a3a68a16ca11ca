"""The coordinator's progress views: what focal points record is what the coordinator sees,
and every total agrees with the tasks in the database."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.mail.delivery import queue_mail
from gplan.models import Body, Plan, Task
from gplan.ops.demo_activity import record_plausible_progress
from gplan.reporting import matrices
from gplan.reporting import overview as per_body
from gplan.tasks.sync import sync_tasks
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.coordinator_support import (
    HEALTH_COUNTS,
    VIEWING_DAY,
    body_sections,
    first_number,
    health_year_of_work,
    python_counts,
    row_links,
    row_of,
    table_rows,
)
from tests.helpers import COORDINATOR_EMAIL, OBSERVER_EMAIL, body, count_statements, focal_email, login, user

TODAY = VIEWING_DAY.date()
HEALTH = "Department of Health"


@pytest.fixture
def viewing_day():
    """The test runs on VIEWING_DAY; focal points' earlier work travels further back."""
    with time_machine.travel(VIEWING_DAY, tick=False):
        yield


@pytest.fixture
def coordinator(client, viewing_day):
    """The coordinator, reading in English so that the assertions hold whatever the catalogue."""
    user(COORDINATOR_EMAIL).locale = "en"
    db.session.flush()
    login(client, COORDINATOR_EMAIL)
    return client


# A row of the counts' tables: the name, the total, one column per status, the completion.
COMPLETION = 2 + len(TaskStatus)
ROW_LENGTH = COMPLETION + 1
OVERDUE = 2 + list(TaskStatus).index(TaskStatus.OVERDUE)


def _plausible_progress(seed) -> None:
    """Progress across every body, as the demo records it."""
    plan = db.session.get(Plan, seed.plan_id)
    focal_points = {b.id: user(focal_email(b.key)) for b in per_body.ordered_bodies(plan, ())}
    record_plausible_progress(plan, focal_points, TODAY, seed=7)
    db.session.flush()


def test_overview_shows_what_the_focal_point_recorded(app, seed, coordinator):
    health_year_of_work(app)
    html = coordinator.get(f"/p/{seed.plan_id}/progress?year=0").get_data(as_text=True)
    row = row_of(html, HEALTH)
    assert [first_number(cell) for cell in row[1:COMPLETION]] == [
        HEALTH_COUNTS["total"],
        *(HEALTH_COUNTS.get(s, 0) for s in TaskStatus),
    ]
    assert "12%" in row[COMPLETION]  # 2 of 16 done
    total_row = row_of(html, "All bodies")
    in_plan = db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == seed.plan_id))
    assert first_number(total_row[1]) == in_plan


def test_every_total_agrees_with_the_tasks_in_the_database(seed, viewing_day):
    _plausible_progress(seed)
    plan = db.session.get(Plan, seed.plan_id)
    for year in (None, *plan.years):
        expected = python_counts(plan.id, TODAY, year=year)
        data = per_body.overview(plan, TODAY, year)
        shown = {
            row.body.id: {s: row.counts.count(s) for s in TaskStatus} for row in data.rows if row.counts.total
        }
        assert shown == {b: {s: c[s] for s in TaskStatus} for b, c in expected.items()}
        assert data.total.total == sum(sum(c.values()) for c in expected.values())
    years = matrices.year_matrix(plan, TODAY)
    by_year = python_counts(plan.id, TODAY, key=lambda t: (t.body_id, t.year))
    for (body_id, year), counts in by_year.items():
        assert {s: years.cell(body_id, year).count(s) for s in TaskStatus} == {
            s: counts[s] for s in TaskStatus
        }
    assert years.total.total == db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == plan.id))
    for year in plan.years:
        assert years.column_total(year).total == db.session.scalar(
            select(func.count(Task.id)).where(Task.plan_id == plan.id, Task.year == year)
        )


def test_objective_and_activity_views_count_each_task_under_what_it_serves(seed, viewing_day):
    _plausible_progress(seed)
    plan = db.session.get(Plan, seed.plan_id)
    for by, attribute in (("objective", "objectives"), ("activity", "activities")):
        matrix = matrices.theme_matrix(plan, TODAY, by)
        expected = python_counts(
            plan.id,
            TODAY,
            key=lambda t, a=attribute: (
                [(t.body_id, x.id) for x in getattr(t.responsibility, a)]
                or [(t.body_id, matrices.NOT_LINKED)]
            ),
        )
        shown = {key: {s: c.count(s) for s in TaskStatus} for key, c in matrix.cells.items()}
        assert shown == {key: {s: c[s] for s in TaskStatus} for key, c in expected.items()}
        assert matrix.total.total == db.session.scalar(
            select(func.count(Task.id)).where(Task.plan_id == plan.id)
        )
        assert matrices.NOT_LINKED in matrix.columns  # most duties of this plan serve no objective


def test_sorting_by_body_follows_the_vietnamese_alphabet(client, seed, viewing_day):
    login(client, COORDINATOR_EMAIL)  # reading in Vietnamese, the default
    sections = []
    for direction in ("asc", "desc"):
        page = client.get(f"/p/{seed.plan_id}/progress?sort=body&dir={direction}").get_data(as_text=True)
        sections.append([[r[0] for r in rows] for rows in body_sections(page)])
    (assigned, requested), (assigned_desc, requested_desc) = sections
    assert assigned_desc == assigned[::-1] and requested_desc == requested[::-1]
    assert len(assigned) == 26 and len(requested) == 5  # the IV.16 organisations, counted apart
    ascending = assigned
    position = {name: index for index, name in enumerate(ascending)}
    # By code point "Đ" and "Ủ" come after every unaccented letter; in Vietnamese Đ follows D
    # and Ủ (U) comes before V.
    assert position["Công an tỉnh"] < position["Đài Phát thanh - Truyền hình tỉnh"] < position["Sở Y tế"]
    assert position["Ủy ban nhân dân huyện Tứ Kỳ"] < position["Văn phòng Ủy ban nhân dân tỉnh"]
    assert position["Sở Tài chính"] < position["Sở Tư pháp"] < position["Sở Y tế"]


def test_late_bodies_first_by_default_and_any_column_sorts(app, seed, coordinator):
    health_year_of_work(app)
    default = coordinator.get(f"/p/{seed.plan_id}/progress?year=2016").get_data(as_text=True)
    by_body = coordinator.get(f"/p/{seed.plan_id}/progress?year=2016&sort=body&dir=asc").get_data(
        as_text=True
    )
    by_done = coordinator.get(f"/p/{seed.plan_id}/progress?year=2016&sort=done_on_time").get_data(
        as_text=True
    )
    body_rows, requested_rows = body_sections(default)
    overdue_shares = [int(r[OVERDUE].split()[1].rstrip("%")) for r in body_rows]
    assert overdue_shares == sorted(overdue_shares, reverse=True)
    assert overdue_shares[0] == 100  # nobody else recorded anything: every 2016 task is late
    requested_shares = [int(r[OVERDUE].split()[1].rstrip("%")) for r in requested_rows]
    assert requested_shares == sorted(requested_shares, reverse=True)
    assert body_rows[-1][0] == HEALTH  # the only body with 2016 work done
    names = [r[0] for r in body_sections(by_body)[0]]
    assert names[0] == "Department of Culture, Sports and Tourism"  # alphabetical, in English
    assert names.index("Department of Health") < names.index("Department of Justice")
    assert [r for r in table_rows(by_done) if len(r) == ROW_LENGTH][1][0] == HEALTH
    assert 'aria-sort="descending"' in by_done


def test_a_heatmap_cell_opens_exactly_the_tasks_behind_it(app, seed, coordinator):
    health_year_of_work(app)
    html = coordinator.get(f"/p/{seed.plan_id}/progress/years").get_data(as_text=True)
    row = row_of(html, HEALTH)
    assert row[1:7] == [
        "50% 2/4 · 2 late",
        "0% 0/3 · 3 late",
        "0% 0/3 · 1 late",
        "0% 0/3",
        "0% 0/3",
        "12% 2/16 · 6 late",
    ]
    assert 'class="heat heat-notdue"' in html  # 2019 and 2020: nothing due yet
    cell_2017 = row_links(html, HEALTH)[2][0]
    assert parse_qs(urlparse(cell_2017).query) == {"body": [str(body("health").id)], "year": ["2017"]}
    listing = coordinator.get(cell_2017.replace("&amp;", "&")).get_data(as_text=True)
    assert "3 tasks" in listing
    assert listing.count('href="/tasks/') == 3


def test_the_task_list_filters_by_status_objective_and_unlinked_duties(app, seed, coordinator):
    health_year_of_work(app)
    objective_4 = next(o for o in db.session.get(Plan, seed.plan_id).objectives if o.number == 4)
    overdue = coordinator.get(f"/p/{seed.plan_id}/progress/tasks?body={body('health').id}&status=overdue")
    serving = coordinator.get(
        f"/p/{seed.plan_id}/progress/tasks?body={body('health').id}&objective={objective_4.id}"
    )
    unlinked = coordinator.get(
        f"/p/{seed.plan_id}/progress/tasks?body={body('health').id}&unlinked=objective"
    )
    assert "6 tasks" in overdue.get_data(as_text=True)
    assert "10 tasks" in serving.get_data(as_text=True)  # IV.7.a and IV.7.b serve objective 4
    assert "6 tasks" in unlinked.get_data(as_text=True)  # the roadmaps (IV.0, IV.0.b) serve none


def test_overdue_list_shows_days_late_and_the_last_reminder(app, seed, coordinator):
    health_year_of_work(app)
    queue_mail(kind="invite", recipient=focal_email("health"), subject="Your account", text="…")
    reminder = queue_mail(kind="reminder", recipient=focal_email("health"), subject="Nhắc hạn", text="…")
    reminder.created_at = VIEWING_DAY.replace(day=24, month=6).astimezone(LOCAL_TZ)
    db.session.flush()
    expected = sum(c["overdue"] for c in python_counts(seed.plan_id, TODAY).values())
    rows = []
    for page in range(1, -(-expected // 100) + 1):
        html = coordinator.get(f"/p/{seed.plan_id}/progress/overdue?page={page}&per_page=100").get_data(
            as_text=True
        )
        assert f"Page {page} of {-(-expected // 100)}" in html
        rows += [r for r in table_rows(html) if len(r) == 5 and r[3].isdigit()]
    assert f"{expected} overdue tasks" in html
    assert len(rows) == expected > 100  # several pages
    days = [int(r[3]) for r in rows]
    assert days == sorted(days, reverse=True)
    health_rows = [r for r in rows if r[0].startswith(HEALTH)]
    assert len(health_rows) == HEALTH_COUNTS["overdue"]
    annual_plan_2016 = next(r for r in health_rows if "31/01/2016" in r[2])
    assert annual_plan_2016[3] == str((TODAY - date(2016, 1, 31)).days)
    assert "24/06/2018" in annual_plan_2016[4]  # the reminder, not the newer invitation
    assert all("None yet" in r[4] for r in rows if not r[0].startswith(HEALTH))


def test_body_drilldown_shows_tasks_with_history_and_notes(app, seed, coordinator):
    health_year_of_work(app)
    html = coordinator.get(f"/p/{seed.plan_id}/progress/bodies/{body('health').id}").get_data(as_text=True)
    assert "Đã tổ chức 12 buổi truyền thông." in html
    assert "https://syt.example.gov.vn/bao-cao-2016" in html
    assert "Not yet started → Done" in html
    assert "01/12/2016" in html  # when it was recorded
    assert [first_number(c) for c in row_of(html, "2017")[1:COMPLETION]] == [3, 0, 0, 0, 0, 0, 3, 0, 0, 0]


def test_objective_drilldown_lists_the_bodies_and_duties_serving_it(app, seed, coordinator):
    health_year_of_work(app)
    objective_4 = next(o for o in db.session.get(Plan, seed.plan_id).objectives if o.number == 4)
    html = coordinator.get(f"/p/{seed.plan_id}/progress/objective/{objective_4.id}?year=0").get_data(
        as_text=True
    )
    assert [first_number(c) for c in row_of(html, HEALTH)[1:COMPLETION]] == [10, 1, 1, 0, 0, 1, 2, 5, 0, 0]
    duties = [r[0] for r in table_rows(html) if r and r[0].startswith("IV.7.")]
    assert len(duties) == 2
    assert "Sex ratio at birth" in html or "Tỷ số giới tính khi sinh" in html


@pytest.mark.parametrize(
    "path",
    [
        "/progress?year=1999",
        "/progress?sort=bogus",
        "/progress/tasks?status=lost",
        "/progress/tasks?unlinked=everything",
        "/progress/objective/999999",
        "/progress/bodies/999999",
        "/report/1999",
        "/export/bogus.csv",
    ],
)
def test_unknown_choices_are_a_clear_404(seed, coordinator, path):
    assert coordinator.get(f"/p/{seed.plan_id}{path}").status_code == 404


def test_a_malformed_year_shows_the_whole_period(seed, coordinator):
    response = coordinator.get(f"/p/{seed.plan_id}/progress?year=abc")
    assert response.status_code == 200
    assert "Whole period 2016–2020" in response.get_data(as_text=True)


def test_pages_issue_the_same_few_queries_however_many_bodies(seed, coordinator, viewing_day):
    plan = db.session.get(Plan, seed.plan_id)
    pages = [
        f"/p/{plan.id}/progress",
        f"/p/{plan.id}/progress?year=2018",
        f"/p/{plan.id}/progress/years",
        f"/p/{plan.id}/progress/objective",
        f"/p/{plan.id}/progress/activity?year=2017",
        f"/p/{plan.id}/progress/overdue",
        f"/p/{plan.id}/export.xlsx",
    ]
    for page in pages:
        count_statements(coordinator, page)  # warm the session as a later visit would find it
    before = {page: count_statements(coordinator, page) for page in pages}
    bodies_before = len(per_body.overview(plan, TODAY).rows)
    departments = body("other-departments")
    for n in range(25):
        db.session.add(
            Body(jurisdiction=plan.jurisdiction, key=f"dept-{n}", name=f"Sở thứ {n}", parent=departments)
        )
    db.session.flush()
    assert sync_tasks(plan).created > 0
    for page in pages:
        count_statements(coordinator, page)
    after = {page: count_statements(coordinator, page) for page in pages}
    assert len(per_body.overview(plan, TODAY).rows) == bodies_before + 25
    assert after == before
    export = before.pop(f"/p/{plan.id}/export.xlsx")
    assert max(before.values()) <= 12  # signed-in user, plan, bodies, one or two GROUP BYs
    assert export <= 30  # six sheets


def test_the_overdue_list_offers_the_reminders_nudge_to_the_coordinator(app, seed, coordinator):
    page = coordinator.get(f"/p/{seed.plan_id}/progress/overdue").get_data(as_text=True)
    assert f'href="/p/{seed.plan_id}/bodies/{body("health").id}/nudge"' in page
    body_page = coordinator.get(f"/p/{seed.plan_id}/progress/bodies/{body('health').id}").get_data(
        as_text=True
    )
    assert f'href="/p/{seed.plan_id}/bodies/{body("health").id}/nudge"' in body_page
    observer = app.test_client()
    login(observer, OBSERVER_EMAIL)
    assert "/nudge" not in observer.get(f"/p/{seed.plan_id}/progress/overdue").get_data(as_text=True)


def test_the_overview_agrees_with_the_api_progress_summary(seed, viewing_day):
    from gplan.reporting.body_year import progress_by_body

    _plausible_progress(seed)
    plan = db.session.get(Plan, seed.plan_id)
    for year in (None, *plan.years):
        api_rows, api_total = progress_by_body(plan, TODAY, year)
        page = per_body.overview(plan, TODAY, year)
        assert [(r.body.id, dict(r.counts.items())) for r in api_rows] == [
            (r.body.id, dict(r.counts.items())) for r in page.rows
        ]
        assert api_total.total == page.total.total


def test_the_overview_opens_on_this_year_and_the_whole_period_is_one_click_away(app, seed, coordinator):
    health_year_of_work(app)
    plan = db.session.get(Plan, seed.plan_id)
    html = coordinator.get(f"/p/{seed.plan_id}/progress").get_data(as_text=True)
    assert "Year 2018" in html  # VIEWING_DAY is in the plan's third year
    this_year = per_body.overview(plan, TODAY, 2018).total.total
    assert first_number(row_of(html, "All bodies")[1]) == this_year
    whole = re.search(r'<a class="scope-switch" href="([^"]+)">Show the whole period 2016–2020</a>', html)
    assert whole, "no link to the whole period"
    everything = coordinator.get(whole.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert first_number(row_of(everything, "All bodies")[1]) == per_body.overview(plan, TODAY).total.total
    assert "Show this year (2018)" in everything
    # The column sorts keep the whole period once chosen.
    assert all("year=0" in link for link in re.findall(r'href="([^"]*sort=[^"]*)"', everything))
    themes = coordinator.get(f"/p/{seed.plan_id}/progress/objective").get_data(as_text=True)
    assert "Year 2018" in themes


def test_a_plan_of_another_period_opens_on_its_whole_period(seed, client):
    user(COORDINATOR_EMAIL).locale = "en"
    db.session.flush()
    with time_machine.travel(datetime(2024, 3, 1, 9, tzinfo=LOCAL_TZ), tick=False):
        login(client, COORDINATOR_EMAIL)
        html = client.get(f"/p/{seed.plan_id}/progress").get_data(as_text=True)
    assert "Whole period 2016–2020" in html and "scope-switch" not in html


def test_most_overdue_first_counts_the_overdue_tasks(app, seed, coordinator):
    """The default order is by the number of overdue tasks (the share breaks ties), not by
    the share alone, which would put a small body with one late task above a large one with five."""
    health_year_of_work(app)
    html = coordinator.get(f"/p/{seed.plan_id}/progress?year=0").get_data(as_text=True)
    rows = body_sections(html)[0]
    overdue = [(first_number(r[OVERDUE]), int(r[OVERDUE].split()[1].rstrip("%"))) for r in rows]
    assert overdue == sorted(overdue, reverse=True)
    by_share = sorted(overdue, key=lambda pair: pair[1], reverse=True)
    assert by_share != overdue, "the data does not tell the two orders apart"
