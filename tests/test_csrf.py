"""Every state-changing route refuses a request without the CSRF token (400, nothing changed)
and accepts the same request with a valid one.

The routes come from ``app.url_map``: a new POST, PUT, PATCH or DELETE route missing here fails
the suite. Requests are those of the authorisation matrix, sent by a role allowed to make them,
so "with a token" reaches the view. A browser-session write to the API needs the token in the
``X-CSRFToken`` header; a personal API token needs none (tests/test_api_write.py).
"""

from __future__ import annotations

import io

import pytest

from gplan.accounts.tokens import create_token
from gplan.accounts.users import password_token
from gplan.extensions import db
from tests.helpers import PLAN_FILE, focal_email, user
from tests.test_authorization_matrix import (
    EMAILS,
    POLICY,
    PUBLIC,
    Rule,
    _client,
    _csrf,
    _objects,
    _routes,
    fingerprint,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The public forms, sent by a visitor who is not signed in.
PUBLIC_WRITES: dict[tuple[str, str], Rule] = {
    ("auth.login", "POST"): Rule("/login", {"anonymous"}, {"email": "x@example.org", "password": "x"}),
    ("auth.forgot_password", "POST"): Rule("/forgot-password", {"anonymous"}, {"email": "x@example.org"}),
    ("auth.set_password", "POST"): Rule(
        "/set-password/{link}", {"anonymous"}, {"password": "y" * 12, "confirm": "y" * 12}
    ),
    ("auth.set_language", "POST"): Rule("/language/en", {"anonymous"}, {}),
}
# Writes only a body's own focal point may make: sent by Health's focal point on Health's report
# (a draft with every narrative written, made by the matrix's objects).
OWN_BODY_WRITES: dict[tuple[str, str], Rule] = {
    ("focal.body_report", "POST"): Rule(
        "/p/{plan}/bodies/{health}/report/2017", {"focal_point"}, {"save": "1"}
    ),
    ("Reports.save_body_report", "PUT"): Rule(
        "/api/v1/plans/{plan}/bodies/{health}/reports/2017", {"focal_point"}, {"narratives": {}}
    ),
    ("Reports.submit_body_report", "POST"): Rule(
        "/api/v1/plans/{plan}/bodies/{health}/reports/2017/submit", {"focal_point"}, {}
    ),
}
# Who sends each signed-in request: the first allowed role (someone, so the view runs).
SENDERS = ("admin", "coordinator", "focal_point", "observer")
CASES = {key: rule for key, rule in POLICY.items() if key[1] in WRITES} | PUBLIC_WRITES | OWN_BODY_WRITES


def test_every_state_changing_route_is_covered(app):
    writes = {(endpoint, method) for endpoint, method in _routes(app) if method in WRITES}
    assert writes - set(CASES) == set(), "state-changing routes without a CSRF case"
    assert {key for key in PUBLIC if key[1] in WRITES} == set(PUBLIC_WRITES)


def _sender(rule: Rule) -> str:
    if "anonymous" in rule.allowed:
        return "anonymous"
    # Nobody may revoke another person's token; the admin revokes its own here.
    return next((role for role in SENDERS if role in rule.allowed), "admin")


def _send(app, seed, endpoint: str, method: str, with_token: bool):
    rule = CASES[(endpoint, method)]
    role = _sender(rule)
    objects = _objects(seed) | {"link": password_token(user(focal_email("justice")))}
    if role != "anonymous":  # the sender's own token, which it may revoke
        objects["token"] = create_token(user(EMAILS[role]), "csrf")[0].id
    db.session.commit()
    client = _client(app, role)
    token = _csrf(client, role)
    url = rule.url.format(**objects)
    before = fingerprint()
    if url.startswith("/api/"):
        headers = {"X-CSRFToken": token} if with_token else {}
        response = client.open(url, method=method, json=rule.data, headers=headers)
    else:
        data = {name: str(value).format(**objects) for name, value in (rule.data or {}).items()}
        if "file" in data:
            data["file"] = (io.BytesIO(PLAN_FILE.read_bytes()), "plan.yaml")
        if with_token:
            data["csrf_token"] = token
        response = client.open(url, method=method, data=data)
    response.close()
    db.session.expire_all()
    return response, before


@pytest.mark.parametrize(("endpoint", "method"), sorted(CASES))
def test_without_the_token_the_request_is_refused(app, seed, endpoint, method):
    response, before = _send(app, seed, endpoint, method, with_token=False)

    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "CSRF" in text if response.is_json else "Biểu mẫu đã hết hạn" in text
    assert fingerprint() == before, "a request without the CSRF token changed the database"


@pytest.mark.parametrize(("endpoint", "method"), sorted(CASES))
def test_with_a_valid_token_the_request_gets_through(app, seed, endpoint, method):
    response, _before = _send(app, seed, endpoint, method, with_token=True)

    assert response.status_code < 400, response.get_data(as_text=True)[:300]
