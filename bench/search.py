"""Benchmark searching the task lists when one plan holds very many tasks, on SQLite and PostgreSQL.

A fresh database gets the Hải Dương plan and its accounts, then N more tasks in that one plan
spread over its bodies and duties, in every state (bulk inserts on SQLite, COPY on PostgreSQL,
through the triggers that keep the tally and the search index); one task in 20 carries a
note. Then, through the Flask test client, searches that find many tasks (a duty's words, a
body's name, a prefix of one letter), few (a number in one note) and none are opened on the
coordinator's task list, the overdue list, the focal point's list and the API (200 a page),
each beside the same page without a search. Printed per page: the median time, the number of
SQL statements and the tasks found. Timings only: nothing here is asserted.

    .venv/bin/python bench/search.py                                   # SQLite and PostgreSQL, 100k and 1M
    .venv/bin/python bench/search.py --backends sqlite --levels 100000
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import progress as national
import task_lists

COLUMNS = national.TASK_COLUMNS + ", note"
NOTES = [
    "Đã gửi báo cáo 6 tháng",
    "Chờ kinh phí của Ủy ban nhân dân xã",
    "Đã tổ chức tập huấn cho cán bộ cơ sở",
    "Đang phối hợp với Hội Liên hiệp Phụ nữ",
]
SEARCHES = [
    ("none", None),
    ("duty words", "bao cao"),
    ("body name", "Tu Ky"),
    ("one letter", "d"),
    ("three words", "binh dang gioi"),
    ("one note", "bien ban 242"),
    ("nothing", "xyzzy"),
]


def task_rows(plan_id: int, bodies: list[int], duties: list[int], count: int):
    for row in task_lists.task_rows(plan_id, bodies, duties, count):
        n = int(row[3].split(":")[1])
        note = None
        if n % 20 == 7:
            note = NOTES[n % len(NOTES)]
        if n % 1000 == 242:
            note = f"Biên bản số {n}"  # "bien ban 242" is in one or two notes: 242, 242242
        yield (*row, note)


def measure(url: str, level: int, repeat: int, workdir: Path) -> list[dict]:
    app, ids, engine, statements = task_lists.loaded_app(url, level, workdir, rows=task_rows, columns=COLUMNS)
    plan = ids["plan"]
    results = []
    with common.on_bench_day(datetime(2018, 7, 1, 9)):
        clients = common.signed_in(
            app, {"focal": "health@bench.test", "coordinator": "coordinator@bench.test"}
        )
        focal, coordinator = clients["focal"], clients["coordinator"]
        for search, words in SEARCHES:
            q = f"q={quote(words)}" if words else ""
            pages = [
                ("all tasks", coordinator, f"/p/{plan}/progress/tasks?{q}"),
                ("overdue list", coordinator, f"/p/{plan}/progress/overdue?{q}"),
                ("focal list", focal, f"/p/{plan}/tasks?{q}"),
                ("API tasks", coordinator, f"/api/v1/tasks?plan={plan}&per_page=200&{q}"),
            ]
            for name, client, page in pages:
                ms, queries, response = common.time_page(client, page, statements, repeat)
                found = _found(response)
                results.append({"search": search, "page": name, "ms": ms, "queries": queries, "found": found})
                print(
                    f"  {search:<12} {name:<13} {ms:>9.1f} ms {queries:>4} queries {found:>9} found",
                    flush=True,
                )
    engine.dispose()
    for r in results:
        r["tasks"] = ids["tasks"]
    return results


def _found(response) -> str:
    if response.is_json:
        return f"{response.get_json()['total']:,}"
    page = response.get_data(as_text=True)
    match = re.search(r'search-result" role="status">\D*?(\d+)', page) or re.search(r"<strong>(\d+)", page)
    return f"{int(match.group(1)):,}" if match else "-"


def main() -> None:
    args = common.arguments(__doc__, backends="sqlite,postgresql", levels="100000,1000000", repeat=5)
    rows = []
    for backend, level, url, workdir in common.each_database(
        args, lambda backend, level: f"{backend}: the plan and {level:,} more tasks"
    ):
        rows += [(backend, r) for r in measure(url, level, args.repeat, workdir)]
    header = f"{'database':<11}{'tasks':>11}  {'search':<13}{'page':<14}{'median ms':>10}{'queries':>9}"
    print(f"\n{header}{'found':>11}")
    for backend, r in rows:
        print(
            f"{backend:<11}{r['tasks']:>11,}  {r['search']:<13}{r['page']:<14}{r['ms']:>10.1f}"
            f"{r['queries']:>9}{r['found']:>11}"
        )
    print(f"load average: {common.load_average()}")


if __name__ == "__main__":
    main()
