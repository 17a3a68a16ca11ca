"""`flask db upgrade` on an empty database yields exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from gplan import create_app
from gplan.extensions import db
from tests.conftest import app_config


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


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
