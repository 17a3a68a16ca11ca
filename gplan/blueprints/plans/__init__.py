from flask import Blueprint

bp = Blueprint("plans", __name__)

from gplan.blueprints.plans import navigation, views
