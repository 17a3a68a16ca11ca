"""A task done is judged by the due date it was done against: nothing that moves due dates
afterwards (a due-day change, a re-import, GPLAN_DUE_DAYS, a roll-over) re-dates it or turns
an on-time completion late; open tasks follow the new day, and progress is never lost.

The scenario: the Department of Health's 2017 annual report (IV.7.a, due 10/12/2017) is done
on 08/12/2017; in January 2018 the annual report's due day becomes 05/12.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from gplan.config import load_config
from gplan.extensions import db
from gplan.models import Plan, Task
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, PLAN_FILE, focal_email, login, plan, submit, task_of

DONE_ON = datetime(2017, 12, 8, 10, 0, tzinfo=LOCAL_TZ)
JANUARY = datetime(2018, 1, 15, 9, 0, tzinfo=LOCAL_TZ)
EARLIER_DAY = PLAN_FILE.read_text(encoding="utf-8").replace('default: "12-10"', 'default: "12-05"')


@pytest.fixture
def done_on_time(app, seed) -> int:
    """Health's 2017 annual report, ticked done by its focal point on 08/12/2017."""
    task = task_of("health", "IV.7.a", "2017:annual_report")
    with time_machine.travel(DONE_ON, tick=False):
        focal = app.test_client()
        login(focal, focal_email("health"))
        assert submit(focal, f"/tasks/{task.id}", {"progress": "done"}).status_code == 302
    return task.id


@pytest.fixture
def january(app):
    with time_machine.travel(JANUARY, tick=False):
        yield


def _seen(app, task_id: int) -> dict[str, str]:
    """The task page as the coordinator reads it: status, deadline, day done."""
    client = app.test_client()
    login(client, COORDINATOR_EMAIL)
    page = html.unescape(client.get(f"/tasks/{task_id}").get_data(as_text=True))
    tone = re.search(r'class="badge (tone-[\w-]+)"', page).group(1)
    status = next(s.value for s in TaskStatus if s.css_class == tone)
    deadline = re.search(r"<dt>Thời hạn</dt><dd>\s*(\d\d/\d\d/\d{4})", page).group(1)
    done = re.search(r"hoàn thành ngày (\d\d/\d\d/\d{4})", page)
    return {"status": status, "deadline": deadline, "done": done.group(1) if done else ""}


DONE_AS_IT_WAS = {"status": "done_on_time", "deadline": "10/12/2017", "done": "08/12/2017"}


def _upload(client, text: str, start="", end=""):
    data = {"file": (io.BytesIO(text.encode()), PLAN_FILE.name), "start": start, "end": end}
    return submit(client, "/admin/plans/import", data, content_type="multipart/form-data")


def test_a_due_day_change_re_dates_open_tasks_only(app, client, seed, done_on_time, january):
    login(client, ADMIN_EMAIL)
    days = {name: day["date"] for name, day in plan(seed).due_days.items()}

    response = submit(client, f"/admin/plans/{seed.plan_id}/settings", days | {"annual_report": "12-05"})

    assert response.status_code == 302
    assert _seen(app, done_on_time) == DONE_AS_IT_WAS
    open_2018 = task_of("health", "IV.7.a", "2018:annual_report")
    assert _seen(app, open_2018.id)["deadline"] == "05/12/2018"


def test_a_re_import_with_another_default_re_dates_open_tasks_only(app, client, done_on_time, january):
    login(client, ADMIN_EMAIL)

    assert _upload(client, EARLIER_DAY).status_code == 302

    assert _seen(app, done_on_time) == DONE_AS_IT_WAS
    assert _seen(app, task_of("health", "IV.7.a", "2018:annual_report").id)["deadline"] == "05/12/2018"


def test_gplan_due_days_apply_on_import_and_spare_done_tasks(
    app, seed, done_on_time, january, monkeypatch, tmp_path
):
    monkeypatch.setenv("GPLAN_DUE_DAYS", '{"annual_report": "12-05"}')
    monkeypatch.setitem(app.config, "DUE_DAYS", load_config(str(tmp_path))["DUE_DAYS"])

    result = app.test_cli_runner().invoke(args=["plan", "import", str(PLAN_FILE)])

    assert result.exit_code == 0, result.output
    assert plan(seed).due_days["annual_report"]["date"] == "12-05"
    assert _seen(app, done_on_time) == DONE_AS_IT_WAS
    for year in (2018, 2019, 2020):
        open_task = task_of("health", "IV.7.a", f"{year}:annual_report")
        assert _seen(app, open_task.id)["deadline"] == f"05/12/{year}"


