from flask import Blueprint

# The package keeps its own templates (reminders/…, reminders/email/…) beside its code.
bp = Blueprint("reminders", __name__, template_folder="../templates")

from gplan.reminders.views import calendar, nudge, outbox, policy, profile
