"""A newcomer's journeys through the demo, as the README starts it but on another port than
5000: a district focal point, the coordinator and the administrator, on a laptop (1366×768)
and on a phone (390×844). Every page passes axe-core, logs no console error (a refused inline
script or style included), shows the favicon and one top bar — on a single line on the laptop.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from gplan.ops.demo import DEMO_TODAY
from gplan.tasks.vocabulary import TaskStatus

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "gplan-demo-2026"
# The vertical middle of each visible element: equal for all when they share one line.
MIDDLES = (
    "items => items.filter(i => i.offsetParent)"
    ".map(i => { const r = i.getBoundingClientRect(); return r.top + r.height / 2; })"
)
SELECTED = (
    "(f => f.selectionStart === 0 && f.selectionEnd === f.value.length)(document.querySelector('#feed-url'))"
)
LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(LAPTOP, id="1366x768"), pytest.param(PHONE, id="390x844")]


def _free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 5000:
            return port


class Demo:
    """`flask serve --demo` in a process of its own, on a free port, with its own database."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = folder / "demo.db"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("BASE_URL", "MAIL_SERVER", "DATABASE_URL", "PROXY_FIX")
        }
        env |= {"GPLAN_INSTANCE": str(folder), "DATABASE_URL": f"sqlite:///{self.database}"}
        self.log = open(folder / "serve.log", "w")  # noqa: SIM115
        command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "serve", "--demo"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), "--threads", "4"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(Path(self.log.name).read_text())
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # nosec B310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the demo did not start: " + Path(self.log.name).read_text())

    def rows(self, query: str, *args) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(query, args).fetchall()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, browser):
    server = Demo(tmp_path_factory.mktemp("demo"))
    server.rows("UPDATE plan SET review_required = false")  # these journeys mark tasks done directly
    yield server
    server.stop()


class Visit:
    """One person's browser: signs in, opens pages and checks each one as it goes."""

    def __init__(self, browser, demo: Demo, viewport: dict):
        self.demo, self.viewport = demo, viewport
        self.context = browser.new_context(base_url=demo.url, viewport=viewport, locale="vi-VN")
        self.context.set_default_timeout(20000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        # A form sent back with its errors answers 422 on purpose; any other error counts.
        if message.type == "error" and "status of 422" not in message.text:
            self.errors.append(message.text)

    def sign_in(self, email: str) -> None:
        self.page.goto("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", PASSWORD)
        self.page.click("button.primary")
        self.page.wait_for_url(lambda url: "/login" not in url)
        self.checked()

    def open(self, path: str) -> None:
        response = self.page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        self.checked()

    def checked(self) -> None:
        """The page as loaded: accessible, no console error, the favicon, one top bar."""
        page = self.page
        page.wait_for_load_state("load")
        where = page.url
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{where}: {serious}"
        assert not self.errors, f"{where}: console errors {self.errors}"
        icons = page.eval_on_selector_all("link[rel=icon]", "links => links.map(l => l.href)")
        icons = [icon.split("?")[0] for icon in icons]  # static files carry a ?v= version
        assert any(icon.endswith("favicon.svg") for icon in icons) and any(
            icon.endswith("/favicon.ico") for icon in icons
        )
        if self.viewport is LAPTOP:
            tops = page.eval_on_selector_all(
                ".topbar > *, .topbar .nav > li",
                MIDDLES,
            )
            assert max(tops) - min(tops) < 8, f"{where}: the top bar wraps ({tops})"
            assert page.locator(".topbar").bounding_box()["height"] < 64

    def menu(self) -> list[str]:
        return [item.strip() for item in self.page.locator(".topbar .nav a").all_inner_texts()]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, demo, request):
    opened = []

    def start(viewport):
        opened.append(Visit(browser, demo, viewport))
        return opened[-1]

    yield start
    for one in opened:
        one.close()


