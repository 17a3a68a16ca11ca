"""State changes and queries. Views, CLI commands and jobs call these, never the reverse."""
