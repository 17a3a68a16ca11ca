"""Background jobs, run by APScheduler: the daily reminders and the outbox sender.

The scheduler runs in exactly one place: its own process (`flask scheduler`) or inside the
single-process `flask serve`. ``create_app`` never starts it, so web workers never do.
"""
