"""No English in the Vietnamese interface — including what is built at run time.

Each role opens every page the URL map gives it (the authorisation matrix's routes, with real
objects) and every page linked from those, in Vietnamese, after a history that leaves a trace
of every kind: progress ticked and undone, an extension, an ad-hoc task, plan files accepted and
rejected, due days and bodies changed, users created and changed, tokens, nudges, reminders.
Every form is also sent empty and with wrong values, for its validation messages. The text a
person sees or hears (text, tooltips, screen-reader labels, placeholders) is searched for
English words: the words of the catalogue's English messages and a list of common ones, less
the few names and codes that are the same in both languages.
"""

from __future__ import annotations

import io
import re
from collections import deque
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
import yaml
from babel.messages.pofile import read_po
from sqlalchemy import select, update

from gplan.extensions import db
from gplan.models import ApiToken, AuditEntry, User
from gplan.ops import audit
from gplan.reminders.run import run_reminders
from gplan.timeutil import LOCAL_TZ
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    PLAN_FILE,
    body,
    focal_email,
    login,
    submit,
    task_of,
    user,
)
from tests.test_authorization_matrix import EMAILS, POLICY, _objects

ROOT = Path(__file__).resolve().parent.parent
DAY = datetime(2018, 7, 2, 9, 30, tzinfo=LOCAL_TZ)  # a Monday in the plan's third year

# Names and codes written the same in Vietnamese: products, formats, protocol words.
ALLOWED = {
    "gplan",
    "api",
    "csv",
    "excel",
    "pdf",
    "xlsx",
    "yaml",
    "utf",
    "ical",
    "icalendar",
    "outlook",
    "google",
    "calendar",
    "bearer",
    "authorization",
    "email",
    "mail",
    "smtp",
    "true",
    "false",
    "ok",
    "swagger",
    "json",
    "http",
    "https",
    "url",
    "id",
    "kh",
    "ubnd",
    "ict",
    "dolisa",
    "tnxh",
    "tncshcm",
}
COMMON = [
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "back",
    "be",
    "been",
    "before",
    "being",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "day",
    "days",
    "did",
    "do",
    "does",
    "done",
    "down",
    "due",
    "each",
    "every",
    "few",
    "first",
    "for",
    "from",
    "get",
    "give",
    "go",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "his",
    "how",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "last",
    "late",
    "later",
    "least",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "more",
    "most",
    "must",
    "my",
    "never",
    "new",
    "next",
    "no",
    "none",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "per",
    "please",
    "same",
    "see",
    "she",
    "should",
    "show",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "without",
    "would",
    "yes",
    "you",
    "your",
]
SKIPPED_PATHS = ("/logout", "/language/", "/static/", "/api/", "/calendar/", "/favicon")
DOWNLOADS = (".csv", ".xlsx", ".docx", ".ics", "/evidence")


