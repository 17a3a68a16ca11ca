"""Administering bodies: rename, contact email, and a new member unit that gets its tasks."""

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Body, Responsibility, Task
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, body, login, submit


def test_rename_and_contact_email(client):
    login(client, ADMIN_EMAIL)
    justice = body("justice")
    response = submit(
        client,
        f"/admin/bodies/{justice.id}",
        {
            "name": "Sở Tư pháp tỉnh Hải Dương",
            "name_en": "Department of Justice",
            "contact_email": "STP@example.org",
        },
    )
    assert response.status_code == 302
    db.session.refresh(justice)
    assert justice.name == "Sở Tư pháp tỉnh Hải Dương" and justice.contact_email == "stp@example.org"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "body_changed"))
    assert set(entry.details) == {"name", "contact_email"}
    bad = submit(client, f"/admin/bodies/{justice.id}", {"name": "", "contact_email": "not-an-address"})
    assert bad.status_code == 200 and "not-an-address" in bad.get_data(as_text=True)


def test_a_new_district_gets_the_districts_tasks(client, seed):
    login(client, ADMIN_EMAIL)
    districts = body("districts")
    peer = body("district-binh-giang")
    per_member = db.session.scalar(select(func.count(Task.id)).where(Task.body_id == peer.id))
    response = submit(
        client,
        f"/admin/bodies/{districts.id}/members",
        {"key": "district-new-town", "name": "Ủy ban nhân dân thị xã Mới", "contact_email": ""},
        page=f"/admin/bodies/{districts.id}",
    )
    assert response.status_code == 302
    newcomer = body("district-new-town")
    assert newcomer.parent_id == districts.id and newcomer.jurisdiction == districts.jurisdiction
    created = db.session.scalar(select(func.count(Task.id)).where(Task.body_id == newcomer.id))
    assert created == per_member > 0
    # The coordinator sees it in the plan's progress summary.
    coordinator = client.application.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    rows = coordinator.get(f"/api/v1/plans/{seed.plan_id}/progress/bodies").get_json()["items"]
    assert next(r for r in rows if r["body"]["key"] == "district-new-town")["counts"]["total"] == created


def test_an_empty_group_gets_its_first_department(client):
    login(client, ADMIN_EMAIL)
    other = body("other-departments")
    assert not other.members
    submit(
        client,
        f"/admin/bodies/{other.id}/members",
        {"key": "dept-construction", "name": "Sở Xây dựng"},
        page=f"/admin/bodies/{other.id}",
    )
    construction = body("dept-construction")
    duties = db.session.scalars(
        select(Responsibility.ref).join(Task).where(Task.body_id == construction.id).distinct()
    ).all()
    assert duties, "the new department holds the group's duties"


def test_a_taken_or_malformed_key_is_refused_and_typing_kept(client):
    login(client, ADMIN_EMAIL)
    districts = body("districts")
    before = db.session.scalar(select(func.count(Body.id)))
    for key, message in (
        ("finance", "đã được cơ quan khác sử dụng"),
        ("Thị xã!", "Chỉ dùng chữ cái thường không dấu"),
    ):
        response = submit(
            client,
            f"/admin/bodies/{districts.id}/members",
            {"key": key, "name": "Tên đơn vị"},
            page=f"/admin/bodies/{districts.id}",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page and "Tên đơn vị" in page
    assert db.session.scalar(select(func.count(Body.id))) == before


def test_members_only_join_groups(client):
    login(client, ADMIN_EMAIL)
    finance = body("finance")
    response = submit(
        client,
        f"/admin/bodies/{finance.id}/members",
        {"key": "x", "name": "X"},
        page=f"/admin/bodies/{finance.id}",
    )
    assert response.status_code == 404
