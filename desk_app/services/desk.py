"""Opening a desk: the one door from a data folder to a ``DeskContext``.

Lives apart from ``context.py`` so the module every service imports does not reach up to the
set-up code; only a first start (``create=True``) imports ``admin.setup``.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from desk_app.domain.errors import NotFoundError, StorageError
from desk_app.services.context import DeskContext
from offline_store import Store, cipher
from offline_store.store import DB_NAME, set_key_provider


def _malformed(data_dir: Path, exc: Exception) -> StorageError:
    """"database disk image is malformed": what the clerk should do, and the newest backup."""
    from desk_app.services.admin.backup import newest_backup_hint

    hint = newest_backup_hint(data_dir)
    if hint:
        vi = (f" Bản sao lưu tốt gần nhất: {hint['snapshot']} trong {hint['folder']}. Cán bộ CNTT"
              f" khôi phục bằng: desk-app restore --from \"{hint['folder']}\" --data-dir"
              " <thư mục mới>, rồi mở quầy từ thư mục mới.")
        en = (f" The newest good backup is {hint['snapshot']} in {hint['folder']}. IT restores it"
              f" with: desk-app restore --from \"{hint['folder']}\" --data-dir <new folder>,"
              " then opens the desk from the new folder.")
    else:
        vi = " Không tìm thấy bản sao lưu nào của quầy này; hãy gọi cán bộ CNTT của tỉnh."
        en = " No backup of this desk was found; call the provincial IT staff."
    return StorageError("store_malformed",
                        "Tệp cơ sở dữ liệu của quầy bị hỏng (database disk image is malformed)."
                        " Đừng tắt máy giữa chừng hay chép đè tệp; ghi lại các hồ sơ đang làm"
                        " trên giấy." + vi,
                        "The desk's database is damaged (database disk image is malformed)."
                        " Do not overwrite the file; note the dossiers in progress on paper." + en,
                        data_dir=str(data_dir), backup=hint)


def _attach_seal_key(store: Store) -> None:
    """Every desk store this process opens (GUI, CLI, sync worker, jobs) is keyed (issue 17):
    the seal key lives in the OS keyring or a file outside the data folder."""
    from desk_app.services.admin import sealkey

    sealkey.attach(store)


set_key_provider(_attach_seal_key)


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
    except cipher.EncryptionError as exc:        # no key on this PC, wrong key, no sqlcipher3
        raise StorageError(exc.code, exc.vi, exc.en, data_dir=str(data_dir)) from exc
    except sqlite3.DatabaseError as exc:
        if "malformed" in str(exc) or "not a database" in str(exc):
            raise _malformed(data_dir, exc) from exc
        raise StorageError("store_open_failed",
                           f"Không mở được cơ sở dữ liệu tại {data_dir}: {exc}",
                           f"Cannot open the database at {data_dir}: {exc}",
                           data_dir=str(data_dir)) from exc
    except Exception as exc:  # OSError, newer schema
        raise StorageError("store_open_failed",
                           f"Không mở được cơ sở dữ liệu tại {data_dir}: {exc}",
                           f"Cannot open the database at {data_dir}: {exc}",
                           data_dir=str(data_dir)) from exc
    ctx = DeskContext(data_dir, store)
    ctx.reload()
    return ctx
