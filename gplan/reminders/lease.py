"""Database leases: however many schedulers are running, one at a time does a named job."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from gplan.extensions import db
from gplan.models import SchedulerLease
from gplan.models.types import rows_affected
from gplan.timeutil import utcnow


def new_holder() -> str:
    """A name unique to this attempt: host, process and a random part (threads differ too)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def acquire(name: str, holder: str, ttl: timedelta) -> bool:
    """Take the lease ``name`` for ``ttl`` unless someone else holds an unexpired one.

    Commits: the lease must be visible to other processes before the work starts. Call it
    with nothing pending in the session.
    """
    now = utcnow()
    try:
        db.session.add(SchedulerLease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
    taken = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.expires_at < now, SchedulerLease.holder == holder),
        )
        .values(holder=holder, acquired_at=now, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return rows_affected(taken) == 1


def renew(name: str, holder: str, ttl: timedelta) -> bool:
    """Extend a lease we hold; False when it expired and someone else took it. Does not commit."""
    renewed = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() + ttl)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(renewed) == 1


def release(name: str, holder: str) -> None:
    """Give the lease up at once, so the next run need not wait for it to expire. Commits."""
    db.session.rollback()
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
