"""GET /healthz: 200 while the database answers, 503 when it does not."""

from gplan import create_app
from tests.conftest import app_config


def test_healthz_is_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_without_the_database(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'missing-folder' / 'gplan.db'}"
    app = create_app(app_config(unreachable, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
