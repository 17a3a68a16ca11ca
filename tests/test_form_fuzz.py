"""A fuzz run of every form in the app: whatever is typed, the answer is never a 5xx.

The forms are found, not listed: every page reachable by a GET route (its ids filled with
real objects) is opened as an administrator and as a focal point, and every form on it is
posted with generated values — text of any kind (control characters and NUL included), huge
strings, numbers, dates, the field's own choices, and files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ADMIN_EMAIL, body, focal_email, login, task_of, user

SKIP_ACTIONS = ("/logout", "/language/")  # would end the fuzzing session itself
EXAMPLES = 12


@dataclass
class Form:
    page: str
    action: str
    method: str
    multipart: bool
    fields: dict[str, dict] = field(default_factory=dict)


class FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self.current, self.select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = Form(
                self.page,
                attrs.get("action") or self.page,
                (attrs.get("method") or "get").lower(),
                attrs.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", tag) if tag == "input" else tag
            entry = self.current.fields.setdefault(attrs["name"], {"kind": kind, "options": []})
            if kind in ("radio", "checkbox") and attrs.get("value") is not None:
                entry["options"].append(attrs["value"])
            if tag == "select":
                self.select = entry
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


WILD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=40),
    st.sampled_from(
        ["", " ", "\x00", "0", "-1", "99999999999999999999", "2018-02-30", "31-12", "12-31", "1e309"]
    ),
    st.just("x" * 20000),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.dates().map(str),
)


def _strategy(spec: dict):
    if spec["kind"] == "hidden":
        return st.none()  # keep what the page gave (ids, CSRF)
    if spec["kind"] == "file":
        return st.binary(max_size=2048).map(lambda data: (io.BytesIO(data), "fuzz.pdf"))
    if spec["options"]:
        return st.one_of(st.sampled_from(spec["options"]), WILD_TEXT)
    return WILD_TEXT


def _objects(seed) -> dict[str, int]:
    task = task_of("finance", "IV.4.a", "2017")
    return {
        "plan_id": seed.plan_id,
        "body_id": body("finance").id,
        "task_id": task.id,
        "user_id": user(focal_email("finance")).id,
        "message_id": 1,
        "token_id": 1,
        "year": 2017,
    }


def _pages(app, seed) -> list[str]:
    pages = []
    # A department and a group (whose page has the add-a-member form).
    for objects in (_objects(seed), _objects(seed) | {"body_id": body("districts").id}):
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static", "/calendar")):
                continue
            names = re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule.rule)
            if any(name not in objects for name in names):
                continue
            pages.append(
                re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m, o=objects: str(o[m.group(1)]), rule.rule)
            )
    return sorted(set(pages))


def _forms(client, pages: list[str]) -> list[Form]:
    found = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.mimetype:
            continue
        parser = FormParser(page)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form.fields and not form.action.startswith(SKIP_ACTIONS):
                found.setdefault((form.action, form.method), form)
    return list(found.values())


def _fuzz(client, form: Form) -> None:
    page = client.get(form.page).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    strategies = {name: _strategy(spec) for name, spec in form.fields.items() if name != "csrf_token"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples on every run: CI is repeatable
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.fixed_dictionaries(strategies))
    def post(values):
        data = {name: value for name, value in values.items() if value is not None}
        if token:
            data["csrf_token"] = token.group(1)
        if form.method == "get":
            response = client.get(
                form.action, query_string={k: v for k, v in data.items() if isinstance(v, str)}
            )
        else:
            kwargs = {"content_type": "multipart/form-data"} if form.multipart else {}
            response = client.post(form.action, data=data, **kwargs)
        assert response.status_code < 500, f"{form.method.upper()} {form.action} with {data!r}"

    post()


@pytest.mark.parametrize(("email", "at_least"), [(None, 2), (ADMIN_EMAIL, 15), (focal_email("finance"), 4)])
def test_no_form_answers_with_a_server_error(app, seed, client, email, at_least):
    if email:
        login(client, email)
    forms = _forms(client, _pages(app, seed))
    assert len(forms) >= at_least, [f.action for f in forms]
    for form in forms:
        _fuzz(client, form)
