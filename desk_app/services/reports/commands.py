"""Commands of the reports capability (issue 16); imported by desk_app/services/commands.py."""
