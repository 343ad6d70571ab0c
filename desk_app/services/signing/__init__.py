"""Signing services (issue 15): sign plain files, upgrade, validate, certify copies.

``files.py`` holds the functions the faces call; ``commands.py`` declares the registry commands
(``sign``, ``sign upgrade``, ``sign verify``, ``certify``; role: officer). The core is
``desk_app.signing`` (no Qt, no store).
"""
from __future__ import annotations

from desk_app.services.signing.files import (certify_copy, desk_paths, sign_files, upgrade_file,
                                             verify_file)

__all__ = ["certify_copy", "desk_paths", "sign_files", "upgrade_file", "verify_file"]
