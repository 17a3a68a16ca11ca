"""Running an installation: the audit log, backups, and the demo data."""
