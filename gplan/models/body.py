"""Implementing bodies (cơ quan, đơn vị) and groups of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model


class Body(Model):
    """A department, a district's People's Committee, an organisation — or a group of them.

    Bodies belong to a jurisdiction (e.g. a province) rather than to one plan, so that the
    same plan imported for a later period, and its focal points, keep the same bodies.
    """

    __tablename__ = "body"
    __table_args__ = (UniqueConstraint("jurisdiction", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(120))
    is_group: Mapped[bool] = mapped_column(default=False)
    # Marked ``placeholder: true`` in the plan file: a name for no body in particular ("các sở,
    # ban, ngành, đơn vị liên quan"), named only as coordinating; never a successor.
    is_placeholder: Mapped[bool] = mapped_column(default=False, server_default=false())
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"), index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # Abolished or merged away (gplan.plans.retire): it gets no new tasks from that day.
    retired_on: Mapped[date | None]

    parent: Mapped[Body | None] = relationship(remote_side=[id], back_populates="members")
    members: Mapped[list[Body]] = relationship(back_populates="parent", order_by="Body.name")

    def display_name(self, locale: str = "vi") -> str:
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name

    def task_holders(self) -> list[Body]:
        """The bodies that get their own tasks when a duty is given to this one."""
        return list(self.members) if self.is_group else [self]

    def __repr__(self) -> str:
        return f"<Body {self.jurisdiction}/{self.key}>"
