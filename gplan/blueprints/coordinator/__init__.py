"""The coordinator's pages: progress at a glance, the plan's targets, exports and reports."""

from flask import Blueprint

bp = Blueprint("coordinator", __name__)

from gplan.blueprints.coordinator import (
    cells,
    display,
    progress_views,
    report_views,
    request_views,
    target_views,
)
