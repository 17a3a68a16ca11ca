"""Review in the browser: a focal point submits, the coordinator returns it with a reason, the
focal point submits again, the coordinator accepts it from the queue; the task is then locked."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Body, Plan, Task
from gplan.tasks.vocabulary import TaskProgress
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def health_task(live_app):
    """Review on; one of Health's open 2018 tasks."""
    with live_app.app_context():
        plan = db.session.scalar(select(Plan))
        plan.review_required = True
        health = db.session.scalar(select(Body).filter_by(key="health"))
        task = db.session.scalar(
            select(Task)
            .where(
                Task.body_id == health.id,
                Task.year == 2018,
                Task.progress.in_([TaskProgress.NOT_STARTED, TaskProgress.IN_PROGRESS]),
            )
            .order_by(Task.due_on.desc())
        )
        db.session.commit()
        task_id, plan_id = task.id, plan.id
        db.session.remove()
    return task_id, plan_id


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_submit_return_resubmit_accept_locked(browser, live_app, health_task):
    task_id, plan_id = health_task
    base = live_app.config["LIVE_URL"]
    focal = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}).new_page()
    coordinator = browser.new_context(base_url=base).new_page()
    sign_in(focal, "health@example.org")
    sign_in(coordinator, "coordinator@example.org")

    focal.goto(f"/tasks/{task_id}")
    assert not focal.locator("input[name=progress][value=done]").count()  # done is the coordinator's
    focal.click("a[href='#submit']")
    focal.fill("#narrative", "Đã tổ chức 6 lớp tập huấn cho cán bộ y tế cơ sở")
    focal.click("#submit button.primary")
    assert focal.locator(".flash-success").inner_text() == "Đã gửi để duyệt."
    assert "Đã gửi, chờ duyệt" in focal.locator(".facts .badge").inner_text()
    assert not _serious(focal)

    coordinator.goto(f"/p/{plan_id}/review")
    assert not _serious(coordinator)
    coordinator.click(f"a[href='/tasks/{task_id}#review']")
    assert "6 lớp tập huấn" in coordinator.locator("#review").inner_text()
    coordinator.click("#review button[name=send_back]")  # without a reason: refused, nothing lost
    assert "Hãy nêu lý do trả lại" in coordinator.locator("#review").inner_text()
    coordinator.fill("#reason", "Thiếu số liệu tách biệt theo giới")
    coordinator.click("#review button[name=send_back]")
    assert coordinator.locator(".flash-success").inner_text() == "Đã trả lại cho đơn vị."

    focal.reload()
    assert "Trả lại" in focal.locator(".facts .badge").inner_text()
    assert "Thiếu số liệu tách biệt theo giới" in focal.inner_text("main")
    focal.fill("#narrative", "Đã bổ sung số liệu tách biệt theo giới")
    focal.click("#submit button.primary")
    assert focal.locator(".flash-success").inner_text() == "Đã gửi để duyệt."

    coordinator.goto(f"/p/{plan_id}/review")
    coordinator.check(f"#pick-{task_id}")
    coordinator.click("button[name=accept]")
    assert coordinator.locator(".flash-success").inner_text() == "Đã chấp nhận 1."
    assert not coordinator.locator(f"#pick-{task_id}").count()

    focal.reload()
    assert "Hoàn thành" in focal.locator(".facts .badge").inner_text()
    assert "đã được chấp nhận và khoá" in focal.locator(".facts").first.inner_text()
    assert not focal.locator("#submit").count() and not focal.locator("#update").count()
    assert "Đã chấp nhận" in focal.locator("main").inner_text()
