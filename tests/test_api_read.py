"""Reading through the API: plans, bodies, responsibilities, tasks, history, targets, summaries."""

from datetime import date, datetime

import time_machine

from gplan.extensions import db
from gplan.tasks.progress import record_progress
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import LOCAL_TZ
from tests.api_support import assert_json_error, bearer
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    body,
    focal_email,
    login,
    task_of,
    user,
)

MID_2018 = datetime(2018, 6, 1, 9, 0, tzinfo=LOCAL_TZ)


def test_me_tells_who_and_how(client):
    headers = bearer(focal_email("health"))
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["email"] == focal_email("health")
    assert me["role"] == "focal_point" and me["body"]["key"] == "health"
    assert me["authenticated_by"] == "token" and me["csrf_token"] is None
    login(client, COORDINATOR_EMAIL)
    me = client.get("/api/v1/me").get_json()
    assert me["authenticated_by"] == "session" and me["csrf_token"]


def test_plans_and_one_plan(client, seed):
    headers = bearer(OBSERVER_EMAIL)
    plans = client.get("/api/v1/plans", headers=headers).get_json()["items"]
    assert [(p["code"], p["period_start"], p["period_end"]) for p in plans] == [("3002/KH-UBND", 2016, 2020)]
    detail = client.get(f"/api/v1/plans/{seed.plan_id}", headers=headers).get_json()
    assert detail["coordinator_body"]["key"] == "dolisa"
    assert {d["name"]: d["date"] for d in detail["due_days"]}["annual_report"] == "12-10"
    refs = [b["ref"] for b in detail["bodies"] if b["ref"]]
    assert refs == [f"IV.{n}" for n in range(1, 17)]
    districts = next(b["body"] for b in detail["bodies"] if b["body"]["key"] == "districts")
    assert districts["is_group"] and len(districts["members"]) == 12
    assert_json_error(client.get("/api/v1/plans/999999", headers=headers), 404)


def test_bodies_and_responsibilities(client, seed):
    headers = bearer(focal_email("finance"))
    bodies = client.get("/api/v1/bodies", headers=headers).get_json()["items"]
    assert "Sở Tài chính" in {b["name"] for b in bodies}
    one = client.get(f"/api/v1/bodies/{body('districts').id}", headers=headers).get_json()
    assert len(one["members"]) == 12 and one["members"][0]["parent_id"] == one["id"]
    items = client.get(f"/api/v1/plans/{seed.plan_id}/responsibilities", headers=headers).get_json()["items"]
    report = next(r for r in items if r["ref"] == "IV.15.g")
    assert [b["key"] for b in report["assignees"]] == ["districts"]
    assert report["schedule"]["kind"] and report["ad_hoc"] is False
    single = client.get(f"/api/v1/responsibilities/{report['id']}", headers=headers).get_json()
    assert single == report
    assert_json_error(client.get("/api/v1/responsibilities/999999", headers=headers), 404)
    assert_json_error(client.get("/api/v1/bodies/999999", headers=headers), 404)


def test_tasks_are_filtered_and_paginated(client, seed):
    headers = bearer(COORDINATOR_EMAIL)
    finance = body("finance")
    url = f"/api/v1/tasks?plan={seed.plan_id}&body={finance.id}&year=2017&per_page=2"
    first = client.get(url, headers=headers).get_json()
    assert first["total"] >= 3 and first["per_page"] == 2 and first["page"] == 1
    assert first["pages"] == (first["total"] + 1) // 2
    second = client.get(url + "&page=2", headers=headers).get_json()
    ids = [t["id"] for t in first["items"]] + [t["id"] for t in second["items"]]
    assert len(set(ids)) == len(ids) == min(4, first["total"])
    for task in first["items"] + second["items"]:
        assert task["body"]["key"] == "finance" and task["year"] == 2017
    deadlines = [t["deadline"] for t in first["items"] + second["items"]]
    assert deadlines == sorted(deadlines)

    window = client.get(
        f"/api/v1/tasks?body={finance.id}&due_after=2018-01-01&due_before=2018-06-30&per_page=200",
        headers=headers,
    ).get_json()
    assert window["total"] > 0
    assert all("2018-01-01" <= t["deadline"] <= "2018-06-30" for t in window["items"])


def _finance_task_due_after(day: date):
    from sqlalchemy import select

    from gplan.models import Task

    query = select(Task).where(Task.body_id == body("finance").id, Task.due_on > day).order_by(Task.due_on)
    return db.session.scalars(query).first()


def test_status_filter_agrees_with_the_task(client, seed):
    with time_machine.travel(MID_2018, tick=False):
        done = task_of("finance", "IV.4.a", "2017")
        working = _finance_task_due_after(date(2018, 6, 1))
        record_progress(working, user(focal_email("finance")), TaskProgress.IN_PROGRESS)
        db.session.commit()
        headers = bearer(OBSERVER_EMAIL)
        base = f"/api/v1/tasks?body={body('finance').id}&per_page=200"
        overdue = client.get(base + "&status=overdue", headers=headers).get_json()["items"]
        assert done.id in {t["id"] for t in overdue}
        assert all(t["status"] == "overdue" for t in overdue)
        several = client.get(base + "&status=in_progress&status=overdue", headers=headers).get_json()
        statuses = {t["status"] for t in several["items"]}
        assert statuses == {"in_progress", "overdue"}
        assert several["total"] == len(overdue) + 1


