"""The words of accounts: the roles a person holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from gplan.vocabulary import RichStrEnum


class Role(RichStrEnum):
    """What a person may do (``User.role``); who sees and changes what is in gplan.accounts.access
    and on ``User``."""

    ADMIN = "admin", _l("Administrator")
    COORDINATOR = "coordinator", _l("Coordinator")
    FOCAL_POINT = "focal_point", _l("Focal point")  # of one body
    OBSERVER = "observer", _l("Observer")  # reads everything, changes nothing
