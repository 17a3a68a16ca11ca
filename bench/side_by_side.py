"""Time the same pages on two running web applications side by side (gplan and Kanboard), over HTTP.

Each line of the pages file names one comparison: a title, then Kanboard's request, then
gplan's, separated by " | ". A request is a path (GET) or "POST path {json}" (Kanboard's
JSON-RPC); a request marked "focal:" is sent with the focal point's session (on Kanboard, a
project member's). ``{NAME}`` in the file is replaced by ``--set NAME=value`` (the ids). The
sessions are cookies copied from a browser (``--a-cookie 'KB_SID=…'``, ``--b-cookie
'session=…'``) or, simpler, signed in by the script through each application's form
(``--a-login admin:admin``, ``--b-login coordinator@bench.test:bench-password-1``). Both sides
are fetched in interleaved rounds (A, B, A, B …) at one client, so a load spike on the shared
machine hits both alike; after a warm-up, each round times every page ``--repeat`` times.
Printed: p50 and p95 per side (each the median over the rounds), the ratio gplan ÷ Kanboard of
the p50s, and gplan's p95 ÷ p50.

    .venv/bin/python bench/side_by_side.py --a http://127.0.0.1:8080 --a-login admin:admin \\
        --a-auth jsonrpc:TOKEN --b http://127.0.0.1:5000 --b-login coordinator@bench.test:bench-password-1 \\
        --b-focal-login focal@bench.test:bench-password-1 --a-focal-login body-05:bench-password-1 \\
        --set KB_PROJECT=5 --set KB_TASK=1201 --set PLAN=1 --set BODY=5 --set TASK=1321 \\
        bench/kanboard-pages.txt

See bench/README.md for the recipe (16 bodies × 300 tasks on both sides).
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import re
import statistics
import time
import urllib.parse
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


CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
# Where each application signs in: its form, where the form posts, and the name of the user field.
LOGIN = {
    "kanboard": (
        "/?controller=AuthController&action=login",
        "/?controller=AuthController&action=check",
        "username",
    ),
    "gplan": ("/login", "/login", "email"),
}


def sign_in(base: str, app: str, credentials: str) -> str:
    """Sign in through the application's own form (with its CSRF token) and return the session
    as a Cookie header."""
    form, action, user_field = LOGIN[app]
    user, _, password = credentials.partition(":")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + form, timeout=60) as response:  # nosec B310 (addresses given by the operator)
        token = CSRF.search(response.read().decode())
    assert token, f"no CSRF token on {base + form}"
    data = urllib.parse.urlencode({user_field: user, "password": password, "csrf_token": token.group(1)})
    with opener.open(base + action, data=data.encode(), timeout=60) as response:  # nosec B310
        landed = response.url
    assert "login" not in landed.lower(), f"{user} could not sign in to {base} (back on {landed})"
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def fetch(req: urllib.request.Request) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as response:  # nosec B310 (addresses given by the operator)
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status == 200, f"{req.full_url} gave {response.status}"
        # A lost session redirects to the sign-in page, which would be timed instead of the page.
        assert response.url == req.full_url, f"{req.full_url} was redirected to {response.url}"
    if req.data:  # JSON-RPC answers its errors with 200
        assert "error" not in json.loads(body), f"{req.full_url}: {body[:300]!r}"
    return elapsed


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
    parser.add_argument("--a-login", help="user:password to sign in to Kanboard (instead of --a-cookie)")
    parser.add_argument("--b-login", help="email:password to sign in to gplan (instead of --b-cookie)")
    parser.add_argument("--b-focal-login", help="email:password of a gplan focal point")
    parser.add_argument("--a-focal-cookie", default="", help="Kanboard session of a project member")
    parser.add_argument("--a-focal-login", help="user:password of a Kanboard project member")
    parser.add_argument("--a-auth", help="user:token for Kanboard's JSON-RPC (HTTP Basic)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="replace {NAME} in the pages file (ids: KB_PROJECT, KB_TASK, PLAN, BODY, TASK)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.a_login:
        args.a_cookie = sign_in(args.a, "kanboard", args.a_login)
    if args.a_focal_login:
        args.a_focal_cookie = sign_in(args.a, "kanboard", args.a_focal_login)
    if args.b_login:
        args.b_cookie = sign_in(args.b, "gplan", args.b_login)
    if args.b_focal_login:
        args.b_focal_cookie = sign_in(args.b, "gplan", args.b_focal_login)
    text = args.pages.read_text()
    for setting in args.set:
        name, _, value = setting.partition("=")
        text = text.replace("{" + name + "}", value)
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    missing = re.findall(r"\{[A-Z_]+\}", "\n".join(lines))
    assert not missing, f"give {', '.join(sorted(set(missing)))} with --set NAME=value"
    comparisons = []
    for line in lines:
        title, a, b = (part.strip() for part in line.split(" | "))
        comparisons.append(
            (
                title,
                request(
                    args.a,
                    a.removeprefix("focal:"),
                    args.a_focal_cookie if a.startswith("focal:") else args.a_cookie,
                    args.a_auth,
                )
                if a
                else None,
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

    print(
        f"{'page':<50}{'Kanboard p50':>13}{'p95':>8}{'gplan p50':>11}{'p95':>8}"
        f"{'gplan÷Kanboard':>16}{'gplan p95÷p50':>15}"
    )
    for title, measured in rounds.items():
        a50 = statistics.median(p(a, 0.5) for a, _ in measured) if measured[0][0] else None
        a95 = statistics.median(p(a, 0.95) for a, _ in measured) if measured[0][0] else None
        b50 = statistics.median(p(b, 0.5) for _, b in measured)
        b95 = statistics.median(p(b, 0.95) for _, b in measured)
        left = f"{a50:>13.1f}{a95:>8.1f}" if a50 is not None and a95 is not None else f"{'':>21}"
        ratio = f"{b50 / a50:>16.2f}" if a50 else f"{'':>16}"
        print(f"{title:<50}{left}{b50:>11.1f}{b95:>8.1f}{ratio}{b95 / b50:>15.2f}")


if __name__ == "__main__":
    main()
