"""Demo data: the Hải Dương plan as issued (2016–2020), accounts, and the progress a day inside
that period would show. The demo runs on that simulated day (``gplan.timeutil.simulate_today``),
so every date, status and reminder it shows is true for the day; each page says it is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from gplan.accounts.users import create_user, find_user_by_email
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import Body, Plan, Task, TaskEvent, User
from gplan.ops.demo_activity import record_plausible_progress, record_sample_work
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.plans.queries import task_holding_bodies
from gplan.timeutil import local_today, simulate_today

DEMO_PLAN = Path(__file__).resolve().parents[2] / "plans" / "hai-duong-3002-2016-2020.yaml"
DEMO_PASSWORD = "gplan-demo-2026"  # the published password of the demo accounts  # nosec B105
DEMO_DOMAIN = "example.org"
# The day the demo runs on unless told otherwise: in the plan's mid-term year, just before the
# Action Month (15/11–15/12) ends, with the year's reports coming due.
DEMO_TODAY = date(2018, 11, 20)


@dataclass
class DemoAccount:
    email: str
    role: str
    body: str | None


def _demo_user(email: str, name: str, role: str, body: Body | None = None) -> User:
    user = find_user_by_email(email)
    if user is None:
        user = create_user(email=email, name=name, role=role, body=body, password=DEMO_PASSWORD)
    return user


def demo_day(app: Flask) -> date:
    """The day the demo shows: the installation's simulated date, else ``DEMO_TODAY``; and the
    installation is set to run on it."""
    if app.config.get("SIMULATED_TODAY") is None:
        simulate_today(app, DEMO_TODAY)
    with app.app_context():
        return local_today()


def load_demo(today: date | None = None) -> tuple[Plan, list[DemoAccount]]:
    """Import the demo plan as issued and create the demo accounts, with the progress and
    figures of ``today`` (by default the installation's today, simulated or not).

    Running it again changes nothing that is already there. The caller commits.
    """
    today = today or local_today()
    plan = import_plan(read_plan_file(DEMO_PLAN), DEMO_PLAN.name).plan
    accounts: list[tuple[str, str, Role, Body | None]] = [
        (f"admin@{DEMO_DOMAIN}", "Quản trị hệ thống", Role.ADMIN, None),
        (f"coordinator@{DEMO_DOMAIN}", "Nguyễn Thị Điều Phối", Role.COORDINATOR, None),
        (f"observer@{DEMO_DOMAIN}", "Văn phòng Phó Chủ tịch", Role.OBSERVER, None),
    ]
    accounts += [
        (f"{b.key}@{DEMO_DOMAIN}", f"Đầu mối {b.name}", Role.FOCAL_POINT, b)
        for b in task_holding_bodies(plan)
    ]
    created = [_demo_user(email, name, role, body) for email, name, role, body in accounts]
    db.session.flush()
    first_progress = not db.session.scalar(
        select(TaskEvent.id).join(Task).where(Task.plan_id == plan.id).limit(1)
    )
    if first_progress:
        record_plausible_progress(plan, {u.body_id: u for u in created if u.body_id}, today)
        focal_points = {u.body_id: u for u in created if u.body_id}
        record_sample_work(plan, focal_points, created[1], today)
    listing = [DemoAccount(u.email, u.role, u.body.name if u.body else None) for u in created]
    return plan, listing
