"""The overdue list and the targets table as sheets: a row per task, or per target value with
its figures for every year of the plan."""

from __future__ import annotations

from datetime import date

from gplan.models import Plan, User
from gplan.reporting import targets as target_data
from gplan.reporting.sheets import DATE, DATETIME, INT, NUMBER, Column, Sheet, label, local_naive
from gplan.tasks.lists import body_contacts
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.vocabulary import TaskProgress, TaskStatus


def overdue_sheet(plan: Plan, today: date, year: int | None, viewer: User) -> Sheet:
    overdue = TaskFilters(plan_id=plan.id, year=year, statuses=(TaskStatus.OVERDUE,))
    tasks = TaskQuery(viewer, overdue, today).all()
    contacts = body_contacts({task.body_id for task in tasks})
    columns = [
        Column("STT", INT),
        Column("Cơ quan, đơn vị"),
        Column("Mã nhiệm vụ"),
        Column("Nhiệm vụ"),
        Column("Năm", INT),
        Column("Hạn hoàn thành", DATE),
        Column("Hạn sau gia hạn", DATE),
        Column("Số ngày quá hạn", INT),
        Column("Tiến độ"),
        Column("Lần nhắc gần nhất", DATETIME),
        Column("Ghi chú gần nhất"),
    ]
    sheet = Sheet("overdue", "Nhiệm vụ quá hạn", columns)
    in_progress = TaskStatus.IN_PROGRESS  # the wording the files have always used for the progress
    for number, task in enumerate(tasks, 1):
        mail = contacts.last_mail.get(task.body_id)
        sheet.rows.append(
            [
                number,
                task.body.name,
                task.responsibility.ref,
                task.responsibility.text,
                task.year,
                task.due_on,
                task.extended_due_on,
                task.days_late(today),
                label(in_progress if task.progress == TaskProgress.IN_PROGRESS else TaskStatus.NOT_STARTED),
                local_naive(mail.at) if mail else None,
                task.note,
            ]
        )
    return sheet


def targets_sheet(plan: Plan) -> Sheet:
    rows = target_data.target_rows(plan)
    columns = [
        Column("Mục tiêu"),
        Column("Mã chỉ tiêu"),
        Column("Chỉ tiêu"),
        Column("Chỉ số"),
        Column("So sánh"),
        Column("Giá trị mục tiêu", NUMBER),
        Column("Đơn vị tính"),
        Column("Giá trị cơ sở", NUMBER),
        Column("Năm cơ sở", INT),
    ]
    for year in plan.years:
        columns += [
            Column(f"Năm {year}", NUMBER),
            Column(f"Năm {year} - Nữ", NUMBER),
            Column(f"Năm {year} - Nam", NUMBER),
        ]
    columns += [Column("Đánh giá"), Column("Cơ quan báo cáo")]
    sheet = Sheet("targets", "Chỉ tiêu", columns)
    for row in rows:
        value, target = row.value, row.target
        baseline, baseline_year = row.baseline
        cells = [
            f"Mục tiêu {target.objective.number}",
            target.ref,
            target.text,
            value.label,
            label(value.comparator),
            value.value,
            value.unit,
            baseline,
            baseline_year,
        ]
        for year in plan.years:
            actual = row.actuals.get(year)
            cells += [actual.value, actual.value_women, actual.value_men] if actual else [None, None, None]
        owner = target.owner_body.name if target.owner_body else ""
        sheet.rows.append([*cells, label(row.assessment.status), owner])
    return sheet
