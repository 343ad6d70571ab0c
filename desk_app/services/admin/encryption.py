"""`desk-app encrypt --data-dir D` (issue 17 §3): convert a plain desk to an encrypted one.

The work is ``offline_store.cipher.encrypt_store`` (write new, fsync, swap; a ``kill -9`` leaves
the old store or the new one, and the next open finishes a swap that was under way); this module
keeps the key where ``sealkey`` keeps keys, runs the full ``verify`` on the result and says where
the key went. It is a file-level operation with no desk role (like copying the folder, which
anyone who can run it could do anyway); the desk must be closed (GUI, sync worker).

To wire: ``import desk_app.services.admin.encryption  # noqa: F401`` in
``desk_app/services/commands.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desk_app.domain.errors import NotFoundError, StorageError
from desk_app.services.registry import Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session


@dataclass(frozen=True)
class EncryptReport:
    data_dir: str
    converted: bool            # False: it already was encrypted (blobs finished if any were left)
    blobs_encrypted: int
    key_kept: str              # "keyring", the key file's path, or "" when the key already existed
    verified: bool
    message_vi: str
    message_en: str


def encrypt_desk(data_dir: Path) -> EncryptReport:
    from desk_app.services import is_initialised, open_desk
    from desk_app.services.admin import sealkey
    from desk_app.services.admin import verify as verify_svc
    from offline_store import cipher

    data_dir = Path(data_dir)
    if not is_initialised(data_dir):
        raise NotFoundError("desk_not_initialised",
                            f"Chưa có dữ liệu quầy tại {data_dir}; hãy chạy “desk-app init”.",
                            f"No desk data at {data_dir}; run “desk-app init” first.",
                            data_dir=str(data_dir))
    try:
        out = cipher.encrypt_store(data_dir, sealkey.data_key)
    except cipher.EncryptionError as exc:
        raise StorageError(exc.code, exc.vi, exc.en, data_dir=str(data_dir)) from exc
    with open_desk(data_dir, create=False) as ctx:
        rep = verify_svc.run(ctx)
        encrypted = ctx.store.encrypted
    if not encrypted or not rep.ok:
        bad = "; ".join(f"{c}: {d}" for c, ok, d in rep.checks if not ok)[:300]
        raise StorageError("encrypt_verify_failed",
                           f"Dữ liệu sau khi mã hóa không qua kiểm tra: {bad}",
                           f"The encrypted data failed verification: {bad}")
    kept = out["kept"]
    where_vi = ("trong kho khóa của hệ điều hành" if kept == "keyring"
                else f"trong tệp {kept} (máy không có kho khóa dùng được)" if kept else
                "như trước")
    where_en = ("in the OS keyring" if kept == "keyring"
                else f"in the file {kept} (no usable keyring on this PC)" if kept else
                "as before")
    if out["converted"]:
        vi = (f"Đã mã hóa dữ liệu quầy tại {data_dir} ({out['blobs_encrypted']} tệp đính kèm);"
              f" khóa được giữ {where_vi}. Hãy sao lưu (desk-app backup) và cất khóa khôi phục.")
        en = (f"Encrypted the desk's data at {data_dir} ({out['blobs_encrypted']} attachments);"
              f" the key is kept {where_en}. Take a backup (desk-app backup) and keep its"
              " recovery key.")
    else:
        vi = (f"Dữ liệu quầy tại {data_dir} đã được mã hóa từ trước"
              f" ({out['blobs_encrypted']} tệp đính kèm vừa được mã hóa nốt).")
        en = (f"The desk's data at {data_dir} was already encrypted"
              f" ({out['blobs_encrypted']} attachments finished now).")
    return EncryptReport(str(data_dir), out["converted"], out["blobs_encrypted"], kept, True,
                         vi, en)


@command("encrypt", role=None, writes=True, needs_desk=False,
         help_vi="mã hóa dữ liệu của một quầy đang lưu dạng thường (đóng chương trình trước)",
         help_en="encrypt a desk whose data is stored plain (close the program first)",
         params=(Param("data_dir", Path, "thư mục dữ liệu của quầy", "the desk's data folder",
                       required=True),))
def encrypt(session: "Session", *, data_dir: Path) -> EncryptReport:
    return encrypt_desk(data_dir)
