from flask import Blueprint

bp = Blueprint("auth", __name__)

from gplan.blueprints.auth import views
