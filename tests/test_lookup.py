"""Reading one record by id (gplan.models.lookup.by_id) answers what the session's own get
would, whether the record is new to the session, held by it, expired, or gone."""

from __future__ import annotations

from sqlalchemy import delete

from gplan.extensions import db
from gplan.models import Body, Plan
from gplan.models.lookup import by_id
from tests.helpers import body


def test_by_id_answers_as_the_session_would(seed):
    health_id = body("health").id
    db.session.expunge_all()
    read = by_id(Body, health_id)
    assert read is not None and read.key == "health"
    assert by_id(Body, health_id) is read is db.session.get(Body, health_id)  # the one held
    assert by_id(Plan, seed.plan_id).id == seed.plan_id
    assert by_id(Body, 2**31 - 1) is None and db.session.get(Body, 2**31 - 1) is None


def test_by_id_reads_an_expired_record_again_and_misses_a_deleted_one(seed):
    health = body("health")
    db.session.flush()
    name = health.name
    db.session.expire(health)
    assert by_id(Body, health.id).name == name
    extra = Body(jurisdiction=health.jurisdiction, key="lookup-extra", name="Đơn vị thử")
    db.session.add(extra)
    db.session.flush()
    extra_id = extra.id
    # Deleted behind the session's back: it still holds the record, expired.
    db.session.execute(
        delete(Body).where(Body.id == extra_id), execution_options={"synchronize_session": False}
    )
    db.session.expire(extra)
    assert by_id(Body, extra_id) is None
