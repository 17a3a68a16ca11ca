"""Deadline reminders, in one package: who gets what (``planner``), the daily run (``run``) and its
digest mail (``digest``), the policy and opt-outs, the coordinator's nudge, calendar feeds, the
scheduler's clock and jobs, the CLI, and the pages (``views``) with their templates.

The scheduler runs in exactly one place: its own process (`flask scheduler`) or inside the
single-process `flask serve`. ``create_app`` never starts it, so web workers never do.
"""
