"""Commands of the online capability (issue 16); imported by desk_app/services/commands.py."""
