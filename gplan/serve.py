"""`flask serve`: the single-process way to run gplan (the embedded default)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=False, help="Load the demo plan and accounts first.")
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, demo: bool, threads: int) -> None:
    """Bring the database up to date and serve the app with waitress."""
    from waitress import serve

    upgrade()
    if demo:
        from .cli import print_demo_accounts
        from .services.demo import DEMO_PASSWORD, load_demo

        plan, accounts = load_demo()
        db.session.commit()
        print_demo_accounts(plan, accounts, DEMO_PASSWORD)
    app = current_app._get_current_object()
    db.session.remove()
    click.echo(f"gplan is running on http://{host}:{port}/ (Ctrl+C to stop)")
    serve(app, host=host, port=port, threads=threads)
