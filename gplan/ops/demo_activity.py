"""The demo's activity up to its simulated day: the progress a plan this far into its period
would show, target figures, body reports, reviews, extension requests and comments."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Plan, Task, TaskEvent, TaskSubmission, User
from gplan.plans.queries import task_holding_bodies
from gplan.reporting import body_reports, report_decisions
from gplan.reporting.actuals import record_actual
from gplan.tasks.comments import add_comment
from gplan.tasks.extensions import ask_extension, decide_extension
from gplan.tasks.vocabulary import SubmissionState, TaskEventKind, TaskProgress
from gplan.timeutil import LOCAL_TZ


def record_plausible_progress(
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


REVIEW_NOTES = {
    "narrative": [
        "Đã tổ chức hội nghị triển khai và 6 lớp tập huấn cho cán bộ cơ sở.",
        "Đã ban hành kế hoạch năm và gửi báo cáo tổng hợp kèm số liệu.",
        "Đã lồng ghép nội dung bình đẳng giới vào chương trình công tác của ngành.",
    ],
    "reason": [
        "Thiếu số liệu tách biệt theo giới; đề nghị bổ sung.",
        "Chưa đính kèm văn bản minh chứng.",
    ],
}


def _record_sample_reviews(
    plan: Plan, users_by_body: dict[int, User], coordinator: User, today: date
) -> None:
    """Review on, with the cycle under way around ``today``: submissions awaiting review (some
    for longer than the plan allows), some returned with a reason, recent work accepted. Written
    directly, dated in the past, and without mail (the demo invites nobody)."""
    rng = random.Random(2017)  # repeatable demo data, not security  # nosec B311
    plan.review_required = True
    tasks = db.session.scalars(
        select(Task)
        .where(
            Task.plan_id == plan.id,
            Task.deadline.between(today - timedelta(days=240), today + timedelta(days=40)),
        )
        .order_by(Task.id)
    )
    for task in tasks:
        user = users_by_body.get(task.body_id)
        if user is None:
            continue
        roll = rng.random()
        if task.progress == TaskProgress.DONE and task.completed_on and roll < 0.7:
            decided = min(today, task.completed_on + timedelta(days=rng.randint(1, 6)))
            _sample_submission(
                task, user, task.completed_on, rng, SubmissionState.ACCEPTED, coordinator, decided
            )
        elif task.progress == TaskProgress.DONE or task.deadline < today - timedelta(days=60):
            continue  # older open work stays overdue, for the reminders to chase
        elif roll < 0.3:
            _sample_submission(task, user, today - timedelta(days=rng.randint(0, 14)), rng)
        elif roll < 0.42:
            sent = today - timedelta(days=rng.randint(6, 20))
            _sample_submission(
                task, user, sent, rng, SubmissionState.RETURNED, coordinator, sent + timedelta(days=3)
            )


def _sample_submission(
    task: Task,
    user: User,
    on: date,
    rng: random.Random,
    state: SubmissionState = SubmissionState.WAITING,
    coordinator: User | None = None,
    decided_on: date | None = None,
) -> None:
    at = datetime.combine(on, time(9 + rng.randint(0, 7), rng.randint(0, 59)), LOCAL_TZ)
    narrative = rng.choice(REVIEW_NOTES["narrative"])
    submission = TaskSubmission(
        task=task, submitted_by_id=user.id, submitted_at=at, submitted_on=on, narrative=narrative, state=state
    )
    db.session.add(submission)
    before = task.progress
    db.session.add(
        TaskEvent(
            task=task,
            user_id=user.id,
            at=at,
            kind=TaskEventKind.SUBMITTED,
            from_progress=before,
            to_progress=TaskProgress.SUBMITTED,
            note=narrative,
        )
    )
    task.progress, task.note, task.updated_at = TaskProgress.SUBMITTED, narrative, at
    if state == SubmissionState.WAITING or coordinator is None or decided_on is None:
        return
    decided_at = datetime.combine(decided_on, time(15, 0), LOCAL_TZ)
    submission.decided_by_id, submission.decided_at = coordinator.id, decided_at
    kind, progress, note = TaskEventKind.ACCEPTED, TaskProgress.DONE, None
    if state == SubmissionState.RETURNED:
        submission.reason = note = rng.choice(REVIEW_NOTES["reason"])
        kind, progress = TaskEventKind.RETURNED, TaskProgress.RETURNED
    db.session.add(
        TaskEvent(
            task=task,
            user_id=coordinator.id,
            at=decided_at,
            kind=kind,
            from_progress=TaskProgress.SUBMITTED,
            to_progress=progress,
            note=note,
        )
    )
    task.progress, task.updated_at = progress, decided_at
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
            report_decisions.accept(coordinator, report, None)
        elif number < 8:
            reason = DEMO_RETURN_REASONS[number % len(DEMO_RETURN_REASONS)]
            report_decisions.return_report(coordinator, report, reason, None)


def _record_sample_requests(
    plan: Plan, users_by_body: dict[int, User], coordinator: User, today: date
) -> None:
    """Extension requests on open tasks coming due (most awaiting a decision, one approved, one
    refused) and a few comment threads, so the coordinator's list and the task pages show them."""
    tasks = db.session.scalars(
        select(Task)
        .where(
            Task.plan_id == plan.id,
            Task.is_open,
            Task.deadline >= today,
            Task.deadline <= today + timedelta(days=90),
        )
        .order_by(Task.deadline, Task.id)
    )
    chosen: list[Task] = []
    for task in tasks:
        if task.body_id in users_by_body and all(t.body_id != task.body_id for t in chosen):
            chosen.append(task)
        if len(chosen) == 7:
            break
    reasons = [
        "Chờ số liệu tổng hợp từ các huyện, thị xã gửi về.",
        "Cán bộ phụ trách đang đi tập huấn, xin lùi thời hạn để hoàn thiện báo cáo.",
        "Cần phối hợp thêm với Hội Liên hiệp Phụ nữ tỉnh.",
    ]
    for number, task in enumerate(chosen):
        focal_point = users_by_body[task.body_id]
        asked = ask_extension(
            focal_point, task, task.deadline + timedelta(days=30), reasons[number % len(reasons)]
        )
        if number == 0:
            decide_extension(
                coordinator,
                asked,
                approve=True,
                granted_on=task.deadline + timedelta(days=20),
                note="Đồng ý gia hạn 20 ngày.",
                notify=False,
            )
        elif number == 1:
            decide_extension(
                coordinator,
                asked,
                approve=False,
                note="Đề nghị gửi báo cáo đúng hạn, số liệu bổ sung sau.",
                notify=False,
            )
        if number < 3:
            add_comment(task, focal_point, "Xin hướng dẫn mẫu biểu báo cáo năm nay.")
            add_comment(
                task, coordinator, "Đơn vị dùng mẫu biểu kèm theo Kế hoạch; gửi bản mềm qua hệ thống."
            )


def record_sample_work(plan: Plan, focal_points: dict[int, User], coordinator: User, today: date) -> None:
    """The figures, body reports, reviews and requests of the demo's day, after its progress."""
    _record_sample_figures(plan, coordinator, today)
    _record_sample_body_reports(plan, focal_points, coordinator, today)
    _record_sample_reviews(plan, focal_points, coordinator, today)
    _record_sample_requests(plan, focal_points, coordinator, today)
