"""`flask db upgrade` on an empty database yields exactly the models' schema, and the same
search index (FTS5 tables and triggers, or GIN indexes) and task tally triggers as creating the
tables does; an upgrade recounts the tally when what it counts changes."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from gplan import create_app
from gplan.extensions import db
from gplan.models import Body, Task
from gplan.models.search_index import INDEX_NAMES, INDEX_TABLES
from gplan.models.tally import TaskBodyTally
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.tasks.vocabulary import TaskProgress
from tests.conftest import app_config
from tests.helpers import PLAN_FILE
from tests.test_task_tally import counted_rows, tally_rows


def _not_the_search_index(name, kind, _parent) -> bool:
    # The search index is DDL beside the models (compared on its own below), not a model.
    return not ((kind == "table" and name in INDEX_TABLES) or (kind == "index" and name in INDEX_NAMES))


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        opts = {"compare_type": True, "include_name": _not_the_search_index}
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


def _search_index(app) -> dict[str, str]:
    """The search index's objects as the database holds them, by name."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'search%'"))
        else:
            rows = connection.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_search%' UNION ALL "
                    "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE proname = 'gplan_fold'"
                )
            )
        return dict(rows.tuples().all())


@contextmanager
def _migrated_and_created(databases, tmp_path) -> Iterator[tuple[Flask, Flask]]:
    """Two new databases: one built by the migrations, one by ``create_all``."""
    migrated = create_app(app_config(databases.new(), tmp_path))
    created = create_app(app_config(databases.new(), tmp_path))
    with migrated.app_context():
        upgrade()
    with created.app_context():
        db.create_all()
    try:
        yield migrated, created
    finally:
        for app in (migrated, created):
            with app.app_context():
                db.engine.dispose()


def test_upgrade_gives_the_search_index_of_create_all(databases, tmp_path):
    with _migrated_and_created(databases, tmp_path) as (migrated, created):
        index = _search_index(migrated)
        assert len(index) >= 4
        assert index == _search_index(created)


def _tally_triggers(app) -> dict[str, str]:
    """The task tally's triggers (and, on PostgreSQL, their function) as the database holds them."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'task_tally%'"
        else:
            query = (
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname LIKE 'task_tally%' "
                "UNION ALL SELECT proname, pg_get_functiondef(oid) FROM pg_proc "
                "WHERE proname = 'task_tally_count'"
            )
        return dict(connection.execute(text(query)).tuples().all())


def test_upgrade_gives_the_tally_triggers_of_create_all(databases, tmp_path):
    """The migrations' frozen trigger statements count the tasks as the models' do."""
    with _migrated_and_created(databases, tmp_path) as (migrated, created):
        triggers = _tally_triggers(migrated)
        assert len(triggers) >= 3 and any("closed_on" in sql for sql in triggers.values())
        assert triggers == _tally_triggers(created)


def test_upgrade_gives_the_models_schema(databases, tmp_path):
    app = create_app(app_config(databases.new(), tmp_path))
    with app.app_context():
        upgrade()
    assert _differences(app) == []
    with app.app_context():
        db.engine.dispose()


def test_downgrade_to_nothing_and_back(databases, tmp_path):
    app = create_app(app_config(databases.new(), tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
    assert _differences(app) == []
    with app.app_context():
        db.engine.dispose()


def test_upgrading_recounts_the_tasks_closed_before_and_after_their_deadline(databases, tmp_path):
    """An installation whose retired body's tasks were all counted closed alike: after 0020
    those closed within their deadline and those closed when overdue are told apart in the
    tally, as counting the tasks gives, and the plan's placeholder body is marked."""
    app = create_app(app_config(databases.new(), tmp_path))
    with app.app_context():
        upgrade()
        plan_id = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name).plan.id
        tu_ky = db.session.scalar(select(Body.id).filter_by(key="district-tu-ky"))
        closing = update(Task).where(Task.body_id == tu_ky)  # its 2016-2020 tasks, closed mid-2018
        db.session.execute(closing.values(progress=TaskProgress.CLOSED, closed_on=date(2018, 6, 1)))
        db.session.execute(update(Body).values(is_placeholder=False))
        db.session.commit()
        downgrade(revision="0019_list_indexes")
        upgrade()
        assert tally_rows(plan_id) == counted_rows(plan_id)
        closed = select(TaskBodyTally.on_time).where(TaskBodyTally.progress == TaskProgress.CLOSED)
        assert set(db.session.scalars(closed)) == {True, False}
        assert db.session.scalars(select(Body.key).where(Body.is_placeholder)).all() == ["related-bodies"]
        db.session.remove()
        db.engine.dispose()
