"""A focal point asks for a later deadline and writes in the task's thread; the coordinator
finds the request in the pending list, approves another date and replies; the focal point sees
both. Two browsers, on a phone and on a laptop."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Body, ExtensionRequest, Task
from gplan.tasks.vocabulary import ExtensionState
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _open_task_without_request(live_app, body_key: str) -> tuple[int, int, str]:
    with live_app.app_context():
        asked = select(ExtensionRequest.task_id).where(ExtensionRequest.state == ExtensionState.PENDING)
        task = db.session.scalars(
            select(Task)
            .join(Body)
            .where(Body.key == body_key, Task.is_open, Task.id.not_in(asked), Task.deadline >= Task.due_on)
            .order_by(Task.deadline.desc())
        ).first()
        granted = task.deadline + timedelta(days=25)
        result = task.id, task.plan_id, granted.strftime("%d/%m/%Y")
        db.session.remove()
        return result


def test_an_extension_asked_approved_and_a_comment_exchange(browser, live_app, page):
    task_id, plan_id, granted = _open_task_without_request(live_app, "dolisa")
    sign_in(page, "dolisa@example.org")
    page.goto(f"/tasks/{task_id}")
    page.fill("#asked_for", "01/01/2022")
    page.fill("#reason", "Chờ số liệu của các huyện")
    page.click("text=Gửi đề nghị gia hạn")
    assert "Ngày đề nghị chậm nhất phải trong năm" in page.locator("#asked_for-help").inner_text()
    assert page.locator("#reason").input_value() == "Chờ số liệu của các huyện"  # the form comes back filled
    page.fill("#asked_for", granted)
    page.click("text=Gửi đề nghị gia hạn")
    assert page.locator(".flash-success").inner_text() == "Đã gửi đề nghị đến cơ quan điều phối."
    assert "Chờ quyết định" in page.locator("#extension").inner_text()
    page.fill("#text", "Xin hướng dẫn mẫu biểu báo cáo.")
    page.click("text=Gửi ý kiến")
    assert "Xin hướng dẫn mẫu biểu báo cáo." in page.locator(".thread").inner_text()

    laptop = browser.new_context(
        base_url=live_app.config["LIVE_URL"], viewport={"width": 1280, "height": 900}
    )
    laptop.set_default_timeout(15000)
    coordinator = laptop.new_page()
    try:
        sign_in(coordinator, "coordinator@example.org")
        coordinator.goto(f"/p/{plan_id}/extension-requests")
        row = coordinator.locator("tr", has_text="Chờ số liệu của các huyện")
        row.locator("a").first.click()
        coordinator.check("input[name=decision][value=approve]")
        coordinator.fill("#granted_on", granted)
        coordinator.fill("#decision_note", "Đồng ý gia hạn.")
        coordinator.click("text=Ghi nhận quyết định")
        assert coordinator.locator(".flash-success").inner_text() == "Đã chấp thuận gia hạn."
        assert f"gia hạn đến {granted}" in coordinator.locator(".facts").inner_text()
        coordinator.fill("#text", "Dùng mẫu biểu kèm theo Kế hoạch.")
        coordinator.click("text=Gửi ý kiến")
        assert "Xin hướng dẫn mẫu biểu báo cáo." in coordinator.locator(".thread").inner_text()
    finally:
        laptop.close()

    page.reload()
    extension = page.locator("#extension").inner_text()
    assert "Đã chấp thuận" in extension and granted in extension and "Đồng ý gia hạn." in extension
    assert "Dùng mẫu biểu kèm theo Kế hoạch." in page.locator(".thread").inner_text()
    assert "Đề nghị gia hạn: từ" in page.locator(".history").inner_text()
