from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from ...services import audit  # registers the listener that logs every status change
from . import audit_log, bodies, plans, tasks, views
