"""The coordinator sees a focal point's tick on the overview and downloads the Excel report;
the API's docs page works under the Content-Security-Policy."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_coordinator_sees_the_tick_and_downloads_the_excel_report(browser, live_app):
    base = live_app.config["LIVE_URL"]
    coordinator = browser.new_context(base_url=base).new_page()
    sign_in(coordinator, "coordinator@example.org")
    assert "/progress" in coordinator.url  # the coordinator starts on the progress overview

    focal = browser.new_context(base_url=base).new_page()
    sign_in(focal, "justice@example.org")
    open_tasks = "#h-soon + ul .task-title, #h-overdue + ul .task-title, #h-later + ul .task-title"
    focal.locator(open_tasks).first.click()
    # The overview shows one year: the coordinator looks at the year of the task being ticked.
    year = re.search(r"\d\d/\d\d/(\d{4})", focal.locator("dl.facts").inner_text()).group(1)
    coordinator.goto(f"{coordinator.url.split('?')[0]}?year={year}")
    before = coordinator.locator("table").first.inner_text()
    focal.check("input[name=progress][value=done]")
    focal.click("button.primary")
    assert focal.locator(".flash-success").is_visible()

    coordinator.reload()
    after = coordinator.locator("table").first.inner_text()
    assert before != after  # the Department of Justice's row changed

    with coordinator.expect_download() as pending:
        coordinator.goto(coordinator.url.split("/progress")[0] + "/export")
        coordinator.locator("a[href$='export.xlsx']").first.click()
    download = pending.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(workbook.sheetnames) >= 2
    first = workbook[workbook.sheetnames[0]]
    headers = [cell.value for cell in next(first.iter_rows(max_row=1))]
    assert any(header and "Cơ quan" in str(header) for header in headers)
    assert any("Sở Tư pháp" in str(cell.value) for row in first.iter_rows() for cell in row)


def test_api_docs_render_under_the_content_security_policy(page):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert "gplan" in page.locator(".swagger-ui .info").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_on_a_phone_the_body_stays_in_view_beside_the_counts_scrolled_sideways(page):
    sign_in(page, "coordinator@example.org")
    wrap = page.locator(".table-wrap").first
    name = page.locator("table.numbers tbody th[scope=row]").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # the counts do not fit a phone
    wrap.evaluate("w => window.scrollTo(0, w.getBoundingClientRect().top + window.scrollY)")
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    page.wait_for_function("document.querySelector('.table-wrap').scrollLeft > 0")
    left, box = wrap.bounding_box(), name.bounding_box()
    assert box["x"] >= left["x"] - 1 and box["x"] + box["width"] <= left["x"] + left["width"]
    on_top = (
        "th => { const r = th.getBoundingClientRect();"
        " return document.elementFromPoint(r.left + 5, r.top + 5)?.closest('th') === th; }"
    )
    assert name.evaluate(on_top)  # not covered by the scrolled counts
