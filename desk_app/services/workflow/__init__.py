"""workflow capability (issue 16)."""
