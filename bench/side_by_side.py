"""Time the same pages on two running web applications side by side (gplan and Kanboard), over HTTP.

Each line of the pages file names one comparison: a title, then Kanboard's request, then
gplan's, separated by " | ". A request is a path (GET) or "POST path {json}" (Kanboard's
JSON-RPC); a gplan request marked "focal:" is sent with the focal point's session. Both sides
are fetched in interleaved rounds (A, B, A, B …) at one client, with the session cookies given,
so a load spike on the shared machine hits both alike; after a warm-up, each round times every
page ``--repeat`` times. Printed: p50 and p95 per side and the ratio
gplan ÷ Kanboard, as the median over the rounds.

    .venv/bin/python bench/side_by_side.py --a http://127.0.0.1:8080 --a-cookie 'KB_SID=…' \\
        --b http://127.0.0.1:5000 --b-cookie 'session=…' --a-auth jsonrpc:TOKEN bench/kanboard-pages.txt

See bench/README.md for the recipe (16 bodies × 300 tasks on both sides).
"""

from __future__ import annotations

import argparse
import base64
import statistics
import time
import urllib.request
from pathlib import Path


def request(base: str, spec: str, cookie: str, auth: str | None) -> urllib.request.Request:
    method, _, rest = spec.strip().partition(" ") if spec.startswith("POST ") else ("GET", "", spec.strip())
    path, _, body = rest.partition(" ")
    headers = {"Cookie": cookie} if cookie else {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    data = body.encode() if body else None
    if data:
        headers["Content-Type"] = "application/json"
    return urllib.request.Request(base + path, data=data, headers=headers, method=method)


def fetch(req: urllib.request.Request) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as response:  # nosec B310 (addresses given by the operator)
        response.read()
        assert response.status == 200, f"{req.full_url} gave {response.status}"
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "pages", type=Path, help="one comparison a line: title | Kanboard request | gplan request"
    )
    parser.add_argument("--a", required=True, help="Kanboard's base address")
    parser.add_argument("--b", required=True, help="gplan's base address")
    parser.add_argument("--a-cookie", default="")
    parser.add_argument("--b-cookie", default="")
    parser.add_argument(
        "--b-focal-cookie", default="", help="gplan session of a focal point (requests marked focal:)"
    )
    parser.add_argument("--a-auth", help="user:token for Kanboard's JSON-RPC (HTTP Basic)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    lines = [
        line for line in args.pages.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    comparisons = []
    for line in lines:
        title, a, b = (part.strip() for part in line.split(" | "))
        comparisons.append(
            (
                title,
                request(args.a, a, args.a_cookie, args.a_auth) if a else None,
                request(
                    args.b,
                    b.removeprefix("focal:"),
                    args.b_focal_cookie if b.startswith("focal:") else args.b_cookie,
                    None,
                ),
            )
        )
    rounds: dict[str, list[tuple[list[float], list[float]]]] = {title: [] for title, _, _ in comparisons}
    for _ in range(args.rounds):
        for title, a, b in comparisons:
            for req in (a, b):
                if req is not None:
                    fetch(req)  # warm-up
            times_a: list[float] = []
            times_b: list[float] = []
            for _ in range(args.repeat):
                if a is not None:
                    times_a.append(fetch(a))
                times_b.append(fetch(b))
            rounds[title].append((times_a, times_b))

    def p(times: list[float], q: float) -> float:
        ordered = sorted(times)
        return ordered[round(q * (len(ordered) - 1))]

    print(f"{'page':<45}{'Kanboard p50':>13}{'p95':>8}{'gplan p50':>11}{'p95':>8}{'ratio':>7}")
    for title, measured in rounds.items():
        a50 = statistics.median(p(a, 0.5) for a, _ in measured) if measured[0][0] else None
        a95 = statistics.median(p(a, 0.95) for a, _ in measured) if measured[0][0] else None
        b50 = statistics.median(p(b, 0.5) for _, b in measured)
        b95 = statistics.median(p(b, 0.95) for _, b in measured)
        left = f"{a50:>13.1f}{a95:>8.1f}" if a50 is not None and a95 is not None else f"{'':>21}"
        ratio = f"{b50 / a50:>7.2f}" if a50 else ""
        print(f"{title:<45}{left}{b50:>11.1f}{b95:>8.1f}{ratio}")


if __name__ == "__main__":
    main()
