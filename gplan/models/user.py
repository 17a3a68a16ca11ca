"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from gplan.accounts.vocabulary import Role
from gplan.extensions import Model
from gplan.models.body import Body
from gplan.models.types import UTCDateTime, Vocabulary


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Vocabulary(Role))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    is_enabled: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and logout-everywhere: cookies carrying an older value stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[Body | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def set_password(self, password: str) -> None:
        # scrypt in production (deliberately slow); the tests configure a fast method.
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def is_focal_point(self) -> bool:
        return self.role == Role.FOCAL_POINT

    @property
    def sees_all_bodies(self) -> bool:
        return self.role in (Role.ADMIN, Role.COORDINATOR, Role.OBSERVER)

    @property
    def edits_all_progress(self) -> bool:
        return self.role in (Role.ADMIN, Role.COORDINATOR)
