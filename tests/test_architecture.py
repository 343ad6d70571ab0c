"""The layers as their READMEs state them, enforced on the source.

1. Core packages must not load Qt: they run in the CLI, the sync subprocess and on servers.
2. Each folder's README.md has one rule line, ``May import: a, b, c — note`` (and optionally
   ``Must not import: x, y — note``): comma-separated package prefixes (``stdlib`` = the standard
   library, always allowed; a package may always import itself). Every ``import`` of every module
   in the folder — top-level, lazy inside functions, under ``TYPE_CHECKING`` or ``try`` — must
   match a ``May import`` prefix and no ``Must not import`` prefix. Qt names only through
   ``desk_app/ui/qt.py``.
3. No module imports a platform-only module (``fcntl``, ``termios``, ``msvcrt``, …) or calls a
   POSIX-only function (``os.getuid``, ``loop.add_signal_handler``, …) outside a guard: an ``if``
   on ``os.name`` / ``sys.platform`` / ``platform.system()`` in the same function (or module), or a
   ``try`` that catches ImportError/AttributeError/NotImplementedError. Commune PCs run Windows.
"""
from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ["offline_store", "desk_app.domain", "desk_app.services", "desk_app.sync", "desk_app.printing",
        "desk_app.cli", "desk_app.jobs", "desk_app.devices", "desk_app.signing",
        "desk_app.scanning", "desk_app.reports", "reference_backend"]

# the folders whose README rule is enforced (package name -> folder)
FOLDERS = ["desk_app/domain", "desk_app/services", "desk_app/cli", "desk_app/ui", "desk_app/sync",
           "desk_app/printing", "desk_app/jobs", "desk_app/devices", "desk_app/signing",
           "desk_app/scanning", "desk_app/reports", "offline_store", "reference_backend"]
# used when a folder's README has no rule line yet (a new package): the strictest sensible rule
FALLBACK_RULES = {"desk_app/jobs": ["stdlib", "desk_app.domain"],
                  "desk_app/devices": ["stdlib", "desk_app.domain"]}
QT_NAMES = ("PySide6", "shiboken6", "qasync")
QT_DOOR = "desk_app/ui/qt.py"

# Imports the rules forbid but the code still has, each with the change that removes it. An entry
# that no longer matches anything fails the test, so the list only shrinks.
TRANSITIONAL: dict[tuple[str, str], str] = {
}

# platform-only modules, and POSIX-only attributes of os / signal / event loops
PLATFORM_MODULES = {"fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "posix", "crypt", "spwd",
                    "nis", "syslog", "readline", "curses", "_curses", "msvcrt", "winreg", "_winapi",
                    "winsound", "nt"}
POSIX_ATTRS = {
    "os": {"getuid", "geteuid", "getgid", "getegid", "getgroups", "fork", "forkpty", "setsid", "setpgid",
           "getpgid", "killpg", "chown", "lchown", "fchown", "mkfifo", "getloadavg", "sync", "WNOHANG",
           "O_NOFOLLOW"},
    "signal": {"SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGQUIT", "SIGPIPE",
               "alarm", "setitimer", "pause", "siginterrupt"},
}
POSIX_METHODS = {"add_signal_handler", "remove_signal_handler"}  # asyncio's Windows loop lacks them
# (path, name) pairs allowed outside a guard, with the reason
PLATFORM_ALLOWED: dict[tuple[str, str], str] = {
}


# --------------------------------------------------------------------------- 1. no Qt in the core

def _modules(package: str) -> list[str]:
    path = ROOT / package.replace(".", "/")
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=package + "."):
        if ".tests" not in info.name and not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def _core() -> list[str]:
    return [p for p in CORE if (ROOT / p.replace(".", "/") / "__init__.py").exists()]


def test_core_packages_load_no_qt() -> None:
    modules = [m for pkg in _core() for m in _modules(pkg)]
    assert len(modules) > len(_core()), "no core modules found"
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'qasync'))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"Qt loaded by core packages:\n{proc.stdout}\n{proc.stderr}"


def test_the_check_sees_qt_when_it_is_loaded() -> None:
    """The probe itself must be able to fail: importing the UI package does load PySide6."""
    code = "import sys, desk_app.ui.qt; sys.exit(0 if 'PySide6.QtCore' in sys.modules else 1)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------- 2. README rules

_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass
class Rule:
    folder: str
    may: list[str]
    must_not: list[str] = field(default_factory=list)
    source: str = "README.md"


def parse_rule_line(line: str, label: str) -> list[str]:
    """``May import: stdlib, `a.b`, c — note`` -> ["stdlib", "a.b", "c"] (ValueError if unparseable)."""
    body = line[len(label):].split(" — ", 1)[0]
    items = [i.strip().strip("`").strip() for i in body.rstrip().rstrip(".").split(",")]
    bad = [i for i in items if not _PREFIX.match(i)]
    if bad or not items:
        raise ValueError(f"unparseable {label!r} items {bad!r} in: {line!r}")
    return items