def _english_words() -> set[str]:
    with open(ROOT / "translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="vi")
    english, vietnamese = set(COMMON), set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= set(_words(re.sub(r"%\(\w+\)[sd]|%%", " ", text)))
        for text in strings:
            vietnamese |= set(_words(text or ""))
    # Words written the same in both languages (as they appear in the translations, or in the
    # plan's Vietnamese text: "can thiệp", "tin") are not evidence of English.
    plan_text = PLAN_FILE.read_text(encoding="utf-8")
    vietnamese |= set(_words(plan_text))
    return {word for word in english - vietnamese - ALLOWED if len(word) > 1}


CODE = re.compile(r"https?://\S+|\S+@\S+|\S*[\d_./\\:-]\S*|%\(\w+\)\w")


def _words(text: str) -> list[str]:
    """The ASCII words of ``text`` (lower-cased), codes, refs, addresses and numbers left out."""
    words = []
    for token in CODE.sub(" ", text).split():
        for word in re.findall(r"[^\W\d_]+", token):
            if word.isascii():
                words.append(word.lower())
    return words


class VisibleText(HTMLParser):
    """What a person reads or hears: text nodes (not scripts, styles, <code> or parts marked as
    another language) and the attributes shown as tooltips or read by screen readers."""

    SKIP = {"script", "style", "code", "pre", "textarea"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    SPOKEN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (self.stack and self.stack[-1]) or tag in self.SKIP or attrs.get("lang") not in (None, "vi")
        if not skipped:
            self.parts += [attrs[name] for name in self.SPOKEN if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.parts.append(attrs.get("value") or "")
        if tag not in self.VOID:
            self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def english_in(html: str, english: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        hits = [word for word in _words(part) if word in english]
        if hits:
            found.append(f"{', '.join(sorted(set(hits)))} ← {' '.join(part.split())[:140]!r}")
    return found


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _pattern(url: str) -> tuple:
    """Pages alike: the same path shape (ids as #) and the same query keys."""
    parts = urlsplit(url)
    keys = tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))
    return re.sub(r"\d+", "#", parts.path), keys


class Crawl:
    """One role's pages, breadth first from the URL map's routes, each shape of page twice."""

    def __init__(self, client, english: set[str], limit: int = 260):
        self.client, self.english, self.limit = client, english, limit
        self.seen: set[str] = set()
        self.shapes: dict[tuple, int] = {}
        self.problems: dict[str, list[str]] = {}
        self.endpoints: set[str] = set()

    def check(self, url: str, response) -> None:
        if response.mimetype != "text/html":
            return
        found = english_in(response.get_data(as_text=True), self.english)
        if found:
            self.problems[url] = found

    def run(self, app, start: list[str]) -> None:
        queue = deque(start)
        while queue and len(self.seen) < self.limit:
            url = queue.popleft()
            shape = _pattern(url)
            if url in self.seen or self.shapes.get(shape, 0) >= 2:
                continue
            self.seen.add(url)
            self.shapes[shape] = self.shapes.get(shape, 0) + 1
            response = self.client.get(url)
            if response.status_code in (301, 302, 303):
                queue.append(response.location)
            if response.status_code not in (200, 301, 302, 303):
                continue
            self.endpoints.add(app.url_map.bind("localhost").match(urlsplit(url).path)[0])
            if response.status_code != 200:
                continue
            self.check(url, response)
            links = Links()
            links.feed(response.get_data(as_text=True))
            for href in links.hrefs:
                target = urljoin(url, href.split("#")[0])
                parts = urlsplit(target)
                if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
                    continue
                if parts.path.startswith(SKIPPED_PATHS) or parts.path.endswith(DOWNLOADS):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def _broken_plan() -> bytes:
    raw = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    raw["plan"]["period"] = {"start": 2020, "end": 2016}
    raw["plan"]["vaules"] = 1
    del raw["bodies"][0]["name"]
    raw["bodies"][1]["key"] = "Sở Y tế"
    raw["objectives"][0]["targets"][0]["values"][0]["comparator"] = "about"
    raw["objectives"][0]["targets"][0]["values"][0]["value"] = "nhiều"
    raw["activities"][0]["lead"] = []
    raw["responsibilities"][0]["schedule"] = {"kind": "window", "start": "11-15"}
    raw["responsibilities"][1]["schedule"] = {"kind": "once", "year": "năm sau", "due": "02-30"}
    raw["responsibilities"][2]["objectives"] = [99]
    raw["responsibilities"][3]["coordinating"] = ["so-khong-co"]
    raw["responsibilities"][4]["ref"] = raw["responsibilities"][5]["ref"]
    return yaml.safe_dump(raw, allow_unicode=True).encode()


def _upload(client, content: bytes, name: str, **period):
    data = {"file": (io.BytesIO(content), name), "start": "", "end": "", **period}
    return submit(client, "/admin/plans/import", data, content_type="multipart/form-data")


def _report_history(keep, seed, focal, coordinator) -> None:
    """Health's report for 2018: saved, submitted, returned, submitted again, accepted, reopened;
    and the province's report filled in."""
    from gplan.models import BodyReport
    from gplan.reporting.body_reports import assemble
    from gplan.timeutil import local_today
    from tests.helpers import plan

    report = f"/p/{seed.plan_id}/bodies/{body('health').id}/report/2018"
    sections = assemble(plan(seed), body("health"), 2018, local_today()).objectives
    narratives = {f"narrative-{s.key}": "Đã thực hiện" for s in sections}
    keep("report draft", submit(focal, report, {"save": "1"}, follow_redirects=True))
    keep("report submit", submit(focal, report, narratives | {"submit": "1"}, follow_redirects=True))
    rid = db.session.scalar(
        select(BodyReport.id).where(BodyReport.body_id == body("health").id, BodyReport.year == 2018)
    )
    decide = f"/body-reports/{rid}"
    keep(
        "report return",
        submit(coordinator, f"{decide}/return", {"reason": "Bổ sung"}, page=report, follow_redirects=True),
    )
    keep("report again", submit(focal, report, {"submit": "1"}, follow_redirects=True))
    keep("report accept", submit(coordinator, f"{decide}/accept", {}, page=report, follow_redirects=True))
    keep(
        "report reopen",
        submit(coordinator, f"{decide}/reopen", {"reason": "Cập nhật"}, page=report, follow_redirects=True),
    )
    province = f"/p/{seed.plan_id}/province-report/annual/2017"
    keep("province", submit(coordinator, province, {"number": "1/BC-UBND"}, follow_redirects=True))


def _history(app, seed, english) -> dict[str, list[str]]:
    """Leave a trace of every kind, through the pages; what the pages answer is checked too."""
    answers: dict[str, list[str]] = {}

    def keep(label: str, response) -> None:
        assert response.status_code < 500, label
        found = english_in(response.get_data(as_text=True), english)
        if found:
            answers[label] = found

    for email, name in (
        (ADMIN_EMAIL, "Trần Quản Trị"),
        (COORDINATOR_EMAIL, "Lê Điều Phối"),
        (OBSERVER_EMAIL, "Phạm Quan Sát"),
    ):
        user(email).name = name
    db.session.commit()
    focal, coordinator, admin = app.test_client(), app.test_client(), app.test_client()
    login(focal, focal_email("health"))
    login(coordinator, COORDINATOR_EMAIL)
    login(admin, ADMIN_EMAIL)
    submit(app.test_client(), "/login", {"email": ADMIN_EMAIL, "password": "sai mật khẩu"})
    keep("forgot", submit(app.test_client(), "/forgot-password", {"email": focal_email("dolisa")}))
    task = task_of("health", "IV.7.a", "2018:annual_report")
    for progress in ("in_progress", "done", "not_started"):
        keep(
            f"tick {progress}",
            submit(
                focal, f"/tasks/{task.id}", {"progress": progress, "note": "Ghi chú"}, follow_redirects=True
            ),
        )
    keep(
        "extend",
        submit(
            coordinator,
            f"/admin/tasks/{task.id}/extend",
            {"deadline": "31/12/2018", "reason": "Chờ số liệu"},
            follow_redirects=True,
        ),
    )
    keep(
        "ad hoc",
        submit(
            coordinator,
            f"/admin/plans/{seed.plan_id}/ad-hoc",
            {"body": body("health").id, "title": "Báo cáo nhanh", "due_on": "15/08/2018"},
            follow_redirects=True,
        ),
    )
    keep("rejected plan", _upload(admin, _broken_plan(), "ke-hoach-loi.yaml"))
    keep("not yaml", _upload(admin, b"plan: [unclosed", "ke-hoach.yaml"))
    keep("not utf-8", _upload(admin, "plan: 'Hải Dương'".encode("utf-16"), "ke-hoach.yaml"))
    keep("imported plan", _upload(admin, PLAN_FILE.read_bytes(), "ke-hoach.yaml"))
    days = {"annual_plan": "01-31", "half_year_report": "06-20", "annual_report": "12-05"}
    keep("due days", submit(admin, f"/admin/plans/{seed.plan_id}/settings", days, follow_redirects=True))
    keep(
        "body",
        submit(
            admin,
            f"/admin/bodies/{body('finance').id}",
            {"name": "Sở Tài chính tỉnh", "contact_email": "stc@haiduong.gov.vn"},
            follow_redirects=True,
        ),
    )
    districts = body("districts").id
    keep(
        "member",
        submit(
            admin,
            f"/admin/bodies/{districts}/members",
            {"key": "thi-xa-kinh-mon", "name": "Thị xã Kinh Môn"},
            page=f"/admin/bodies/{districts}",
            follow_redirects=True,
        ),
    )
    new = {
        "name": "Nguyễn Văn Mới",
        "email": "moi@haiduong.gov.vn",
        "role": "observer",
        "body": "0",
        "locale": "vi",
    }
    keep("new user", submit(admin, "/admin/users/new", new, follow_redirects=True))
    newcomer = user("moi@haiduong.gov.vn")
    edit = {"name": "Nguyễn Văn Mới", "role": "focal_point", "body": body("health").id, "locale": "vi"}
    keep("role", submit(admin, f"/admin/users/{newcomer.id}", edit, follow_redirects=True))
    for action in ("disable", "enable", "invite", "reset"):
        keep(
            action,
            submit(
                admin,
                f"/admin/users/{newcomer.id}/{action}",
                {},
                page=f"/admin/users/{newcomer.id}",
                follow_redirects=True,
            ),
        )
    keep("token", submit(focal, "/profile/tokens", {"name": "Hệ thống một cửa"}, page="/profile/"))
    token = re.search(r"/profile/tokens/(\d+)/revoke", focal.get("/profile/").get_data(as_text=True)).group(1)
    keep(
        "revoke",
        submit(focal, f"/profile/tokens/{token}/revoke", {}, page="/profile/", follow_redirects=True),
    )
    keep("calendar", submit(focal, "/profile/calendar", {}, page="/profile/reminders", follow_redirects=True))
    police = body("police").id
    nudge = f"/p/{seed.plan_id}/bodies/{police}/nudge"
    keep("nudge", submit(coordinator, nudge, {"note": "Đề nghị gửi báo cáo"}, follow_redirects=True))
    keep("nudge again", submit(coordinator, nudge, {"note": "Lần nữa"}))
    _report_history(keep, seed, focal, coordinator)
    run_reminders(DAY.date())
    db.session.commit()
    done = set(db.session.scalars(select(AuditEntry.action).distinct()))
    assert set(audit.ACTION_LABELS) <= done, f"no history of {set(audit.ACTION_LABELS) - done}"
    return answers


def _validation_answers(app, client, english) -> dict[str, list[str]]:
    """Every form on the role's pages, sent empty and with wrong values."""
    from tests.test_form_fuzz import _forms

    pages = sorted({url for url in client.crawled if "?" not in url})
    answers: dict[str, list[str]] = {}
    for form in _forms(client, pages):
        if form.action.startswith(("/logout", "/language/", "/profile/tokens", "/profile/calendar")):
            continue
        page = client.get(form.page).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        for wrong in (False, True):
            data = {}
            for name, spec in form.fields.items():
                if spec["kind"] in ("hidden", "file", "radio", "checkbox", "submit"):
                    continue
                data[name] = (
                    ("31/02/2018" if "date" in name or "deadline" in name or name == "due_on" else "sai?")
                    if wrong
                    else ""
                )
            if token:
                data["csrf_token"] = token.group(1)
            if form.method == "get":
                response = client.get(form.action, query_string=data)
            else:
                kwargs = {"content_type": "multipart/form-data"} if form.multipart else {}
                response = client.post(form.action, data=data, **kwargs)
            found = (
                english_in(response.get_data(as_text=True), english)
                if response.mimetype == "text/html"
                else []
            )
            if found:
                answers[f"{form.method.upper()} {form.action} ({'wrong' if wrong else 'empty'})"] = found
    return answers


def _starts(objects: dict, role: str) -> list[str]:
    urls = ["/"]
    for (_endpoint, method), rule in sorted(POLICY.items()):
        if method == "GET" and role in rule.allowed and not rule.url.startswith("/api/"):
            url = rule.url.format(**objects)
            if not urlsplit(url).path.endswith(DOWNLOADS):
                urls.append(url)
    return urls


@pytest.fixture
def english():
    return _english_words()


def test_the_detector_finds_english(english):
    assert english_in('<p title="4 of 9 done, 0 overdue">Tiến độ</p>', english) == [
        "done, overdue ← '4 of 9 done, 0 overdue'"
    ]
    assert english_in("<p>Field required</p>", english)
    assert not english_in('<p>Kế hoạch 3002/KH-UBND · IV.15.c · <a href="x">Sở Y tế</a> gplan</p>', english)
    assert not english_in(
        '<button lang="en">English</button><code>responsibilities › schedule</code>', english
    )


def test_every_page_of_every_role_is_in_vietnamese(app, seed, english):
    with time_machine.travel(DAY, tick=False):
        problems = _history(app, seed, english)
        objects = _objects(seed)
        # Data, not interface: the matrix names its token in English.
        db.session.get(ApiToken, objects["token"]).name = "Hệ thống tài chính"
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.summary == "finance system")
            .values(summary="Hệ thống tài chính")
        )
        db.session.commit()
        for role in ("admin", "coordinator", "focal_point", "observer"):
            client = app.test_client()
            login(client, EMAILS[role])
            crawl = Crawl(client, english)
            crawl.run(app, _starts(objects, role))
            allowed = {
                endpoint
                for (endpoint, method), rule in POLICY.items()
                if method == "GET"
                and role in rule.allowed
                and not rule.url.startswith("/api/")
                and not urlsplit(rule.url).path.endswith(DOWNLOADS)
            }
            assert allowed <= crawl.endpoints, f"{role} never reached {allowed - crawl.endpoints}"
            problems |= {f"{role} {url}": found for url, found in crawl.problems.items()}
            client.crawled = crawl.seen
            problems |= {
                f"{role} {key}": found for key, found in _validation_answers(app, client, english).items()
            }
    assert not problems, "English in the Vietnamese interface:\n" + "\n".join(
        f"{where}: {hit}" for where, hits in problems.items() for hit in hits[:5]
    )


def test_every_user_reads_vietnamese_by_default(seed):
    assert not db.session.scalar(select(User.id).where(User.locale != "vi"))
