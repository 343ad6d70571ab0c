"""Opening a desk: the one door from a data folder to a ``DeskContext``.

Lives apart from ``context.py`` so the module every service imports does not reach up to the
set-up code; only a first start (``create=True``) imports ``admin.setup``.
"""
from __future__ import annotations

from pathlib import Path

from desk_app.domain.errors import NotFoundError, StorageError
from desk_app.services.context import DeskContext
from offline_store import Store
from offline_store.store import DB_NAME


def is_initialised(data_dir: Path) -> bool:
    return (Path(data_dir) / DB_NAME).is_file()


def open_desk(data_dir: Path, *, create: bool = True) -> DeskContext:
    """Open (migrating) the desk at ``data_dir``.

    A folder without a store is initialised with the shipped catalog (no demo dossiers) when
    ``create`` is true — the GUI's first start; the CLI's read commands pass ``create=False`` so
    a mistyped folder is an error, not a new empty desk.
    """
    data_dir = Path(data_dir)
    if not is_initialised(data_dir):
        if not create:
            raise NotFoundError("desk_not_initialised",
                                f"Chưa có dữ liệu quầy tại {data_dir}; hãy chạy “desk-app init”.",
                                f"No desk data at {data_dir}; run “desk-app init” first.",
                                data_dir=str(data_dir))
        from desk_app.services.admin import setup
        try:
            setup.init_store(data_dir, demo=False)
        except OSError as exc:  # the folder is a file, read-only, on a full disk…
            raise StorageError("store_create_failed",
                               f"Không tạo được thư mục dữ liệu quầy tại {data_dir}: {exc.strerror or exc}",
                               f"Cannot create the desk data folder at {data_dir}: {exc.strerror or exc}",
                               data_dir=str(data_dir)) from exc
    try:
        store = Store.open(data_dir)
    except Exception as exc:  # sqlite3.DatabaseError, OSError, newer schema
        raise StorageError("store_open_failed",
                           f"Không mở được cơ sở dữ liệu tại {data_dir}: {exc}",
                           f"Cannot open the database at {data_dir}: {exc}",
                           data_dir=str(data_dir)) from exc
    from desk_app.services.admin import sealkey

    sealkey.attach(store)          # issue 17: keyed seals (the key is not in the data folder)
    ctx = DeskContext(data_dir, store)
    ctx.reload()
    return ctx
