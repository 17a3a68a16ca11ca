"""Shared test helpers: the seeded plan and accounts, signing in, submitting forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, select

from gplan.accounts.users import create_user
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import Body, Plan, Responsibility, Task, User
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.plans.queries import task_holding_bodies

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "plans" / "hai-duong-3002-2016-2020.yaml"
PASSWORD = "correct horse battery"
ADMIN_EMAIL = "admin@haiduong.gov.vn"
COORDINATOR_EMAIL = "coordinator@haiduong.gov.vn"
OBSERVER_EMAIL = "observer@haiduong.gov.vn"


def focal_email(body_key: str) -> str:
    return f"{body_key}@haiduong.gov.vn"


@dataclass(frozen=True)
class Seed:
    plan_id: int


def seed_plan_and_accounts() -> Seed:
    plan = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name).plan
    for email, role in (
        (ADMIN_EMAIL, Role.ADMIN),
        (COORDINATOR_EMAIL, Role.COORDINATOR),
        (OBSERVER_EMAIL, Role.OBSERVER),
    ):
        create_user(email=email, name=role.value.title(), role=role, password=PASSWORD)
    for body in task_holding_bodies(plan):
        create_user(
            email=focal_email(body.key),
            name=f"Đầu mối {body.name}",
            role=Role.FOCAL_POINT,
            body=body,
            password=PASSWORD,
        )
    return Seed(plan_id=plan.id)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(client, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
    """Open the page holding the form (``page``, default ``url``), then post it with its CSRF token."""
    response = client.get(page or url)
    assert response.status_code == 200, f"GET {page or url} gave {response.status_code}"
    payload = dict(data or {})
    payload["csrf_token"] = csrf_from(response.get_data(as_text=True))
    return client.post(url, data=payload, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    response = submit(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, f"login of {email} failed"
    return response


def body(key: str) -> Body:
    return db.session.scalar(select(Body).filter_by(key=key))


def user(email: str) -> User:
    return db.session.scalar(select(User).filter_by(email=email))


def plan(seed: Seed) -> Plan:
    return db.session.get(Plan, seed.plan_id)


def task_of(body_key: str, ref: str, occurrence: str, plan_id: int | None = None) -> Task:
    query = (
        select(Task)
        .join(Responsibility)
        .where(Task.body_id == body(body_key).id, Responsibility.ref == ref, Task.occurrence == occurrence)
    )
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    task = db.session.scalar(query)
    assert task is not None, f"no task {ref} {occurrence} for {body_key}"
    return task


def count_statements(client, url: str, headers: dict | None = None) -> int:
    """How many SQL statements answering ``url`` takes (transaction control left out)."""
    seen = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)
