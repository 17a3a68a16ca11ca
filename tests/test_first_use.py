"""What a newcomer trips on, fixed: dd/mm/yyyy dates, readable filters, quiet task cards, one
top bar on every page, a nudge not offered twice, the tasks a reminder carried, evidence that
goes with an undone completion. (The browser journeys in tests/browser/test_journeys.py walk
the same ground on a laptop and on a phone.)"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.forms import parse_local_date
from gplan.models import MailMessage, Task
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.reminders.run import run_reminders
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, PLAN_FILE, focal_email, login, plan, submit, task_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def june_2018():
    with time_machine.travel(datetime(2018, 6, 12, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        yield date(2018, 6, 12)


# Item 5: dates typed dd/mm/yyyy everywhere.


def test_dates_are_read_as_day_month_year_or_iso():
    assert parse_local_date("05/03/2019") == date(2019, 3, 5)  # 5 March, not 3 May
    assert parse_local_date(" 5/3/2019 ") == date(2019, 3, 5)
    assert parse_local_date("05.03.2019") == parse_local_date("05-03-2019") == date(2019, 3, 5)
    assert parse_local_date("2019-03-05") == date(2019, 3, 5)
    for wrong in ("31/02/2019", "03/05", "2019/03/05", "ngày mai", "05/03/19", "01/01/1066"):
        assert parse_local_date(wrong) is None, wrong


def test_date_fields_are_text_inputs_showing_dd_mm_yyyy(app, client, seed):
    login(client, COORDINATOR_EMAIL)
    task = task_of("finance", "IV.4.a", "2018")
    pages = (f"/admin/tasks/{task.id}/extend", f"/admin/plans/{seed.plan_id}/ad-hoc")
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        [field] = re.findall(r'<input[^>]*name="(?:deadline|due_on)"[^>]*>', html)
        assert (
            'type="text"' in field and 'placeholder="dd/mm/yyyy"' in field and 'inputmode="numeric"' in field
        )
        assert 'type="date"' not in html
    admin = app.test_client()
    login(admin, ADMIN_EMAIL)
    for page in ("/admin/audit", "/admin/reminders"):
        assert 'type="date"' not in admin.get(page).get_data(as_text=True)


def test_a_wrong_date_comes_back_filled_with_a_vietnamese_message(client, seed):
    login(client, COORDINATOR_EMAIL)
    task = task_of("finance", "IV.4.a", "2018")
    url = f"/admin/tasks/{task.id}/extend"
    response = submit(client, url, {"deadline": "30/02/2019", "reason": "Chờ số liệu"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2026." in page
    assert 'value="30/02/2019"' in page and "Chờ số liệu" in page
    assert submit(client, url, {"deadline": "15/02/2019", "reason": "Chờ số liệu"}).status_code == 302
    db.session.refresh(task)
    assert task.extended_due_on == date(2019, 2, 15)
    page = client.get(url).get_data(as_text=True)
    assert "15/02/2019" in page


def test_the_audit_log_takes_its_dates_as_typed_in_vietnam(client):
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/audit?date_from=31/13/2026").get_data(as_text=True)
    assert "ngày/tháng/năm" in page and 'value="31/13/2026"' in page
    page = client.get("/admin/audit?date_from=01/01/2000&date_to=31/12/2099").get_data(as_text=True)
    assert 'value="01/01/2000"' in page and "Đăng nhập" in page


# Item 6: objective titles, labels cut on a word boundary, a status filter kept in the address.


def test_the_task_filters_name_objectives_and_cut_activities_between_words(client, seed):
    login(client, focal_email("dolisa"))
    page = client.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    the_plan = plan(seed)
    for objective in the_plan.objectives:
        assert f"{objective.number}. {objective.title[:20]}" in page
    for label, full in re.findall(r'<option title="([^"]+)"[^>]*>\d+\. ([^<]+)</option>', page):
        label, full = full, label  # the title attribute holds the whole text
        if label.endswith("…"):
            shown = label[:-1]
            assert full.startswith(shown) and not full[len(shown)].isalnum(), (label, full)


def test_the_focal_list_filters_by_status(client, seed, june_2018):
    login(client, focal_email("dolisa"))
    done = task_of("dolisa", "IV.1.b", "2018")
    submit(client, f"/tasks/{done.id}", {"progress": "done"})
    page = client.get(f"/p/{seed.plan_id}/tasks?year=2018&status=overdue").get_data(as_text=True)
    tones = set(re.findall(r'class="task (tone-[\w-]+)"', page))
    assert tones == {TaskStatus.OVERDUE.css_class}
    assert '<option selected value="overdue">' in page or 'value="overdue" selected' in page
    page = client.get(f"/p/{seed.plan_id}/tasks?year=2018&status=done_late").get_data(as_text=True)
    assert re.findall(r'href="/tasks/(\d+)"', page) == [str(done.id)]
    assert client.get(f"/p/{seed.plan_id}/tasks?status=bogus").status_code == 200


# Item 7: task cards without empty lines.


def test_task_cards_leave_out_empty_lead_and_coordinating_lines(client, seed, june_2018):
    login(client, focal_email("dolisa"))
    page = client.get(f"/p/{seed.plan_id}/tasks").get_data(as_text=True)
    assert ": —</span>" not in page
    task = task_of("dolisa", "IV.1.b", "2018")
    task_page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "<dd>—</dd>" not in task_page
    assert 'href="#update"' in task_page and 'id="update"' in task_page


# Item 8: one top bar everywhere, remembering the last plan; a favicon.


class Menu(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.items = False, []

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and ("class", "nav") in attrs:
            self.inside = True
        elif tag == "a" and self.inside:
            self.items.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "ul":
            self.inside = False


def _menu(client, url: str) -> list[str]:
    parser = Menu()
    parser.feed(client.get(url).get_data(as_text=True))
    return parser.items


def test_the_top_bar_is_the_same_on_every_page_and_remembers_the_plan(client, seed):
    other = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name, period=(2021, 2025)).plan
    db.session.commit()
    login(client, COORDINATOR_EMAIL)
    on_the_plan = _menu(client, f"/p/{other.id}/progress")
    assert on_the_plan == [
        f"/p/{other.id}/progress",
        f"/p/{other.id}/tasks",
        f"/p/{other.id}/body-reports",
        f"/p/{other.id}/",
        "/admin/",
        "/outbox",
    ]
    for page in ("/outbox", "/profile/", "/profile/reminders", "/admin/users", "/password"):
        assert _menu(client, page) == on_the_plan, page
    _menu(client, f"/p/{seed.plan_id}/")
    assert _menu(client, "/outbox")[0] == f"/p/{seed.plan_id}/progress"
    assert client.get("/").location.endswith(f"/p/{seed.plan_id}/progress")


def test_a_focal_point_has_a_short_menu_and_an_account_menu(client, seed):
    login(client, focal_email("dolisa"))
    menu = _menu(client, "/profile/")
    assert menu[0] == f"/p/{seed.plan_id}/tasks" and menu[-1] == f"/p/{seed.plan_id}/" and len(menu) <= 4
    assert menu[1] == f"/p/{seed.plan_id}/reports"  # the body's report for the year
    page = client.get("/profile/").get_data(as_text=True)
    for link in ("/profile/", "/profile/reminders", "/password", "/logout"):
        assert f'"{link}"' in page
    assert page.count('rel="icon"') == 2


def test_the_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data


# Item 9: the outbox lists the tasks a reminder carried.


def test_a_reminder_in_the_outbox_lists_its_tasks(client, seed, june_2018):
    run_reminders(june_2018)
    db.session.commit()
    message = db.session.scalar(
        select(MailMessage).where(MailMessage.recipient == focal_email("dolisa")).order_by(MailMessage.id)
    )
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/outbox/{message.id}").get_data(as_text=True)
    carried = page[page.index('class="carried"') :]
    items = re.findall(r"<li>(.*?)</li>", carried[: carried.index("</ul>")], re.S)
    assert items
    for item in items:
        task = db.session.get(Task, int(re.search(r'href="/tasks/(\d+)"', item).group(1)))
        assert f'<span class="ref">{task.responsibility.ref}</span>' in item
        assert html.escape(task.responsibility.text[:40], quote=False) in item  # the task, not the body
        assert task.deadline.strftime("%d/%m/%Y") in item


# Item 10: an undone completion takes its evidence with it; no inline script anywhere.


def test_undoing_a_completion_takes_its_evidence_off_the_task(client, june_2018):
    task = task_of("dolisa", "IV.1.b", "2018")
    login(client, focal_email("dolisa"))
    url = f"/tasks/{task.id}"
    submit(client, url, {"progress": "done", "evidence_url": "https://vp.example.gov.vn/ke-hoach-2018"})
    assert "https://vp.example.gov.vn/ke-hoach-2018</a>" in client.get(url).get_data(as_text=True)
    submit(client, url, {"progress": "in_progress", "note": "Cần bổ sung"})
    db.session.refresh(task)
    assert task.evidence_url is None and task.evidence_file is None and task.completed_on is None
    page = client.get(url).get_data(as_text=True)
    assert "https://vp.example.gov.vn/ke-hoach-2018</a>" not in page  # not the latest evidence
    assert "https://vp.example.gov.vn/ke-hoach-2018" in page[page.index('class="history"') :]


def test_no_template_carries_an_inline_script_or_handler():
    """The Content-Security-Policy refuses them: a click on such an element would do nothing."""
    for template in (ROOT / "templates").rglob("*.html"):
        if template.parts[-2] == "email":
            continue  # mail is read in mail programs, not under the CSP
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r'\sstyle\s*=\s*"', text), template


def test_the_calendar_address_is_selected_by_a_script_file(client, seed):
    login(client, focal_email("dolisa"))
    submit(client, "/profile/calendar", {}, page="/profile/reminders")
    page = client.get("/profile/reminders").get_data(as_text=True)
    assert "data-select-on-focus" in page and 'src="/static/js/gplan.js?v=' in page
    assert "http://gplan.test/calendar/" in page
    assert client.get("/static/js/gplan.js").status_code == 200
