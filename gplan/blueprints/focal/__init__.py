from flask import Blueprint

bp = Blueprint("focal", __name__)

from . import views
