"""Desks with dossiers whose results are waiting to be signed (test helpers, real services)."""
from __future__ import annotations

import shutil
from pathlib import Path

from desk_app.domain.models import Role
from tests.signing import pki as P
from tests.sync.harness import make_desk, receive

UNIT = "000.23.32.H48"


def signing_desk(data: Path, pki, *, desk_no: int = 1, unit: str = UNIT,
                 make: bool = True) -> Path:
    """A (fresh) desk that trusts the test PKI (trust/ and revocation/ under its data folder)."""
    if make:
        make_desk(data, desk_no, unit=unit)
    shutil.copytree(pki.trust_dir, data / "trust", dirs_exist_ok=True)
    shutil.copytree(pki.revocation_dir, data / "revocation", dirs_exist_ok=True)
    return data


def with_results(data: Path, n: int, *, seed: int = 1) -> list[str]:
    """``n`` dossiers received, handed over and with an (unsigned) result PDF each."""
    from desk_app.services import open_desk
    from desk_app.services.workflow import lifecycle

    codes = receive(data, n, seed=seed)
    folder = data / "results-in"
    folder.mkdir(exist_ok=True)
    with open_desk(data, create=False) as ctx:
        for i, code in enumerate(codes):
            lifecycle.handover(ctx, code, actor="hoa", role=Role.CLERK, to="Cán bộ xử lý")
            f = P.make_form_pdf(folder / f"ket-qua-{seed}-{i}.pdf", title="GIẤY XÁC NHẬN")
            lifecycle.result(ctx, code, actor="thang", role=Role.PROCESSOR, file=f)
    return codes
