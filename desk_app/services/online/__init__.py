"""online capability (issue 16)."""
