from flask import Blueprint

bp = Blueprint("focal", __name__)

from gplan.blueprints.focal import report_views, views
