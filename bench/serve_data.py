"""Load bench/progress.py's data set into a gplan database that is then served (for side_by_side.py).

bench/progress.py builds its databases in a temporary place and drops them; Kanboard's side by
side needs the same data behind a running server. This runs the migrations on the database of
``DATABASE_URL`` (which must be empty) and loads one plan of 16 bodies with ``--tasks`` tasks
(4,800 = 16 bodies × 300 by default) and the bench coordinator and focal point
(``coordinator@bench.test``, ``focal@bench.test``, password ``bench-password-1``).

    DATABASE_URL=sqlite:////tmp/gplan-sbs.db GPLAN_TODAY=2018-07-01 .venv/bin/python bench/serve_data.py
    DATABASE_URL=sqlite:////tmp/gplan-sbs.db GPLAN_TODAY=2018-07-01 .venv/bin/gunicorn -w 1 wsgi:app

The tasks are in the states of 1 July 2018, so serve with ``GPLAN_TODAY=2018-07-01``. Prints
the body whose pages are timed and one of its task ids, which bench/kanboard-pages.txt needs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from progress import BODY, FOCAL_BODY, PLAN, load  # noqa: E402
from sqlalchemy import text  # noqa: E402

from gplan import create_app  # noqa: E402
from gplan.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=4800, help="tasks in the plan (16 bodies share them)")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if db.session.execute(text("SELECT COUNT(*) FROM plan")).scalar_one():
            raise SystemExit(f"{db.engine.url} already has a plan: give an empty database")
        db.session.remove()  # load() writes through its own connection: SQLite allows one writer
        load(db.engine, db.metadata, args.tasks)
        task = db.session.execute(
            text(f"SELECT MIN(id) FROM task WHERE body_id = {FOCAL_BODY} AND year = 2018")
        ).scalar_one()
        count = db.session.execute(text("SELECT COUNT(*) FROM task")).scalar_one()
    print(f"{count} tasks in plan {PLAN}")
    print(f"PLAN={PLAN} BODY={BODY} TASK={task}")


if __name__ == "__main__":
    main()
