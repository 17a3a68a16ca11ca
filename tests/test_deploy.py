"""The deployment files work as documented: the nginx snippet, the environment template, cache
headers on private files, versioned static addresses — and, where nginx is installed, the app
behind nginx over HTTPS on a port other than 443."""

from __future__ import annotations

import hashlib
import http.client
import http.cookiejar
import io
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from gplan import templating
from gplan.tasks import evidence
from gplan.timeutil import LOCAL_TZ
from tests.helpers import csrf_from, focal_email, login, submit, task_of

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX_CONF = DEPLOY / "nginx-gplan.conf"


def _directives(name: str) -> list[str]:
    text = re.sub(r"#.*", "", NGINX_CONF.read_text())
    return [m.group(1).strip() for m in re.finditer(rf"^\s*{name}\s+([^;]*);", text, re.M)]


def test_nginx_passes_the_host_with_its_port():
    headers = _directives("proxy_set_header")
    assert "Host $http_host" in headers and "Host $host" not in headers
    assert "X-Forwarded-Proto $scheme" in headers


def test_nginx_answers_too_large_with_the_apps_page():
    (page,) = [d.split()[-1] for d in _directives("error_page") if d.split()[0] == "413"]
    assert page.startswith("/static/")
    shipped = ROOT / page.removeprefix("/")
    html = shipped.read_text(encoding="utf-8")
    assert 'lang="vi"' in html and "Tệp tải lên quá lớn" in html
    for link in re.findall(r'href="(/static/[^"]+)"', html):
        assert (ROOT / link.removeprefix("/")).is_file(), link
    # nginx's limit is the app's own (EVIDENCE_MAX_MB 10 + 2 MB for the rest of the form).
    assert _directives("client_max_body_size") == ["12m"]


def test_the_environment_template_sets_the_proxy_and_a_shared_limiter_store():
    lines = (DEPLOY / "gplan.env.example").read_text().splitlines()
    assert "PROXY_FIX=1" in lines
    assert "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0" in lines


def test_static_addresses_carry_the_files_content_hash(client):
    page = client.get("/login").get_data(as_text=True)
    css = (ROOT / "static" / "css" / "gplan.css").read_bytes()
    expected = hashlib.sha256(css).hexdigest()[:12]
    assert f'href="/static/css/gplan.css?v={expected}"' in page
    response = client.get(f"/static/css/gplan.css?v={expected}")
    assert response.status_code == 200 and response.data == css
    response.close()


def test_a_static_files_new_content_gets_a_new_address_within_seconds(tmp_path, monkeypatch):
    """The version is looked at once every couple of seconds, not on every address: a file
    changed in place is addressed anew once that time has passed, never before."""
    clock = [1000.0]
    monkeypatch.setattr(templating.time, "monotonic", lambda: clock[0])
    style = tmp_path / "site.css"
    style.write_text("body { color: black }")
    first = templating._static_version(str(tmp_path), "site.css")
    assert first == hashlib.sha256(style.read_bytes()).hexdigest()[:12]
    style.write_text("body { color: navy }")
    os.utime(style, ns=(time.time_ns() + 10**9,) * 2)  # a later modification, however coarse the clock
    clock[0] += templating.CHECK_EVERY_SECONDS / 2
    assert templating._static_version(str(tmp_path), "site.css") == first
    clock[0] += templating.CHECK_EVERY_SECONDS
    assert (
        templating._static_version(str(tmp_path), "site.css")
        == hashlib.sha256(b"body { color: navy }").hexdigest()[:12]
    )
    assert templating._static_version(str(tmp_path), "missing.css") is None


def _upload(client, task_id: int, content: bytes, name: str = "bc.pdf"):
    data = {"progress": "in_progress", "note": "Minh chứng", "evidence_file": (io.BytesIO(content), name)}
    return submit(client, f"/tasks/{task_id}", data, content_type="multipart/form-data")


def _stored_files() -> set[str]:
    return {p.name for p in evidence.upload_folder().iterdir() if p.is_file() and not p.name.startswith(".")}


