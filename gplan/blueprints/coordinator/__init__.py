"""The coordinator's pages: progress at a glance, the plan's targets, exports and reports."""

from flask import Blueprint

bp = Blueprint("coordinator", __name__)

from gplan.blueprints.coordinator import (
    body_report_views,
    cells,
    display,
    progress_views,
    report_views,
    target_views,
)
