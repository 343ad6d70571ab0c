"""Hypothesis on CLI inputs (in-process main() for speed): bad input -> exit 2, one message,
store unchanged; never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk_app.cli.main import main
from tests.services.deskutil import PEOPLE, dump

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=30)


@pytest.fixture(scope="module")
def fuzz_desk(mini_template: Path, tmp_path_factory) -> Path:
    from tests.services.deskutil import copy_desk
    return copy_desk(mini_template, tmp_path_factory.mktemp("fz") / "desk")


FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(idn=text, name=text, phone=text, when=text)
def test_dossier_add_bad_fields(fuzz_desk: Path, capsys, idn, name, phone, when) -> None:
    before = dump(fuzz_desk)
    code = main(["dossier", "add", "--data-dir", str(fuzz_desk), "--procedure", "1.004873",
                 "--applicant-id", "x" + idn, "--applicant-name", name, "--phone", phone,
                 "--received-at", when or "?"])
    out = capsys.readouterr()
    assert code == 2
    assert len(out.err.strip().splitlines()) == 1 and out.err.startswith("Lỗi:")
    assert dump(fuzz_desk) == before


@FUZZ
@given(args=st.lists(text, max_size=6))
def test_arbitrary_argument_lists(fuzz_desk: Path, capsys, args) -> None:
    before = dump(fuzz_desk)
    args = [a for a in args if a not in ("gui", "init", "-h", "--help", "--version")]
    code = main(["dossier", "add", "--data-dir", str(fuzz_desk), *args])
    out = capsys.readouterr()
    assert code == 2 and len(out.err.strip().splitlines()) == 1
    assert dump(fuzz_desk) == before


@FUZZ
@given(payload=text)
def test_cccd_parse_never_crashes(capsys, payload) -> None:
    code = main(["cccd", "parse", payload])
    out = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert len(out.err.strip().splitlines()) == 1


@FUZZ
@given(when=text, days=st.integers(-5, 5000), kind=text)
def test_calendar_due_inputs(capsys, when, days, kind) -> None:
    code = main(["calendar", "due", "--received-at", when or "x", "--days", str(days),
                 "--kind", kind or "x"])
    out = capsys.readouterr()
    assert code == 2 and len(out.err.strip().splitlines()) == 1


def test_valid_add_in_process(fuzz_desk: Path, capsys) -> None:
    assert main(["dossier", "add", "--data-dir", str(fuzz_desk), "--procedure", "1.004873",
                 "--applicant-id", PEOPLE[3][0], "--applicant-name", PEOPLE[3][1]]) == 0
    assert "Đã tiếp nhận hồ sơ" in capsys.readouterr().out


def test_lang_is_accepted_after_the_command(fuzz_desk: Path, capsys) -> None:
    assert main(["search", "--data-dir", str(fuzz_desk), "--lang", "en", "nobody"]) == 0
    assert "(0 dossiers)" in capsys.readouterr().out
    assert main(["--lang", "en", "dossier", "show", "--data-dir", str(fuzz_desk),
                 "000.23.32.H48-990101-1001"]) == 2
    assert capsys.readouterr().err.startswith("Error: No dossier")


@FUZZ
@given(data=st.data())
def test_generated_parser_never_crashes(data) -> None:
    """The registry-generated tree: any mix of command words, options and text either parses
    to a registered command or is a one-line usage error (exit 2) — never another exception."""
    from desk_app.cli.main import UsageError, build_parser
    from desk_app.services import registry

    cmds = list(registry.load().values())
    words = sorted({w for c in cmds for w in c.words})
    options = sorted({o for c in cmds for p in c.params for o in p.option.split("|")}
                     | {"--data-dir", "--json", "--user", "--password-env", "--lang"})
    cmd = data.draw(st.sampled_from(cmds))
    tail = data.draw(st.lists(st.one_of(st.sampled_from(words), st.sampled_from(options), text),
                              max_size=8))
    argv = [a for a in [*cmd.words, *tail] if a not in ("-h", "--help", "--version")]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError:
        return
    assert args._command in registry.REGISTRY
