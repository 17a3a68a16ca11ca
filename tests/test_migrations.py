"""`flask db upgrade` on an empty database yields exactly the models' schema, and the same
search index (FTS5 tables and triggers, or GIN indexes) as creating the tables does."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from gplan import create_app
from gplan.extensions import db
from gplan.models.search_index import INDEX_NAMES, INDEX_TABLES
from tests.conftest import app_config


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


def test_upgrade_gives_the_search_index_of_create_all(databases, tmp_path):
    migrated = create_app(app_config(databases.new(), tmp_path))
    created = create_app(app_config(databases.new(), tmp_path))
    with migrated.app_context():
        upgrade()
    with created.app_context():
        db.create_all()
    index = _search_index(migrated)
    assert len(index) >= 4
    assert index == _search_index(created)
    for app in (migrated, created):
        with app.app_context():
            db.engine.dispose()


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
