"""Demo data: the Hải Dương plan as issued (2016–2020), accounts, and the progress a day inside
that period would show. The demo runs on that simulated day (``gplan.timeutil.simulate_today``),
so every date, status and reminder it shows is true for the day; each page says it is simulated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from gplan.accounts.users import create_user, find_user_by_email
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import Body, Plan, Task, TaskEvent, User
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.plans.queries import task_holding_bodies
from gplan.reporting import body_reports
from gplan.reporting.actuals import record_actual
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import LOCAL_TZ, local_today, simulate_today

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


def _record_plausible_progress(
    plan: Plan, users_by_body: dict[int, User], today: date, seed: int = 2015
) -> None:
    """Most past tasks done (some late), a few in progress, a few forgotten."""
    rng = random.Random(seed)  # plausible demo data, repeatable on purpose; not security  # nosec B311
    tasks = db.session.scalars(
        select(Task)
        .where(Task.plan_id == plan.id, Task.progress == TaskProgress.NOT_STARTED)
        .order_by(Task.id)
    )
    for task in tasks:
        user = users_by_body.get(task.body_id)
        if user is None:
            continue
        roll = rng.random()
        if task.deadline < today and roll < 0.8:
            done_on = task.due_on + timedelta(days=rng.choice([-20, -10, -5, -2, 0, 0, 3, 12]))
            done_on = min(done_on, today)
            _set_progress(task, user, TaskProgress.DONE, done_on, rng)
        elif task.deadline < today + timedelta(days=60) and roll < 0.35:
            _set_progress(
                task,
                user,
                TaskProgress.IN_PROGRESS,
                min(today, task.due_on) - timedelta(days=rng.randint(1, 20)),
                rng,
            )


def _set_progress(task: Task, user: User, progress: TaskProgress, on: date, rng: random.Random) -> None:
    at = datetime.combine(on, time(9 + rng.randint(0, 7), rng.randint(0, 59)), LOCAL_TZ)
    notes = [
        "Đã hoàn thành, báo cáo gửi Sở LĐ-TB&XH.",
        "Đang triển khai theo kế hoạch.",
        None,
    ]
    note = notes[0] if progress == TaskProgress.DONE else rng.choice(notes[1:])
    db.session.add(
        TaskEvent(
            task=task,
            user_id=user.id,
            at=at,
            from_progress=task.progress,
            to_progress=progress,
            note=note,
        )
    )
    task.progress, task.note, task.updated_at = progress, note, at
    if progress == TaskProgress.DONE:
        task.completed_on, task.completed_at = on, at


def _record_sample_figures(plan: Plan, coordinator: User, today: date, seed: int = 2016) -> None:
    """Figures for the targets, from the year before the period up to this year, drifting
    towards the target value, so that the charts and statuses have something to show."""
    rng = random.Random(seed)  # repeatable demo data, not security  # nosec B311
    years = range(plan.period_start - 1, min(today.year, plan.period_end) + 1)
    for objective in plan.objectives:
        for target in objective.targets:
            for value in target.values:
                goal = float(value.value)
                start = goal * rng.uniform(0.55, 0.85) if value.comparator in (">=", ">") else goal * 1.3 + 1
                for step, year in enumerate(years):
                    figure = start + (goal - start) * rng.uniform(0.2, 0.45) * step
                    record_actual(
                        coordinator,
                        value,
                        year,
                        value=Decimal(f"{figure:.1f}"),
                        source="Số liệu minh họa (demo)",
                    )


DEMO_NARRATIVE = (
    "Đã triển khai các nhiệm vụ được giao theo kế hoạch; lồng ghép nội dung bình đẳng giới "
    "vào hoạt động chuyên môn và tổ chức tuyên truyền cho cán bộ, người dân."
)
DEMO_RETURN_REASONS = (
    "Đề nghị bổ sung số liệu tách biệt theo giới và minh chứng kèm theo.",
    "Phần thuyết minh còn chung chung, đề nghị nêu rõ kết quả đạt được so với chỉ tiêu.",
)


def _record_sample_body_reports(
    plan: Plan, users_by_body: dict[int, User], coordinator: User, today: date
) -> None:
    """Last year's reports of the bodies: some accepted, some returned, some waiting for review,
    so that the bodies' reports, the review and the province's report all show something."""
    year = today.year - 1
    if year not in plan.years:
        return
    bodies = [b for b in task_holding_bodies(plan) if b.id in users_by_body]
    for number, body in enumerate(bodies[:11]):
        assembled = body_reports.assemble(plan, body, year, today)
        if not assembled.objectives:
            continue
        narratives = {s.key: DEMO_NARRATIVE for s in assembled.objectives}
        report = body_reports.save(users_by_body[body.id], assembled, narratives, None, submit=True)
        if number < 6:
            body_reports.accept(coordinator, report, None)
        elif number < 8:
            reason = DEMO_RETURN_REASONS[number % len(DEMO_RETURN_REASONS)]
            body_reports.return_report(coordinator, report, reason, None)


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
        _record_plausible_progress(plan, {u.body_id: u for u in created if u.body_id}, today)
        _record_sample_figures(plan, created[1], today)
        _record_sample_body_reports(plan, {u.body_id: u for u in created if u.body_id}, created[1], today)
    listing = [DemoAccount(u.email, u.role, u.body.name if u.body else None) for u in created]
    return plan, listing