def read_rule(folder: str) -> Rule | None:
    readme = ROOT / folder / "README.md"
    if not readme.exists():
        return None
    lines = readme.read_text(encoding="utf-8").splitlines()
    may = [ln for ln in lines if ln.startswith("May import:")]
    must_not = [ln for ln in lines if ln.startswith("Must not import:")]
    if not may:
        return None
    assert len(may) == 1 and len(must_not) <= 1, f"{folder}/README.md: one rule line of each kind"
    return Rule(folder, parse_rule_line(may[0], "May import:"),
                parse_rule_line(must_not[0], "Must not import:") if must_not else [])


def rule_for(folder: str) -> Rule:
    rule = read_rule(folder)
    if rule is None and folder in FALLBACK_RULES:
        return Rule(folder, FALLBACK_RULES[folder], list(QT_NAMES), source="fallback in this test")
    assert rule is not None, f"{folder}/README.md has no line starting 'May import:'"
    return rule


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _first_party(name: str) -> bool:
    base = ROOT / name.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def module_name(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    is_pkg = parts[-1] == "__init__"
    if is_pkg:
        parts = parts[:-1]
    return ".".join(parts), is_pkg


def imported_names(tree: ast.AST, module: str, is_pkg: bool) -> list[tuple[int, str]]:
    """Every module an AST imports (absolute names), wherever the import statement is."""
    out: list[tuple[int, str]] = []
    package = module if is_pkg else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for a in node.names:
                cand = f"{base}.{a.name}"
                out.append((node.lineno, cand if a.name != "*" and _first_party(cand) else base))
    return out


def violations(rule: Rule, path: Path, source: str | None = None) -> list[str]:
    """The imports of one file that break ``rule`` (``source`` overrides the file's text)."""
    text = source if source is not None else path.read_text(encoding="utf-8")
    module, is_pkg = module_name(path)
    own = rule.folder.replace("/", ".")
    rel = path.relative_to(ROOT).as_posix()
    found = []
    for lineno, name in imported_names(ast.parse(text, str(path)), module, is_pkg):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        if _matches(name, own) or (name == "desk_app" and own.startswith("desk_app")):
            continue
        if top in QT_NAMES and rel != QT_DOOR and own == "desk_app.ui":
            found.append(f"{rel}:{lineno}: {name} (Qt names only through {QT_DOOR})")
            continue
        denied = any(_matches(name, p) for p in rule.must_not)
        allowed = any(_matches(name, p) for p in rule.may)
        if denied or not allowed:
            if any(_matches(name, n) for (f, n) in TRANSITIONAL if f == rel):
                continue
            why = "Must not import" if denied else "not in May import"
            found.append(f"{rel}:{lineno}: {name} ({why} of {rule.folder} [{rule.source}])")
    return found


def _py_files(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("folder", FOLDERS)
def test_folder_imports_follow_its_readme(folder: str) -> None:
    assert (ROOT / folder).is_dir(), f"{folder} is listed but does not exist"
    rule = rule_for(folder)
    files = _py_files(folder)
    assert files, f"no modules in {folder}"
    problems = [v for f in files for v in violations(rule, f)]
    assert not problems, "imports against the README rule:\n" + "\n".join(problems)


@pytest.mark.parametrize("folder", [f for f in FOLDERS if f not in FALLBACK_RULES])
def test_every_established_folder_states_its_rule(folder: str) -> None:
    rule = read_rule(folder)
    assert rule is not None and rule.may, f"{folder}/README.md needs a 'May import:' line"


def test_transitional_exceptions_are_still_needed() -> None:
    """An exception whose import is gone must leave the list (it only shrinks)."""
    stale = []
    for rel, name in TRANSITIONAL:
        path = ROOT / rel
        if not path.exists():
            stale.append((rel, name))
            continue
        module, is_pkg = module_name(path)
        names = [n for _, n in imported_names(ast.parse(path.read_text(encoding="utf-8")), module, is_pkg)]
        if not any(_matches(n, name) for n in names):
            stale.append((rel, name))
    assert not stale, f"remove from TRANSITIONAL in tests/test_architecture.py: {stale}"


def test_the_rule_check_catches_a_lazy_import_and_a_must_not() -> None:
    """The checker itself must be able to fail: a function-level import of the store from the
    domain, a relative import climbing into services, and Qt outside its door."""
    domain = rule_for("desk_app/domain")
    fake = ROOT / "desk_app/domain/_probe.py"
    src = ("from __future__ import annotations\nimport json\n\n"
           "def f():\n    import offline_store.repo\n    from ..services import sync_control\n"
           "    from . import text\n")
    found = violations(domain, fake, src)
    assert len(found) == 2, found
    assert "offline_store.repo" in found[0] and "Must not import" in found[0]
    assert "desk_app.services.sync_control" in found[1]
    ui = rule_for("desk_app/ui")
    assert violations(ui, ROOT / "desk_app/ui/_probe.py", "def g():\n    from PySide6 import QtCore\n")
    assert not violations(ui, ROOT / QT_DOOR, "from PySide6 import QtCore\n")


def test_rule_lines_parse_strictly() -> None:
    assert parse_rule_line("May import: stdlib, `a.b`, c_d — any note, with commas.", "May import:") == \
        ["stdlib", "a.b", "c_d"]
    with pytest.raises(ValueError):
        parse_rule_line("May import: the standard library, `a.b` (mostly)", "May import:")


# --------------------------------------------------------------------------- 3. platform-only code

_PLATFORM_TEST = re.compile(r"\bos\.name\b|\bsys\.platform\b|\bplatform\.system\b|\bhasattr\(\s*(os|signal)\b")
_GUARD_EXC = {"ImportError", "ModuleNotFoundError", "AttributeError", "NotImplementedError", "Exception",
              "OSError"}


def _is_platform_test(node: ast.If) -> bool:
    return bool(_PLATFORM_TEST.search(ast.unparse(node.test)))


def _catches(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "")
             for n in ast.walk(handler.type) if isinstance(n, (ast.Name, ast.Attribute))}
    return bool(names & _GUARD_EXC)


def platform_uses(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """(line, what, guarded) for every platform-only import / POSIX-only use in a module."""
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent

    def scope_guarded(node: ast.AST) -> bool:
        cur: ast.AST | None = node
        while cur is not None:
            parent = parents.get(cur)
            if isinstance(parent, ast.If) and _is_platform_test(parent):
                return True
            if isinstance(parent, ast.Try) and cur in parent.body and any(_catches(h) for h in parent.handlers):
                return True
            if isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # an early platform check in the same function (``if os.name == "nt": return``)
                return any(isinstance(n, ast.If) and _is_platform_test(n) and n.lineno <= node.lineno
                           for n in ast.walk(cur))
            if isinstance(cur, ast.Module):
                return any(isinstance(n, ast.If) and _is_platform_test(n) and n.lineno <= node.lineno
                           for n in cur.body)
            cur = parent
        return False

    uses: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.split(".")[0] in PLATFORM_MODULES]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] in PLATFORM_MODULES:
                names = [node.module]
            elif node.module in POSIX_ATTRS:
                names = [f"{node.module}.{a.name}" for a in node.names if a.name in POSIX_ATTRS[node.module]]
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.attr in POSIX_ATTRS.get(node.value.id, ()):
                names = [f"{node.value.id}.{node.attr}"]
            elif node.attr in POSIX_METHODS:
                names = [f"….{node.attr}"]
        uses += [(node.lineno, n, scope_guarded(node)) for n in names]
    return uses


