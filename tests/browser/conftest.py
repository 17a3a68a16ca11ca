"""Browser tests: Debian's headless chromium driven by Playwright against a live server."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from gplan import create_app
from gplan.extensions import db
from tests.conftest import app_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_app(databases, tmp_path_factory):
    """gplan with the demo plan and accounts, served on a free local port."""
    from gplan.ops.demo import DEMO_TODAY, load_demo

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        app_config(databases.new(), folder)
        | {"LOGIN_RATE_LIMIT": "10000 per minute", "GPLAN_TODAY": DEMO_TODAY.isoformat()}
    )
    with app.app_context():
        db.create_all()
        plan, _accounts = load_demo()
        # The flows here mark tasks done directly; test_review_flow.py turns review on.
        plan.review_required = False
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (scripts/test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_app):
    context = browser.new_context(
        base_url=live_app.config["LIVE_URL"], viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def sign_in(page, email: str, password: str = "gplan-demo-2026") -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login" not in url)