def test_a_roll_over_leaves_the_old_period_as_it_was(app, client, seed, done_on_time, january):
    login(client, ADMIN_EMAIL)
    data = {"file": (io.BytesIO(EARLIER_DAY.encode()), PLAN_FILE.name), "start": 2021, "end": 2025}

    response = submit(
        client, f"/admin/plans/{seed.plan_id}/roll-over", data, content_type="multipart/form-data"
    )

    assert response.status_code == 302  # a draft: the admin fills its header and publishes it
    draft = response.location
    header = {"code": "125/KH-UBND", "issued_on": "15/01/2021", "title": "Kế hoạch giai đoạn 2021-2025"}
    assert submit(client, draft, header).status_code == 302
    assert submit(client, f"{draft}/publish", {}, page=draft).status_code == 302
    assert _seen(app, done_on_time) == DONE_AS_IT_WAS
    later = db.session.scalar(select(Plan).where(Plan.period_start == 2021))
    first = task_of("health", "IV.7.a", "2021:annual_report", plan_id=later.id)
    assert _seen(app, first.id)["deadline"] == "05/12/2021"


def test_a_re_import_keeps_the_due_day_the_admin_chose(app, client, seed, january):
    login(client, ADMIN_EMAIL)
    days = {name: day["date"] for name, day in plan(seed).due_days.items()}
    submit(client, f"/admin/plans/{seed.plan_id}/settings", days | {"annual_report": "12-05"})

    assert _upload(client, PLAN_FILE.read_text(encoding="utf-8")).status_code == 302

    settings = client.get(f"/admin/plans/{seed.plan_id}/settings").get_data(as_text=True)
    assert re.search(
        r'name="annual_report"[^>]*value="12-05"|value="12-05"[^>]*name="annual_report"', settings
    )
    assert _seen(app, task_of("health", "IV.7.a", "2019:annual_report").id)["deadline"] == "05/12/2019"


def test_adding_a_note_to_a_done_task_keeps_the_day_it_was_done(app, done_on_time):
    with time_machine.travel(datetime(2017, 12, 20, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        focal = app.test_client()
        login(focal, focal_email("health"))
        response = submit(focal, f"/tasks/{done_on_time}", {"progress": "done", "note": "Bổ sung số liệu"})
        assert response.status_code == 302
        assert _seen(app, done_on_time) == DONE_AS_IT_WAS


def test_a_re_import_keeps_tasks_with_progress_that_left_the_file(app, client, done_on_time, january):
    """IV.7.a becomes a one-off task: its yearly reports leave the file. Those with progress
    or history stay; only untouched ones go."""
    started = task_of("health", "IV.7.a", "2018:annual_report")
    started.progress = "in_progress"  # as a restored backup may hold it: progress, no history
    db.session.commit()
    noted = task_of("health", "IV.7.a", "2019:annual_report")
    focal = app.test_client()
    login(focal, focal_email("health"))
    submit(focal, f"/tasks/{noted.id}", {"progress": "not_started", "note": "Đang chờ số liệu"})
    untouched = task_of("health", "IV.7.a", "2020:annual_report").id
    start = EARLIER_DAY.index('- ref: "IV.7.a"')
    end = EARLIER_DAY.index("- ref:", start + 1)
    block = EARLIER_DAY[start:end]
    one_off = (
        EARLIER_DAY[:start]
        + block.replace(
            "{kind: periodic, dues: [annual_report]}", "{kind: once, year: 1, due: annual_report}"
        )
        + EARLIER_DAY[end:]
    )
    assert one_off != EARLIER_DAY
    login(client, ADMIN_EMAIL)

    assert _upload(client, one_off).status_code == 302

    assert _seen(app, done_on_time) == DONE_AS_IT_WAS
    assert _seen(app, started.id)["status"] == "in_progress"
    assert _seen(app, noted.id) == {"status": "not_started", "deadline": "10/12/2019", "done": ""}
    assert db.session.get(Task, untouched) is None
    assert task_of("health", "IV.7.a", "2016").due_on == date(2016, 12, 5)
