from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/profile")

from gplan.blueprints.profile import views
