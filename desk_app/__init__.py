"""Một Cửa Desk: the desktop client for commune one-stop desks."""
__version__ = "0.1.0"
