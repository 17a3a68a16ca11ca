"""What the coordinator reads: counts by status, targets and their figures, charts, exports and
the annual report."""
