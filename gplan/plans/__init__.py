"""The plan as data: reading and checking plan files, loading them, schedules, bodies, and the
administrator's changes to plans."""
