"""The body's report for a year and the province's report compiled from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model
from gplan.models.body import Body
from gplan.models.plan import Plan
from gplan.models.types import UTCDateTime, Vocabulary
from gplan.reporting.vocabulary import BodyReportStatus, ProvinceReportKind


class BodyReport(Model):
    """What one body reports on one year of a plan: a narrative per objective it has duties
    under (``narratives``, by the objective's ref, so a re-import keeps them), beside what its
    tasks and figures show. Submitted as a whole; accepted (then locked) or returned."""

    __tablename__ = "body_report"
    __table_args__ = (UniqueConstraint("plan_id", "body_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    year: Mapped[int]
    status: Mapped[BodyReportStatus] = mapped_column(
        Vocabulary(BodyReportStatus), default=BodyReportStatus.DRAFT
    )
    narratives: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict[str, Any])
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Why it was last returned or reopened; kept after a later acceptance in the audit log only.
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A reviewer sends back the version it read: two coordinators deciding at once, one wins.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    plan: Mapped[Plan] = relationship()
    body: Mapped[Body] = relationship()
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}


class ProvinceReport(Model):
    """What the coordinator fills in on the province's report of a kind and year before it is
    downloaded: its number, signer, recipients and the narrative of its three parts."""

    __tablename__ = "province_report"
    __table_args__ = (UniqueConstraint("plan_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProvinceReportKind] = mapped_column(Vocabulary(ProvinceReportKind))
    year: Mapped[int]
    number: Mapped[str | None] = mapped_column(String(80))
    issued_on: Mapped[date | None]
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    shortcomings: Mapped[str | None] = mapped_column(Text)
    directions: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    plan: Mapped[Plan] = relationship()

    __mapper_args__ = {"version_id_col": version}