def test_no_platform_only_code_outside_a_guard() -> None:
    problems, used_allowances = [], set()
    for top in ("desk_app", "offline_store", "reference_backend"):
        for path in _py_files(top):
            rel = path.relative_to(ROOT).as_posix()
            for lineno, what, guarded in platform_uses(ast.parse(path.read_text(encoding="utf-8"))):
                if guarded:
                    continue
                if (rel, what) in PLATFORM_ALLOWED:
                    used_allowances.add((rel, what))
                    continue
                problems.append(f"{rel}:{lineno}: {what}")
    assert not problems, "platform-only code outside a guard (commune PCs run Windows):\n" + "\n".join(problems)
    stale = set(PLATFORM_ALLOWED) - used_allowances
    assert not stale, f"remove from PLATFORM_ALLOWED: {sorted(stale)}"


def test_the_platform_check_sees_unguarded_and_guarded_uses() -> None:
    src = (
        "import os, sys\nimport fcntl\n"
        "if os.name == 'nt':\n    import msvcrt\nelse:\n    import termios\n"
        "try:\n    import pwd\nexcept ImportError:\n    pwd = None\n"
        "def owner(p):\n    if sys.platform == 'win32':\n        return True\n    return os.getuid()\n"
        "def bad(loop):\n    loop.add_signal_handler(2, print)\n    return os.geteuid()\n"
    )
    got = {(what, guarded) for _, what, guarded in platform_uses(ast.parse(src))}
    assert got == {("fcntl", False), ("msvcrt", True), ("termios", True), ("pwd", True),
                   ("os.getuid", True), ("….add_signal_handler", False), ("os.geteuid", False)}
