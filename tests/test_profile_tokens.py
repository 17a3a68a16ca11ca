"""Personal API tokens: created on the profile page, shown once, stored hashed, revocable."""

import hashlib
import re

from sqlalchemy import select

from gplan.extensions import db
from gplan.models import ApiToken
from tests.helpers import focal_email, login, submit, user

TOKEN_RE = re.compile(r'<code class="token" id="new-token">(gplan_[^<]+)</code>')


def _create(client, name="e-office") -> str:
    response = submit(client, "/profile/tokens", {"name": name}, page="/profile/")
    assert response.status_code == 200
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "the new token is shown"
    return match.group(1)


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client):
    login(client, focal_email("health"))
    secret = _create(client)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.prefix, stored.name) and stored.prefix == secret[:14]
    page = client.get("/profile/").get_data(as_text=True)
    assert secret not in page and stored.prefix in page and "e-office" in page
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.get_json()["email"] == focal_email("health")
    db.session.refresh(stored)
    assert stored.last_used_at is not None


def test_a_token_name_is_required_and_kept(client):
    login(client, focal_email("health"))
    response = submit(client, "/profile/tokens", {"name": ""}, page="/profile/")
    assert response.status_code == 422
    assert db.session.scalar(select(ApiToken)) is None


def test_revoking_stops_the_token(client):
    login(client, focal_email("health"))
    secret = _create(client)
    token = db.session.scalar(select(ApiToken))
    response = submit(client, f"/profile/tokens/{token.id}/revoke", page="/profile/")
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert token.prefix not in client.get("/profile/").get_data(as_text=True)


def test_nobody_revokes_another_users_token(client, app):
    owner = login(client, focal_email("health")) and _create(client)
    token = db.session.scalar(select(ApiToken))
    other = app.test_client()
    login(other, focal_email("finance"))
    response = submit(other, f"/profile/tokens/{token.id}/revoke", page="/profile/")
    assert response.status_code == 403
    db.session.refresh(token)
    assert token.revoked_at is None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {owner}"}).status_code == 200
    assert token.user_id == user(focal_email("health")).id