def test_a_focal_point_sees_only_its_own_body_tasks(client):
    headers = bearer(focal_email("health"))
    listed = client.get("/api/v1/tasks?per_page=200", headers=headers).get_json()
    assert listed["total"] > 0
    assert {t["body"]["key"] for t in listed["items"]} == {"health"}
    assert_json_error(client.get(f"/api/v1/tasks?body={body('finance').id}", headers=headers), 403)
    other = task_of("finance", "IV.4.a", "2017")
    assert_json_error(client.get(f"/api/v1/tasks/{other.id}", headers=headers), 403)
    assert_json_error(client.get(f"/api/v1/tasks/{other.id}/history", headers=headers), 403)
    assert_json_error(client.get("/api/v1/tasks?plan=999999", headers=headers), 404)
    assert_json_error(client.get("/api/v1/tasks?body=999999", headers=headers), 404)


def test_one_task_and_its_history(client):
    task = task_of("health", "IV.7.a", "2017:annual_report")
    with time_machine.travel(datetime(2017, 11, 20, 10, 0, tzinfo=LOCAL_TZ), tick=False):
        record_progress(task, user(focal_email("health")), TaskProgress.IN_PROGRESS, "Đang làm")
    with time_machine.travel(datetime(2017, 12, 1, 10, 0, tzinfo=LOCAL_TZ), tick=False):
        record_progress(task, user(focal_email("health")), TaskProgress.DONE, "Xong")
    db.session.commit()
    headers = bearer(focal_email("health"))
    got = client.get(f"/api/v1/tasks/{task.id}", headers=headers).get_json()
    assert got["progress"] == "done" and got["completed_on"] == "2017-12-01" and got["note"] == "Xong"
    assert got["responsibility"]["ref"] == "IV.7.a" and got["version"] == task.version
    events = client.get(f"/api/v1/tasks/{task.id}/history", headers=headers).get_json()["items"]
    assert [(e["from_progress"], e["to_progress"]) for e in events] == [
        ("in_progress", "done"),
        ("not_started", "in_progress"),
    ]
    assert events[0]["user"]["name"] == user(focal_email("health")).name
    assert_json_error(client.get("/api/v1/tasks/999999", headers=headers), 404)


def test_targets_carry_their_yearly_actuals(client, seed):
    from gplan.models import TargetValue
    from gplan.reporting.actuals import record_actual

    everyone = client.get(f"/api/v1/plans/{seed.plan_id}/targets", headers=bearer(OBSERVER_EMAIL))
    assert len(everyone.get_json()["items"]) == 22
    headers = bearer(focal_email("health"))  # a focal point: the targets its body reports
    items = client.get(f"/api/v1/plans/{seed.plan_id}/targets", headers=headers).get_json()["items"]
    assert len(items) == 4
    birth_ratio = next(t for t in items if t["objective"]["number"] == 4 and t["number"] == 1)
    value = birth_ratio["values"][0]
    assert (value["comparator"], value["value"], value["actuals"]) == ("<=", 116.0, [])
    record_actual(user(COORDINATOR_EMAIL), db.session.get(TargetValue, value["id"]), 2017, value=117.5)
    db.session.commit()
    one = client.get(f"/api/v1/targets/{birth_ratio['id']}", headers=headers).get_json()
    assert one["values"][0]["actuals"][0]["year"] == 2017
    assert one["values"][0]["actuals"][0]["value"] == 117.5
    assert one["owner_body"]["key"] == "health"
    assert_json_error(client.get("/api/v1/targets/999999", headers=headers), 404)
    assert_json_error(client.get("/api/v1/plans/999999/targets", headers=headers), 404)


def test_progress_summaries_count_by_status(client, seed):
    with time_machine.travel(MID_2018, tick=False):
        today = date(2018, 6, 1)
        task = task_of("finance", "IV.4.a", "2017")
        record_progress(task, user(focal_email("finance")), TaskProgress.DONE)
        db.session.commit()
        headers = bearer(COORDINATOR_EMAIL)
        by_body = client.get(f"/api/v1/plans/{seed.plan_id}/progress/bodies", headers=headers).get_json()
        assert by_body["as_of"] == today.isoformat()
        rows = {row["body"]["key"]: row["counts"] for row in by_body["items"]}
        assert "districts" not in rows and "district-binh-giang" in rows
        finance = rows["finance"]
        assert finance["done_late"] == 1
        assert finance["total"] == sum(v for k, v in finance.items() if k != "total")
        assert by_body["total"]["total"] == sum(r["total"] for r in rows.values())

        listed = client.get(
            f"/api/v1/tasks?body={body('finance').id}&per_page=200", headers=headers
        ).get_json()
        overdue = sum(1 for t in listed["items"] if t["status"] == "overdue")
        assert finance["overdue"] == overdue and finance["total"] == listed["total"]

        by_year = client.get(f"/api/v1/plans/{seed.plan_id}/progress/years", headers=headers).get_json()
        years = {row["year"]: row["counts"] for row in by_year["items"]}
        assert set(years) >= {2016, 2017, 2018, 2019, 2020}
        assert years[2020]["overdue"] == 0 and years[2020]["done_on_time"] == 0
        assert by_year["total"]["total"] == by_body["total"]["total"]
        year_2017 = client.get(f"/api/v1/plans/{seed.plan_id}/progress/bodies?year=2017", headers=headers)
        assert year_2017.get_json()["total"]["total"] == years[2017]["total"]


def test_a_focal_point_summary_counts_its_own_body(client, seed):
    headers = bearer(focal_email("health"))
    rows = client.get(f"/api/v1/plans/{seed.plan_id}/progress/bodies", headers=headers).get_json()["items"]
    assert [row["body"]["key"] for row in rows] == ["health"]
    admin = bearer(ADMIN_EMAIL)
    everyone = client.get(f"/api/v1/plans/{seed.plan_id}/progress/bodies", headers=admin).get_json()["items"]
    health = next(row for row in everyone if row["body"]["key"] == "health")
    assert rows[0]["counts"] == health["counts"]
    assert_json_error(client.get("/api/v1/plans/999999/progress/years", headers=headers), 404)
