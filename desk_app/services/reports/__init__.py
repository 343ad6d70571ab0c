"""reports capability (issue 16)."""
