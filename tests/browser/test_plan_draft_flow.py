"""An admin rolls the plan over, writes the new document's number, date and title, edits a text
naming the old period, and publishes: only then does the plan exist."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_admin_rolls_over_edits_a_text_and_publishes(page):
    sign_in(page, "admin@example.org")
    page.goto("/admin/plans")
    page.locator("a[href$='/roll-over']").first.click()
    page.click("button.primary")
    page.wait_for_url("**/admin/drafts/*")
    assert page.locator("#code").input_value() == ""
    assert page.locator("#title").input_value() == ""
    draft_url = page.url

    page.fill("#code", "125/KH-UBND")
    page.fill("#issued_on", "15/01/2031")
    page.fill("#title", "Kế hoạch hành động về Bình đẳng giới giai đoạn mới")
    page.locator("#header button.primary").click()
    assert page.locator(".flash-success").is_visible()
    assert page.locator("#code").input_value() == "125/KH-UBND"

    flagged = page.locator("#flagged li")
    before = flagged.count()
    assert before > 0
    flagged.first.locator("a.button").click()
    page.fill("#text", "Phấn đấu đạt các chỉ tiêu vào cuối giai đoạn mới.")
    page.click("button.primary")
    page.wait_for_url(draft_url)
    assert page.locator("#flagged li").count() == before - 1

    page.locator("#publish button.primary").click()
    page.wait_for_url("**/p/*/**")
    assert page.locator(".flash-success").is_visible()
    assert "125/KH-UBND" in page.content()
