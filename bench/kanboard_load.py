"""Fill a running Kanboard with the side-by-side data set: N projects × M tasks, through JSON-RPC.

Kanboard's side of bench/side_by_side.py (see bench/README.md, "Side by side with Kanboard"):
``--projects`` projects owned by the signed-in admin (user 1, so they show on the admin's
dashboard), one member user per project (``body-NN``, password ``bench-password-1``), then
``--tasks`` tasks per project assigned to that user, due dates spread over 2016–2020 as gplan's
bench spreads its tasks, and about a third of them closed. Calls go in JSON-RPC batches of 100,
so 4,800 tasks take a minute or two on PHP's single-process server.

    .venv/bin/python bench/kanboard_load.py --url http://127.0.0.1:8080 --token API_TOKEN

The token is Kanboard's *Settings › API* (or ``SELECT value FROM settings WHERE
option = 'api_token'`` in its SQLite database). Prints the timed project's id, one of its task
ids and its member (``--focal``), which bench/kanboard-pages.txt needs. Run it on an empty
Kanboard: it does not check for earlier runs.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import urllib.request
from datetime import date, timedelta

PASSWORD = "bench-password-1"
BATCH = 100


class Rpc:
    """Kanboard's JSON-RPC endpoint with the application's token (HTTP Basic ``jsonrpc:token``)."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/") + "/jsonrpc.php"
        self.auth = "Basic " + base64.b64encode(f"jsonrpc:{token}".encode()).decode()

    def batch(self, calls: list[tuple[str, dict]]) -> list:
        """Results in the order of ``calls``; any error or ``false`` result stops the load."""
        payload = [{"jsonrpc": "2.0", "method": m, "id": i, "params": p} for i, (m, p) in enumerate(calls)]
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Authorization": self.auth, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:  # nosec B310 (address given by the operator)
            answers = json.loads(response.read())
        answers = answers if isinstance(answers, list) else [answers]
        results = {a["id"]: a for a in answers}
        out = []
        for i, (method, params) in enumerate(calls):
            answer = results[i]
            if "error" in answer or answer.get("result") is False:
                raise SystemExit(f"{method}({params}) failed: {answer}")
            out.append(answer["result"])
        return out

    def call(self, method: str, **params) -> object:
        return self.batch([(method, params)])[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="Kanboard's base address")
    parser.add_argument("--token", required=True, help="the application API token")
    parser.add_argument("--projects", type=int, default=16)
    parser.add_argument("--tasks", type=int, default=300, help="tasks per project")
    parser.add_argument(
        "--focal",
        type=int,
        default=5,
        help="the n-th project, whose pages are timed (gplan's bench body is 5)",
    )
    args = parser.parse_args()
    rpc = Rpc(args.url, args.token)
    rng = random.Random(args.projects * args.tasks)
    span = (date(2020, 12, 31) - date(2016, 1, 1)).days
    focal: tuple[int, int, str] | None = None
    for n in range(1, args.projects + 1):
        project = rpc.call("createProject", name=f"Cơ quan {n}", owner_id=1)
        user = rpc.call("createUser", username=f"body-{n:02d}", password=PASSWORD, name=f"Đầu mối {n}")
        rpc.call("addProjectUser", project_id=project, user_id=user, role="project-member")
        tasks: list[int] = []
        for start in range(0, args.tasks, BATCH):
            calls = []
            for k in range(start, min(args.tasks, start + BATCH)):
                due = date(2016, 1, 1) + timedelta(days=rng.randrange(span + 1))
                title = f"Nhiệm vụ {k % 40 + 1}: báo cáo kết quả thực hiện bình đẳng giới ({due.year})"
                calls.append(
                    (
                        "createTask",
                        {
                            "title": title,
                            "project_id": project,
                            "owner_id": user,
                            "date_due": due.isoformat(),
                        },
                    )
                )
            tasks += rpc.batch(calls)
        closing = [t for t in tasks if rng.random() < 1 / 3]
        for start in range(0, len(closing), BATCH):
            rpc.batch([("closeTask", {"task_id": t}) for t in closing[start : start + BATCH]])
        if n == args.focal:
            focal = (project, tasks[0], f"body-{n:02d}")
        print(
            f"project {project}: {len(tasks)} tasks ({len(closing)} closed) from task {tasks[0]}, "
            f"member body-{n:02d} (user {user})",
            flush=True,
        )
    if focal:
        print(f"KB_PROJECT={focal[0]} KB_TASK={focal[1]} KB_MEMBER={focal[2]}")


if __name__ == "__main__":
    main()
