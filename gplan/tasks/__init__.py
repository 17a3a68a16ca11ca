"""Dated tasks: recording progress, the lists that show them, the coordinator's changes (ad-hoc
tasks, extensions), evidence files, and keeping tasks in step with the plan."""
