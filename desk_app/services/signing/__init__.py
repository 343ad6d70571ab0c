"""Signing services (issue 15): sign plain files and dossiers' files, upgrade, validate, certify
copies into the desk's certification book.

``files.py`` (plain PDF files), ``dossiers.py`` (signed versions in dossiers), ``book.py`` (the
certification book in the store), ``upgrades.py`` (the upgrade through the sync queue; importing
this package installs it); ``commands.py`` declares the registry commands. The core is
``desk_app.signing`` (no Qt, no store). The API is listed in README.md.
"""
from __future__ import annotations

from desk_app.services.signing import upgrades as _upgrades  # noqa: F401 (installs the upgrader)
from desk_app.services.signing.book import (BookEntry, CertifiedCopyRecord, certify_in_book,
                                            desk_book, import_file_books, list_entries,
                                            print_month)
from desk_app.services.signing.dossiers import (DossierSignReport, FileVersion, SignedVersion,
                                                current_files, export_results, file_versions, sign_dossier_files,
                                                to_sign)
from desk_app.services.signing.files import (certification_fee, certification_fee_rule,
                                             certify_copy, desk_paths, list_tokens, sign_files,
                                             upgrade_file, verify_file)

__all__ = ["BookEntry", "CertifiedCopyRecord", "DossierSignReport", "FileVersion",
           "SignedVersion", "certification_fee", "certification_fee_rule", "list_tokens", "certify_copy", "certify_in_book", "current_files", "export_results", "desk_book",
           "desk_paths", "file_versions", "import_file_books", "list_entries", "print_month",
           "sign_dossier_files", "sign_files", "to_sign", "upgrade_file", "verify_file"]
