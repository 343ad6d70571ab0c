"""The supervisor's figures (issue 16): computation only, no Qt, no services (see README.md)."""
