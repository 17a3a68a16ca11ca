"""A focal point writes and submits its body's report for the year; the coordinator returns it
with a reason; the focal point corrects and submits it again; the coordinator accepts it, and
the body sees it accepted and locked. Both pages pass axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _no_serious_violations(page) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious)


def _submit_every_narrative(page, text: str) -> None:
    for area in page.locator("textarea[name^=narrative-]").all():
        area.fill(text)
    page.click("button[name=submit]")
    assert page.locator(".flash-success").inner_text() == "Đã gửi để duyệt."
    assert page.locator("#report-status").inner_text() == "Đã gửi, chờ duyệt"


def test_submit_return_resubmit_accept(browser, live_app):
    def new_page():
        context = browser.new_context(
            base_url=live_app.config["LIVE_URL"], viewport={"width": 1366, "height": 768}
        )
        context.set_default_timeout(15000)
        return context.new_page()

    focal, coordinator = new_page(), new_page()
    sign_in(focal, "finance@example.org")
    focal.click("nav.mainnav >> text=Báo cáo")
    assert focal.locator("h1").inner_text().startswith("Báo cáo năm 2018")
    report_url = focal.url
    _no_serious_violations(focal)
    _submit_every_narrative(focal, "Đã lồng ghép bình đẳng giới vào dự toán ngân sách")

    sign_in(coordinator, "coordinator@example.org")
    coordinator.click("nav.mainnav >> text=Báo cáo")
    coordinator.click("text=2018")
    row = coordinator.locator("tr", has_text="Sở Tài chính")
    assert "Đã gửi, chờ duyệt" in row.inner_text()
    row.locator("a").first.click()
    assert "Đã lồng ghép bình đẳng giới vào dự toán ngân sách" in coordinator.content()
    _no_serious_violations(coordinator)
    coordinator.click("text=Trả lại cơ quan")  # without a reason: refused, nothing changed
    assert coordinator.locator("#reason[aria-invalid=true]").count() == 1
    coordinator.fill("#reason", "Đề nghị bổ sung số liệu tách biệt theo giới")
    coordinator.click("text=Trả lại cơ quan")
    assert coordinator.locator("#report-status").inner_text() == "Trả lại"

    focal.goto(report_url)
    assert focal.locator("#return-reason").inner_text() == "Đề nghị bổ sung số liệu tách biệt theo giới"
    _submit_every_narrative(focal, "Đã bổ sung số liệu tách biệt theo giới")

    coordinator.reload()
    coordinator.click("text=Chấp nhận báo cáo")
    assert coordinator.locator("#report-status").inner_text() == "Đã chấp nhận"
    focal.reload()
    assert focal.locator("#report-status").inner_text() == "Đã chấp nhận"
    assert focal.locator("textarea[name^=narrative-]").count() == 0  # locked
    assert "Đã bổ sung số liệu tách biệt theo giới" in focal.content()
