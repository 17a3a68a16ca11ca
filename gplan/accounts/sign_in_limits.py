"""Throttling password guesses without handing anyone a way to lock others out.

Wrong passwords are counted per (client address, email address typed), whether or not an
account uses that email: after LOCKOUT_THRESHOLD of them within LOCKOUT_MINUTES, that address
may not try that email again until the oldest failure is older than LOCKOUT_MINUTES. Someone
guessing from one place is stopped there, while the real user, signing in from elsewhere, is
not. Above that, SIGN_IN_ACCOUNT_LIMIT caps the wrong passwords for one email from all
addresses together (a guesser with many addresses); it can hold the real user up too, so it is
set far higher, and a reset link always gets them in.

The counts live in Flask-Limiter's storage (RATELIMIT_STORAGE_URI: memory for one process,
Redis for several workers) as moving windows, keyed by a digest of the email.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import current_app, request
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

from gplan.extensions import limiter

PAIR = "sign-in-pair"
ACCOUNT = "sign-in-account"


def _email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _address() -> str:
    return request.remote_addr or "unknown"


def _counters() -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    config = current_app.config
    pair = parse(f"{config['LOCKOUT_THRESHOLD']} per {config['LOCKOUT_MINUTES']} minutes")
    return [(pair, (PAIR, _address())), (parse(config["SIGN_IN_ACCOUNT_LIMIT"]), (ACCOUNT,))]


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def blocked_until(email: str) -> datetime | None:
    """When this request's address may next try ``email`` (None: it may now)."""
    strategy, key = _strategy(), _email_key(email)
    until = None
    for item, names in _counters():
        if not strategy.test(item, *names, key):
            reset = datetime.fromtimestamp(strategy.get_window_stats(item, *names, key).reset_time, UTC)
            until = max(until or reset, reset)
    return until


def record_failure(email: str) -> datetime | None:
    """Count a wrong password for ``email`` from this request's address; returns when it may
    try again if this failure used up what it may."""
    strategy, key = _strategy(), _email_key(email)
    for item, names in _counters():
        strategy.hit(item, *names, key)
    return blocked_until(email)


def forget_failures(email: str) -> None:
    """After a successful sign-in, this address starts afresh for ``email`` (the account-wide
    count is left alone: it measures guessing from everywhere)."""
    item, names = _counters()[0]
    _strategy().clear(item, *names, _email_key(email))
