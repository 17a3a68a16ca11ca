from flask import Blueprint

bp = Blueprint("reminders", __name__)

from . import calendar, nudge, outbox, policy, profile
