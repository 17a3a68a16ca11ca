"""Helpers for the coordinator's pages' tests: real focal points recording progress, and
reading the numbers back out of the pages' tables."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from html.parser import HTMLParser

import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Task
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.helpers import focal_email, login, submit, task_of

# The day the coordinator looks: the middle of the plan's third year.
VIEWING_DAY = datetime(2018, 7, 1, 9, tzinfo=LOCAL_TZ)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=LOCAL_TZ)


def record(app, body_key: str, ref: str, occurrence: str, progress: str, when: datetime, **fields) -> Task:
    """The body's focal point signs in on ``when`` and records ``progress`` on the task page."""
    task = task_of(body_key, ref, occurrence)
    with time_machine.travel(when, tick=False):
        client = app.test_client()
        login(client, focal_email(body_key))
        data = {
            "progress": progress,
            "note": fields.get("note", ""),
            "evidence_url": fields.get("evidence_url", ""),
        }
        response = submit(client, f"/tasks/{task.id}", data)
        assert response.status_code == 302, response.get_data(as_text=True)
    return task


def health_year_of_work(app) -> None:
    """Health's record as of VIEWING_DAY (16 tasks): 2016 reports done on time and late, the
    2017 ones, the 2016–2018 annual plans and the 2016 roadmap for the period (IV.0.b) overdue,
    the 2018 report in progress."""
    record(
        app,
        "health",
        "IV.7.a",
        "2016:annual_report",
        "done",
        at(2016, 12, 1),
        note="Đã tổ chức 12 buổi truyền thông.",
        evidence_url="https://syt.example.gov.vn/bao-cao-2016",
    )
    record(
        app,
        "health",
        "IV.7.b",
        "2016:annual_report",
        "done",
        at(2017, 1, 15),
        note="Nộp muộn do thiếu số liệu.",
    )
    record(app, "health", "IV.7.a", "2017:annual_report", "in_progress", at(2017, 11, 1))
    record(
        app, "health", "IV.7.a", "2018:annual_report", "in_progress", at(2018, 6, 1), note="Đang tổng hợp."
    )


HEALTH_COUNTS = {
    "total": 16,
    "done_on_time": 1,
    "done_late": 1,
    "in_progress": 1,
    "overdue": 6,
    "not_started": 7,
}


def python_counts(plan_id: int, today, key=lambda task: task.body_id, year: int | None = None) -> dict:
    """The same counts computed in Python with Task.status_on: an independent check of the SQL."""
    counts: dict = {}
    db.session.expire_all()  # the pages' requests changed tasks through their own sessions
    query = select(Task).where(Task.plan_id == plan_id)
    if year:
        query = query.where(Task.year == year)
    for task in db.session.scalars(query):
        keys = key(task)
        for k in keys if isinstance(keys, list) else [keys]:
            counts.setdefault(k, Counter())[task.status_on(today)] += 1
    return counts


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._row_links: list[list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row, self._row_links = [], []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row_links.append([])
        elif tag == "a" and self._cell is not None:
            self._row_links[-1].append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self.links.append(self._row_links)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    """Every table row of the page as the text of its cells."""
    parser = _Tables()
    parser.feed(html)
    return parser.rows


def body_sections(html: str) -> tuple[list[list[str]], list[list[str]]]:
    """The overview's body rows in its two sections: the bodies assigned duties, and the
    organisations only requested to act (IV.16), which are counted apart."""
    assigned, _, requested = html.partition('<tbody class="requested">')
    requested = requested.split("<tfoot>")[0]

    def bodies(part: str) -> list[list[str]]:
        return [
            r
            for r in table_rows(part)
            if len(r) == 3 + len(TaskStatus) and r[1].isdigit() and not r[0].startswith(("All ", "Tất cả"))
        ]

    return bodies(assigned), bodies(requested)


def row_of(html: str, first_cell: str) -> list[str]:
    rows = [row for row in table_rows(html) if row and row[0] == first_cell]
    assert rows, f"no row starting with {first_cell!r}"
    return rows[0]


def row_links(html: str, first_cell: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    for row, links in zip(parser.rows, parser.links, strict=True):
        if row and row[0] == first_cell:
            return links
    raise AssertionError(f"no row starting with {first_cell!r}")


def first_number(cell: str) -> int:
    return int(cell.split()[0])


def health_submissions(plan_id: int) -> None:
    """With review on, Health's 2018 report (IV.7.b) as of VIEWING_DAY submitted and awaiting
    review; the 2019 one submitted early and returned by the coordinator."""
    from gplan.models import Plan
    from gplan.tasks import review
    from tests.helpers import COORDINATOR_EMAIL, user

    db.session.get(Plan, plan_id).review_required = True
    focal, coordinator = user(focal_email("health")), user(COORDINATOR_EMAIL)
    with time_machine.travel(VIEWING_DAY, tick=False):
        review.submit(task_of("health", "IV.7.b", "2018:annual_report"), focal, "Đã gửi dự thảo.")
        returned = task_of("health", "IV.7.b", "2019:annual_report")
        review.submit(returned, focal, "Đã tổng hợp.")
        review.return_submission(returned, coordinator, "Thiếu số liệu.")
    db.session.commit()
