"""Commands of the workflow capability (issue 16); imported by desk_app/services/commands.py."""
