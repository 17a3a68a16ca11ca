"""A focal point signs in on a phone, ticks a task, and sees it done; pages pass axe-core."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_focal_point_ticks_a_task_and_sees_it_done(page):
    sign_in(page, "dolisa@example.org")
    assert page.locator("h1").inner_text().startswith("Nhiệm vụ của tôi")
    open_task = page.locator("#h-soon + ul .task-title, #h-overdue + ul .task-title").first
    title = open_task.inner_text()
    open_task.click()
    page.check("input[name=progress][value=done]")
    page.fill("#note", "Đã gửi báo cáo qua hệ thống văn bản điện tử")
    page.click("button.primary")
    assert page.locator(".flash-success").inner_text() == "Đã lưu."
    assert "Hoàn thành" in page.locator(".facts .badge").inner_text()
    assert "Đã gửi báo cáo qua hệ thống văn bản điện tử" in page.locator(".history").inner_text()
    page.click("text=Về danh sách nhiệm vụ")
    done = page.locator("section[aria-labelledby=h-done]")
    assert title in done.inner_text()


def test_form_keeps_typed_text_after_an_error(page):
    sign_in(page, "finance@example.org")
    page.locator(".task-title").first.click()
    page.check("input[name=progress][value=done]")
    page.fill("#note", "Ghi chú không được mất")
    page.fill("#evidence_url", "không phải đường dẫn")
    page.click("button.primary")
    assert page.locator("#note").input_value() == "Ghi chú không được mất"
    assert page.locator("#evidence_url").input_value() == "không phải đường dẫn"
    assert "http://" in page.locator(".error").first.inner_text()


def test_the_evidence_file_is_chosen_in_vietnamese_and_kept(page, tmp_path):
    sign_in(page, "health@example.org")
    page.locator(
        "#h-soon + ul .task-title, #h-overdue + ul .task-title, #h-later + ul .task-title"
    ).first.click()
    pick = page.locator("#update .file-pick")
    assert pick.locator(".file-button").inner_text() == "Chọn tệp"  # not the browser's "Choose File"
    assert pick.locator(".file-chosen").inner_text() == "Chưa chọn tệp nào"
    assert pick.locator("input[type=file]").evaluate("i => i.getBoundingClientRect().width") <= 1
    evidence = tmp_path / "bien-ban-tap-huan.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bi\xc3\xaan b\xe1\xba\xa3n\n")
    page.locator("#update input[type=file]").set_input_files(str(evidence))
    assert pick.locator(".file-chosen").inner_text() == "bien-ban-tap-huan.pdf"
    page.check("input[name=progress][value=in_progress]")
    page.click("#update button.primary")
    assert page.locator(".flash-success").inner_text() == "Đã lưu."
    assert page.locator(".facts a", has_text="bien-ban-tap-huan.pdf").is_visible()
    # The keyboard reaches the hidden field, and its focus shows on our button.
    page.locator("#update input[type=file]").focus()
    outline = page.locator("#update .file-button").evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("path", ["/login", "/", "/plans"])
def test_pages_have_no_serious_accessibility_violations(page, path):
    if path != "/login":
        sign_in(page, "dolisa@example.org")
    page.goto(path)
    results = Axe().run(page)
    assert results.response["passes"], "axe-core did not run"
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious)


def test_task_page_is_accessible(page):
    sign_in(page, "dolisa@example.org")
    page.locator(".task-title").first.click()
    assert re.search(r"/tasks/\d+$", page.url)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']}" for v in serious)


@pytest.mark.parametrize("path", ["/p/1/progress", "/p/1/progress/years", "/p/1/targets"])
def test_coordinator_pages_have_no_serious_accessibility_violations(page, path):
    sign_in(page, "coordinator@example.org")
    page.goto(path)
    results = Axe().run(page)
    assert results.response["passes"], "axe-core did not run"
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious)