def test_evidence_is_never_cached_and_a_replaced_file_is_deleted(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    before = _stored_files()
    with time_machine.travel(datetime(2018, 3, 1, 10, tzinfo=LOCAL_TZ), tick=False):
        login(client, focal_email("health"))
        assert _upload(client, task.id, b"%PDF first").status_code == 302
        first = task.evidence_file
        download = client.get(f"/tasks/{task.id}/evidence")
        assert download.data == b"%PDF first"
        assert download.headers["Cache-Control"] == "no-store"
        download.close()
        assert _upload(client, task.id, b"%PDF second").status_code == 302
    second = task.evidence_file
    assert second != first
    assert _stored_files() - before == {second}  # the first file is gone from the disk


# --- behind nginx, where Debian's nginx is installed -------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx_config(folder: Path, port: int, app_port: int) -> Path:
    """deploy/nginx-gplan.conf as shipped, with only addresses and paths made local."""
    server = NGINX_CONF.read_text()
    server = server.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl;")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{_free_port()};")
    server = server.replace("/etc/ssl/certs/gplan.pem", str(folder / "cert.pem"))
    server = server.replace("/etc/ssl/private/gplan.key", str(folder / "key.pem"))
    server = server.replace("/opt/gplan/static/", f"{ROOT}/static/")
    server = server.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{app_port}")
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = folder / "nginx.conf"
    config.write_text(
        f"user root;\ndaemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        f"events {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp}\n"
        f"{server}\n}}\n"
    )
    return config


@pytest.fixture
def behind_nginx(tmp_path):
    if NGINX is None or shutil.which("openssl") is None:
        pytest.skip("nginx is not installed (apt-get install nginx): the test behind nginx is skipped")
    from tests.test_processes import _get, _serve, _stop

    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=x"),
            *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    bin_dir = Path(sys.executable).parent
    app_port, port = _free_port(), _free_port()
    folder = tmp_path / "instance"
    env_command = [str(bin_dir / "flask"), "--app", "wsgi"]
    environment = {
        "DATABASE_URL": f"sqlite:///{folder / 'gplan.db'}",
        "GPLAN_INSTANCE": str(folder),
        "SECRET_KEY": "process-test",
    }
    folder.mkdir()
    for args in (
        ["db", "upgrade"],
        [
            *("create-user", "--email", "admin@gplan.test", "--name", "Admin", "--role", "admin"),
            *("--password", "a long enough password"),
        ],
    ):
        subprocess.run(
            env_command + args, cwd=ROOT, env=_environ(environment), check=True, capture_output=True
        )
    gunicorn = [str(bin_dir / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    app = _serve(gunicorn, folder, app_port, extra={"PROXY_FIX": "1"})
    nginx = subprocess.Popen(
        [NGINX, "-c", str(_nginx_config(tmp_path, port, app_port)), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _get(app_port)
        yield port
    finally:
        _stop(nginx, app)


def _environ(extra: dict) -> dict:
    import os

    return {**os.environ, **extra}


def _https():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_behind_nginx_on_port_other_than_443_forms_work(behind_nginx):
    port = behind_nginx
    base = f"https://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_https()),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            page = opener.open(f"{base}/login", timeout=10)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)
    html = page.read().decode()
    assert page.headers.get("Server") in (None, "nginx")  # nginx's name only, no version
    form = {"csrf_token": csrf_from(html), "email": "admin@gplan.test", "password": "a long enough password"}
    request = urllib.request.Request(
        f"{base}/login", data=urllib.parse.urlencode(form).encode(), headers={"Referer": f"{base}/login"}
    )
    signed_in = opener.open(request, timeout=10)  # follows the redirect after signing in
    assert signed_in.status == 200 and signed_in.url.startswith(base) and "/login" not in signed_in.url
    static = re.search(r'href="(/static/css/gplan\.css\?v=[0-9a-f]+)"', html).group(1)
    assert opener.open(f"{base}{static}", timeout=10).headers["Cache-Control"] == "max-age=604800"


def test_behind_nginx_a_too_large_upload_gets_the_apps_page(behind_nginx):
    connection = http.client.HTTPSConnection("127.0.0.1", behind_nginx, context=_https(), timeout=10)
    connection.putrequest("POST", "/tasks/1")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(13 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    page = response.read().decode()
    assert response.status == 413
    assert 'lang="vi"' in page and "Tệp tải lên quá lớn" in page
    connection.close()
