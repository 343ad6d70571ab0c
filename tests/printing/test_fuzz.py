"""Random Vietnamese names, addresses and notes never crash the printer, and the name printed
is the name given (NFC), as pdftotext extracts it. Smoke size by default; ``--full`` runs more."""
from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk_app.printing import forms
from tests.printing import builders as b
from tests.printing import pdftools

VI_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VI_LETTERS = VI_LOWER + VI_LOWER.upper()

word = st.text(alphabet=VI_LETTERS, min_size=1, max_size=12)
name = st.lists(word, min_size=1, max_size=6).map(" ".join)
any_text = st.text(max_size=300)  # every Unicode category, controls and all
address = st.one_of(st.lists(st.one_of(word, st.sampled_from([",", "số", "12/3", "-", "Tổ 5"])),
                             max_size=40).map(" ".join), any_text)


def _examples(request) -> int:
    return 300 if request.config.getoption("--full", default=False) else 20


@pytest.fixture
def examples(request) -> int:
    return _examples(request)


def test_random_vietnamese_names_print_and_extract(examples: int) -> None:
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(full_name=name, addr=address, nfd=st.booleans(), kind=st.sampled_from(["01", "02", "03"]))
    def check(full_name: str, addr: str, nfd: bool, kind: str) -> None:
        given_name = unicodedata.normalize("NFD", full_name) if nfd else full_name
        d = b.dossier(applicant=replace(b.APPLICANT, full_name=given_name, address=addr),
                      note=addr)
        pdf = forms.render(kind, d, b.UNIT, b.PROCEDURE, clerk_name="Lò Văn Dũng")
        text = pdftools.flat(pdf)
        assert unicodedata.normalize("NFC", full_name) in text
        assert pdftools.is_nfc(text)

    check()


def test_arbitrary_unicode_in_every_free_text_field_never_crashes(examples: int) -> None:
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(a=any_text, c=any_text, p=any_text, clerk=any_text, note=any_text,
           kind=st.sampled_from(["01", "02", "03"]))
    def check(a: str, c: str, p: str, clerk: str, note: str, kind: str) -> None:
        from desk_app.domain.models import ComponentForm, DossierComponent

        d = b.dossier(applicant=replace(b.APPLICANT, full_name=a, phone=p, email=c),
                      procedure_name=p, on_behalf_of=c, note=note, fee_note=c, logbook_no=p,
                      components=(DossierComponent(1, c, ComponentForm.COPY, 1),))
        pdf = forms.render(kind, d, replace(b.UNIT, name=a), b.PROCEDURE, clerk_name=clerk)
        assert pdf.startswith(b"%PDF-") and int(pdftools.info(pdf)["Pages"]) >= 1

    check()