def test_the_demo_serves_its_favicon(demo):
    with urllib.request.urlopen(f"{demo.url}/favicon.ico") as answer:  # nosec B310
        assert answer.status == 200 and answer.headers["Content-Type"] in (
            "image/vnd.microsoft.icon",
            "image/x-icon",
        )
        assert answer.read()[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_district_focal_point(visit, demo, viewport):
    me = visit(viewport)
    me.sign_in("district-gia-loc@example.org")
    page = me.page
    assert "/tasks" in page.url
    menu = me.menu()
    # Item 6: objectives with their titles, activities cut on a word boundary, a status filter.
    objectives = page.locator("#objective option").all()[1:]
    assert objectives and all(re.match(r"\d+\. \w+ \w+", o.inner_text()) for o in objectives)
    for option in page.locator("#activity option").all()[1:]:
        label, full = option.inner_text(), option.get_attribute("title")
        if label.endswith("…"):
            shown = label.split(". ", 1)[1][:-1]
            assert full.startswith(shown) and not full[len(shown)].isalnum(), (label, full)
    page.select_option("#status", "overdue")
    page.click(".filters button")
    assert "status=overdue" in page.url
    me.checked()
    assert page.locator("#status").input_value() == "overdue"
    badges = page.locator(".task .badge").all_inner_texts()
    assert badges and set(badges) == {"Quá hạn"}
    me.open("/")
    # Item 7: no empty "Lead: —" lines; short cards on a phone.
    cards = page.locator("li.task")
    assert cards.count() > 3
    assert "Phối hợp: —" not in page.inner_text("main") and "Chủ trì: —" not in page.inner_text("main")
    if viewport is PHONE:
        heights = [cards.nth(i).bounding_box()["height"] for i in range(cards.count())]
        assert max(heights) < 150, heights
    open_task = page.locator(
        "section[aria-labelledby=h-soon] .task-title, section[aria-labelledby=h-overdue] .task-title"
    ).first
    open_task.click()
    me.checked()
    # On the task page the update form is one tap away, from the first screen.
    jump = page.locator("a[href='#update']")
    assert jump.bounding_box()["y"] + jump.bounding_box()["height"] <= viewport["height"]
    jump.click()
    page.wait_for_function("document.querySelector('#update').getBoundingClientRect().top < innerHeight")
    # Item 10: undoing a completion takes its evidence off the task; the history keeps it.
    page.check("input[name=progress][value=done]")
    page.fill("#evidence_url", f"https://pnd.example.gov.vn/bao-cao-{viewport['width']}")
    page.click("#update button.primary")
    me.checked()
    assert "bao-cao-" in page.inner_text(".facts")
    page.check("input[name=progress][value=not_started]")
    page.fill("#note", "Bấm nhầm, chưa xong")
    page.click("#update button.primary")
    me.checked()
    assert "bao-cao-" not in page.inner_text(".facts")
    assert f"bao-cao-{viewport['width']}" in page.inner_text(".history")
    # Items 1 and 10: the calendar address leads to this port and is selected on a click.
    me.open("/profile/reminders")
    assert me.menu() == menu  # the same top bar away from the plan's pages
    if not page.locator("#feed-url").count():
        page.click("form[action$='/profile/calendar'] button")
        me.checked()
    field = page.locator("#feed-url")
    assert field.input_value().startswith(f"{demo.url}/calendar/")
    field.click()
    assert page.evaluate(SELECTED)
    assert not me.errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_coordinator(visit, demo, viewport):
    me = visit(viewport)
    me.sign_in("coordinator@example.org")
    page = me.page
    year = DEMO_TODAY.year  # the demo runs on its simulated day
    # Item 4: this year first, the whole period one click away, the most overdue first.
    assert "/progress" in page.url and f"Năm {year}" in page.inner_text(".meta")
    # The bodies with duties assigned (those only requested to act are counted apart below them).
    rows = page.locator("table.numbers tbody:not(.requested) tr:has(td:nth-child(9))")
    column = 1 + list(TaskStatus).index(TaskStatus.OVERDUE)  # after the number of tasks
    overdue = [
        int(rows.nth(i).locator("td").nth(column).inner_text().split()[0]) for i in range(rows.count())
    ]
    assert overdue == sorted(overdue, reverse=True)
    menu = me.menu()
    assert len(menu) == len(set(menu)) and "Chỉ tiêu" not in menu and "Các kế hoạch" not in menu
    page.click("a.scope-switch")
    me.checked()
    assert "Cả giai đoạn" in page.inner_text(".meta")
    # Item 3: the heatmap's tooltips in Vietnamese.
    me.open(page.url.split("/progress")[0] + "/progress/years")
    titles = page.eval_on_selector_all("td.heat a", "cells => cells.map(c => c.title)")
    assert titles and all("đã hoàn thành" in title and "quá hạn" in title for title in titles)
    # Item 9: a body reminded today is not offered a second reminder.
    me.open(page.url.split("/progress")[0] + "/progress/overdue")
    nudge = page.locator("a.button[href$='/nudge']").first
    body_page = nudge.get_attribute("href")
    nudge.click()
    me.checked()
    if page.locator("textarea[name=note]").count():
        page.fill("textarea[name=note]", "Đề nghị cập nhật tiến độ trước thứ Sáu.")
        page.click("form button.primary")
        me.checked()
    assert (
        "Đã nhắc hôm nay lúc" in page.inner_text("main") and not page.locator("textarea[name=note]").count()
    )
    back = page.locator("main a").first.get_attribute("href")
    me.open(back)
    assert "Đã nhắc hôm nay lúc" in page.inner_text("main")
    assert not page.locator(f"a[href='{body_page}']").count()
    # Item 5: a deadline typed dd/mm/yyyy; a wrong one comes back with a Vietnamese message.
    page.locator(".task-title").nth(1 if viewport is LAPTOP else 2).click()
    me.checked()
    page.click("a[href*='/extend']")
    me.checked()
    field = page.locator("#deadline")
    assert field.get_attribute("type") == "text" and field.get_attribute("placeholder") == "dd/mm/yyyy"
    field.fill("31/02/2031")
    page.fill("#reason", "Chờ số liệu thống kê")
    page.click("form.narrow button.primary")
    me.checked()
    assert "ngày/tháng/năm" in page.inner_text(".error") and field.input_value() == "31/02/2031"
    assert page.locator("#reason").input_value() == "Chờ số liệu thống kê"
    field.fill(f"2{7 if viewport is LAPTOP else 8}/02/2031")
    page.click("form.narrow button.primary")
    me.checked()
    assert f"2{7 if viewport is LAPTOP else 8}/02/2031" in page.inner_text(".facts")
    # Items 1 and 9: the outbox lists the tasks a reminder carried, linked to this port.
    me.open("/outbox")  # the demo's start sent the past week's reminders (held: no mail server)
    assert me.menu() == menu
    messages = page.eval_on_selector_all(
        "table.outbox a[href*='/outbox/']", "links => links.map(a => a.href)"
    )
    for message in messages:  # the first that carried reminders (an invitation carries none)
        me.open(message)
        if page.locator("ul.carried").count():
            break
    carried = page.locator("ul.carried li")
    assert carried.count() >= 1
    first = carried.first.inner_text()
    assert re.search(r"\S+ .{12,}", first) and re.search(r"\d\d/\d\d/\d{4}", first)
    assert f"{demo.url}/tasks/" in page.inner_text("pre.mail-text")
    me.open("/profile/")
    assert me.menu() == menu


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_administrator(visit, demo, viewport):
    me = visit(viewport)
    me.sign_in("admin@example.org")
    page = me.page
    menu = me.menu()
    # Item 1: the invitation leads to this port.
    me.open("/admin/users/new")
    email = f"moi-{viewport['width']}@example.org"
    page.fill("#name", "Nguyễn Văn Mới")
    page.fill("#email", email)
    page.select_option("#role", "observer")
    page.click("form button.primary")
    me.checked()
    [(text,)] = demo.rows("select body_text from mail_message where recipient = ? and kind = 'invite'", email)
    assert re.search(rf"{re.escape(demo.url)}/set-password/\S+", text), text
    # Item 5: the audit log's dates typed dd/mm/yyyy; a wrong one is explained, in Vietnamese.
    me.open("/admin/audit")
    assert me.menu() == menu
    page.fill("#date_from", "32/13/2026")
    page.click("form.filters button")
    me.checked()
    assert (
        "ngày/tháng/năm" in page.inner_text("main")
        and page.locator("#date_from").input_value() == "32/13/2026"
    )
    today = DEMO_TODAY.strftime("%d/%m/%Y")
    page.fill("#date_from", today)
    page.click("form.filters button")
    me.checked()
    assert page.locator("#date_from").input_value() == today
    # Item 3: the audit details in Vietnamese (the account just created, with its role).
    assert f"{email} (Theo dõi)" in page.inner_text("table")
    # An ad-hoc task: its due date typed dd/mm/yyyy as well.
    plan = re.search(r"/p/(\d+)/", page.locator(".topbar .nav a").first.get_attribute("href")).group(1)
    me.open(f"/admin/plans/{plan}/ad-hoc")
    due = page.locator("#due_on")
    assert due.get_attribute("inputmode") == "numeric" and due.get_attribute("placeholder") == "dd/mm/yyyy"
