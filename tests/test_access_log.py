"""The servers log one line per request (method, path, status, duration), and never a query
string or the secret in a calendar-feed or set-password address."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_processes import _free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "s3cr3t-token-value"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _run_and_log(command: list[str], port: int, folder: Path) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'gplan.db'}",
        "SECRET_KEY": "log-test",
        "GPLAN_INSTANCE": str(folder),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    log = folder / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while _get_or_none(base + "/healthz") is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
            assert _get(f"{base}/healthz?token={SECRET}") in (200, 503)
            assert _get(f"{base}/calendar/{SECRET}.ics") == 404
            assert _get(f"{base}/set-password/{SECRET}") in (200, 302, 404)
            assert _get(f"{base}/no-such-page?q={SECRET}") == 404
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
    return log.read_text()


def _get_or_none(url: str) -> int | None:
    try:
        return _get(url)
    except OSError:
        return None


def _assert_logged(text: str) -> None:
    assert SECRET not in text
    assert re.search(r'GET /healthz"? (200|503) .*\d+ms', text), text
    assert re.search(r'GET /calendar/\[token\]"? 404 .*\d+ms', text), text
    assert re.search(r'GET /set-password/\[token\]"? \d{3} .*\d+ms', text), text
    assert re.search(r'GET /no-such-page"? 404 .*\d+ms', text), text


def test_the_single_process_server_logs_each_request(tmp_path):
    port = _free_port()
    command = [str(BIN / "flask"), "--app", "wsgi", "serve", "--no-scheduler", "--port", str(port)]
    _assert_logged(_run_and_log(command, port, tmp_path))


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Unix")
def test_gunicorn_logs_each_request_without_secrets(tmp_path):
    port = _free_port()
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'gplan.db'}",
            "GPLAN_INSTANCE": str(tmp_path),
        },
        check=True,
        capture_output=True,
    )
    command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    _assert_logged(_run_and_log(command, port, tmp_path))
