"""Target figures and ad-hoc tasks entered by many people at the same moment: never a 500, a
stale form is a clear 409 that keeps what was typed, and the history of a figure is a chain in
which every revision starts from what the previous one left. Real commits from many connections."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import datetime
from html import unescape
from itertools import pairwise

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from gplan.accounts.tokens import create_token
from gplan.extensions import db
from gplan.models import Responsibility, TargetActual, TargetActualRevision, TargetValue
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    body,
    csrf_from,
    focal_email,
    seed_plan_and_accounts,
    user,
)

PEOPLE = 20
WHEN = datetime(2018, 3, 15, 10, 0)
VERSION_RE = re.compile(
    r'name="version" type="hidden" value="([^"]*)"|type="hidden" name="version" value="([^"]*)"'
)


def _sign_in(client: FlaskClient, email: str) -> None:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"csrf_token": token, "email": email, "password": "correct horse battery"}
    assert client.post("/login", data=data).status_code == 302


def _hidden_version(page: str) -> str:
    match = VERSION_RE.search(page)
    assert match, "the form has no version"
    return unescape(match.group(1) or match.group(2))


@pytest.fixture
def shared(fresh_app):
    fresh_app.test_client_class = FlaskClient
    with fresh_app.app_context():
        seed_plan_and_accounts()
        value_id = db.session.scalar(select(TargetValue.id).where(TargetValue.key == "sex-ratio-at-birth"))
        db.session.commit()
        db.session.remove()
    return fresh_app, value_id


def _run(threads: list[threading.Thread]) -> None:
    with time_machine.travel(WHEN, tick=True):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads)


def _chain(app, value_id: int) -> list[TargetActualRevision]:
    with app.app_context():
        revisions = db.session.scalars(
            select(TargetActualRevision)
            .join(TargetActual)
            .where(TargetActual.target_value_id == value_id)
            .order_by(TargetActualRevision.id)
        ).all()
        db.session.expunge_all()
        db.session.remove()
    return list(revisions)


def _assert_a_chain(revisions: list[TargetActualRevision]) -> None:
    assert revisions[0].before is None  # the first entry
    for previous, revision in pairwise(revisions):
        assert revision.before == previous.after, (previous.id, revision.id)


@pytest.mark.committing
def test_twenty_coordinators_entering_the_same_figure(shared):
    """Each opens the form at once and saves; who lost the race is told (409), sees the new
    figure with their own values kept, and saves again."""
    app, value_id = shared
    path = f"/p/1/targets/{value_id}?year=2017"
    answers: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(PEOPLE)

    def coordinator(number: int) -> None:
        client = app.test_client()
        _sign_in(client, COORDINATOR_EMAIL if number % 2 else ADMIN_EMAIL)
        page = client.get(path).get_data(as_text=True)
        start.wait()
        for _ in range(PEOPLE + 1):
            data = {
                "csrf_token": csrf_from(page),
                "version": _hidden_version(page),
                "year": "2017",
                "value": f"{110 + number},5",
                "source": f"nguồn {number}",
            }
            try:
                response = client.post(path, data=data)
            except Exception as error:  # the testing app raises what would be a 500
                status, page = repr(error)[:100], ""
            else:
                status, page = response.status_code, response.get_data(as_text=True)
            with lock:
                answers[status] += 1
            if status != 409:
                return
            assert f'value="{110 + number},5"' in page and f'value="nguồn {number}"' in page  # kept

    _run([threading.Thread(target=coordinator, args=(n,)) for n in range(PEOPLE)])
    assert set(answers) <= {302, 409}, answers
    assert answers[302] == PEOPLE
    revisions = _chain(app, value_id)
    assert len(revisions) == PEOPLE
    _assert_a_chain(revisions)


@pytest.mark.committing
def test_twenty_api_clients_entering_the_same_figure(shared):
    """Without a version each write is accepted in turn; with the version read, a stale one is 409."""
    app, value_id = shared
    with app.app_context():
        secrets = [create_token(user(COORDINATOR_EMAIL), f"system {n}")[1] for n in range(PEOPLE)]
        health = create_token(user(focal_email("health")), "health system")[1]
        db.session.commit()
        db.session.remove()
    answers: Counter = Counter()
    versioned: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(PEOPLE + 1)

    def client_system(secret: str, number: int) -> None:
        client = app.test_client()
        start.wait()
        for year, record in ((2017, answers), (2018, versioned)):
            body = {"value": 100 + number, "note": f"hệ thống {number}"} | (
                {"version": 0} if year == 2018 else {}
            )
            try:
                status = client.put(
                    f"/api/v1/target-values/{value_id}/actuals/{year}",
                    json=body,
                    headers={"Authorization": f"Bearer {secret}"},
                ).status_code
            except Exception as error:  # the testing app raises what would be a 500
                status = repr(error)[:100]
            with lock:
                record[status] += 1

    def focal_point() -> None:
        client = app.test_client()
        start.wait()
        status = client.put(
            f"/api/v1/target-values/{value_id}/actuals/2016",
            json={"value": 117},
            headers={"Authorization": f"Bearer {health}"},
        ).status_code
        with lock:
            answers[status] += 1

    threads = [threading.Thread(target=client_system, args=(s, n)) for n, s in enumerate(secrets)]
    _run([*threads, threading.Thread(target=focal_point)])
    assert answers == Counter({200: PEOPLE + 1}), answers
    assert versioned == Counter({200: 1, 409: PEOPLE - 1}), versioned  # "version": 0 means "no figure yet"
    revisions = _chain(app, value_id)
    by_year: dict[int, list] = {}
    with app.app_context():
        years = dict(db.session.execute(select(TargetActual.id, TargetActual.year)).all())
        db.session.remove()
    for revision in revisions:
        by_year.setdefault(years[revision.actual_id], []).append(revision)
    assert [len(by_year[y]) for y in (2016, 2017, 2018)] == [1, PEOPLE, 1]
    for chain in by_year.values():
        _assert_a_chain(chain)


@pytest.mark.committing
def test_coordinators_adding_ad_hoc_tasks_at_once(shared):
    app, _ = shared
    each = 3
    answers: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(PEOPLE // 2)
    with app.app_context():
        bodies = [body(key).id for key in ("health", "police", "justice", "finance", "education")]
        db.session.remove()

    def coordinator(number: int) -> None:
        client = app.test_client()
        _sign_in(client, COORDINATOR_EMAIL if number % 2 else ADMIN_EMAIL)
        token = csrf_from(client.get("/admin/plans/1/ad-hoc").get_data(as_text=True))
        start.wait()
        for round_ in range(each):
            data = {
                "csrf_token": token,
                "body": bodies[number % len(bodies)],
                "title": f"Việc phát sinh {number}.{round_}",
                "due_on": "2018-07-15",
            }
            try:
                status = client.post("/admin/plans/1/ad-hoc", data=data).status_code
            except Exception as error:  # the testing app raises what would be a 500
                status = repr(error)[:100]
            with lock:
                answers[status] += 1

    _run([threading.Thread(target=coordinator, args=(n,)) for n in range(PEOPLE // 2)])
    assert answers == Counter({302: PEOPLE // 2 * each}), answers
    with app.app_context():
        refs = db.session.scalars(select(Responsibility.ref).where(Responsibility.ad_hoc)).all()
        titles = db.session.scalars(select(Responsibility.text).where(Responsibility.ad_hoc)).all()
        assignees = db.session.scalars(
            select(Responsibility.id).join(Responsibility.body_roles).where(Responsibility.ad_hoc)
        ).all()
        db.session.remove()
    assert len(refs) == len(set(refs)) == PEOPLE // 2 * each
    assert sorted(refs, key=lambda r: int(r.split(".")[1])) == [f"AH.{n}" for n in range(1, len(refs) + 1)]
    assert len(set(titles)) == len(refs) and len(assignees) == len(refs)
