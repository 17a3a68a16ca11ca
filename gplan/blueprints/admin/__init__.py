from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from gplan.blueprints.admin import audit_log, bodies, drafts, plans, retire, tasks, views, workbooks
