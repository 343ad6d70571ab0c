"""Services: the only API the faces (ui, cli) use. One function per job; plain args in,
domain objects out. See README.md."""
from desk_app.services.context import DeskContext
from desk_app.services.desk import is_initialised, open_desk

__all__ = ["DeskContext", "is_initialised", "open_desk"]
