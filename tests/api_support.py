"""Helpers for the API tests: tokens and the shape of error answers."""

from __future__ import annotations

from gplan.accounts.tokens import create_token
from gplan.extensions import db
from tests.helpers import user


def token_for(email: str, name: str = "test") -> str:
    _token, secret = create_token(user(email), name)
    db.session.commit()
    return secret


def bearer(email: str) -> dict:
    return {"Authorization": f"Bearer {token_for(email)}"}


def assert_json_error(response, status: int) -> dict:
    """The answer is a JSON error with ``status``, a message, and no HTML."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    assert body["code"] == status and body["message"] and body["status"]
    assert "<html" not in response.get_data(as_text=True).lower()
    return body
