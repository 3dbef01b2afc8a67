"""The shape of the code, checked: tests mirror the tree, the architecture document lists every
module and page, no module reaches into another's private names, and functions stay short.

These read the source (``ast``); nothing is imported or run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from core.settings import REPO_DIR

#: The packages of the product, lowest layer first.
PACKAGES = ("core", "geo", "security", "records", "models", "services", "ui", "cli")

#: Everything whose imports are scanned for private names.
SCANNED = (*PACKAGES, "bench", "tests", "pages")

#: Longest function allowed without a ``long function:`` note saying why.
MAX_FUNCTION_LINES = 60
LONG_NOTE = "long function:"


def modules(package: str) -> list[Path]:
    """The package's modules (``__init__.py`` left out), sorted."""
    return sorted(p for p in (REPO_DIR / package).glob("*.py") if p.name != "__init__.py")


def python_files() -> Iterator[Path]:
    """Every Python file the private-name rule covers."""
    yield REPO_DIR / "app.py"
    for top in SCANNED:
        yield from sorted(p for p in (REPO_DIR / top).rglob("*.py") if "vendor" not in p.parts)


def dotted(path: Path) -> str:
    """``geo/hexes.py`` -> ``geo.hexes``; ``geo/__init__.py`` -> ``geo``."""
    parts = path.relative_to(REPO_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


PROJECT_MODULES = {dotted(p) for top in SCANNED for p in (REPO_DIR / top).rglob("*.py")}


# ---------------------------------------------------------------- (a) tests mirror the tree
def module_tested_by(test: Path, names: set[str]) -> str | None:
    """The module a unit test file is named after: ``test_<module>.py`` or
    ``test_<module>_<topic>.py``, the longest module name that fits (``test_national_store.py``
    tests ``national_store``, not ``national``); None when no module fits."""
    stem = test.stem.removeprefix("test_")
    fits = [n for n in names if stem == n or stem.startswith(f"{n}_")]
    return max(fits, key=len) if fits else None


def test_every_module_has_a_test_file_named_after_it():
    missing = []
    for package in PACKAGES:
        names = {p.stem.lstrip("_") for p in modules(package)}
        tests = sorted((REPO_DIR / "tests" / "unit" / package).glob("test_*.py"))
        covered = {module_tested_by(test, names) for test in tests}
        missing += [
            f"{package}.{path.stem}: tests/unit/{package}/test_{path.stem.lstrip('_')}.py"
            for path in modules(package)
            if path.stem.lstrip("_") not in covered
        ]
    assert missing == [], "modules without a test file of their own:\n" + "\n".join(missing)


def test_every_test_file_names_a_module_of_its_package():
    """The other direction: a test file's name starts with a module of its folder's package."""
    stray = []
    for package in PACKAGES:
        names = {p.stem.lstrip("_") for p in modules(package)}
        for test in sorted((REPO_DIR / "tests" / "unit" / package).glob("test_*.py")):
            if module_tested_by(test, names) is None:
                stray.append(str(test.relative_to(REPO_DIR)))
    assert stray == [], "test files named after no module of their package:\n" + "\n".join(stray)


def test_a_test_file_belongs_to_the_longest_module_name_it_starts_with():
    names = {"national", "national_store", "ingest", "ocg", "ocg_synthetic"}
    assert module_tested_by(Path("test_national_store.py"), names) == "national_store"
    assert module_tested_by(Path("test_national.py"), names) == "national"
    assert module_tested_by(Path("test_ingest_limits.py"), names) == "ingest"
    assert module_tested_by(Path("test_ocg_synthetic.py"), names) == "ocg_synthetic"
    assert module_tested_by(Path("test_nationality.py"), names) is None


# ---------------------------------------------------------------- (b) the architecture document
def module_map() -> dict[str, str]:
    """The module map of docs/architecture.md: each top-level entry (``geo/``, ``app.py`` ...)
    and the text of its block (its line and the indented lines under it)."""
    text = (REPO_DIR / "docs" / "architecture.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)```", text, flags=re.S)
    (table,) = [b for b in blocks if re.search(r"^pages/", b, flags=re.M)]
    found: dict[str, str] = {}
    name = ""
    for line in table.splitlines():
        if line and not line[0].isspace():
            name = line.split()[0]
            found[name] = ""
        found[name] += line + "\n"
    return found


def _named(file_name: str, text: str) -> bool:
    return re.search(rf"(?<![\w./]){re.escape(file_name)}(?!\w)", text) is not None


def test_every_module_and_page_is_in_the_architecture_documents_module_map():
    blocks = module_map()
    whole = (REPO_DIR / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        f"{package}/{path.name}"
        for package in PACKAGES
        for path in modules(package)
        if not _named(path.name, blocks.get(f"{package}/", "")) and not _named(dotted(path), whole)
    ]
    pages = blocks.get("pages/", "")
    missing += [
        f"pages/{path.name}"
        for path in sorted((REPO_DIR / "pages").glob("*.py"))
        if not _named(path.stem, pages) and not _named(f"pages/{path.name}", whole)
    ]
    assert missing == [], "not in docs/architecture.md's module map:\n" + "\n".join(missing)


# ---------------------------------------------------------------- (c) public names are public
def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _owner(module: str) -> str:
    """The package a private module belongs to (``geo._streams`` -> ``geo``)."""
    parts = module.split(".")
    return ".".join(parts[: next(i for i, p in enumerate(parts) if _private(p))])


def _may_use_private_module(here: str, module: str) -> bool:
    """A private module (``geo._streams``) serves its own package, and is tested by that
    package's unit tests (``tests/unit/geo/``)."""
    owner = _owner(module)
    return here.startswith(f"{owner}.") or here.startswith(f"tests.unit.{owner}.")


def _bindings(tree: ast.Module, here: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """The names bound to project modules (local name -> module) and the private imports."""
    aliases: dict[str, str] = {}
    found: list[tuple[int, str]] = []
    tops = {m.split(".")[0] for m in PROJECT_MODULES}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in tops:
                    continue
                if any(_private(p) for p in alias.name.split(".")) and not _may_use_private_module(here, alias.name):
                    found.append((node.lineno, f"import {alias.name}"))
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module in PROJECT_MODULES:
            if any(_private(p) for p in node.module.split(".")) and not _may_use_private_module(here, node.module):
                found.append((node.lineno, f"from {node.module} import ..."))
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in PROJECT_MODULES:  # a module of a package
                    aliases[alias.asname or alias.name] = full
                    if _private(alias.name) and not _may_use_private_module(here, full):
                        found.append((node.lineno, f"from {node.module} import {alias.name}"))
                elif _private(alias.name):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
    return aliases, found


def private_uses_in(source: str, here: str) -> list[tuple[int, str]]:
    """Each ``from x import _name``, ``import x._y`` and ``x._name`` of a project module ``x``
    in the source of module ``here`` (dotted), as (line, what)."""
    tree = ast.parse(source)
    aliases, found = _bindings(tree, here)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = ast.unparse(node.value)
            head, *rest = base.split(".")
            if head not in aliases:
                continue
            target = ".".join([aliases[head], *rest])
            full = f"{target}.{node.attr}"
            if target not in PROJECT_MODULES or target == here:
                continue
            if full in PROJECT_MODULES and _may_use_private_module(here, full):
                continue
            found.append((node.lineno, f"{base}.{node.attr}"))
    return sorted(found)


def test_the_private_name_scan_finds_what_it_should():
    source = (
        "from core.settings import _from_environment, get_settings\n"
        "from geo import _streams\n"
        "import core.settings as cs\n"
        "import geo.police_uk\n"
        "from esda.getisord import _infer_star_and_structure_w\n"
        "x = cs._current\n"
        "y = get_settings()._private_field\n"
        "z = geo.police_uk._block\n"
        "w = cs.__name__\n"
    )
    assert [what for _, what in private_uses_in(source, "tests.unit.ui.test_probe")] == [
        "from core.settings import _from_environment",
        "from geo import _streams",
        "cs._current",
        "geo.police_uk._block",
    ]
    # a private module serves its own package and its package's tests
    assert private_uses_in("from geo import _streams\nfrom geo._arrow import dictionary_parts\n", "geo.ingest") == []
    assert private_uses_in("from geo import _streams\n", "tests.unit.geo.test_streams") == []


def test_no_module_imports_another_modules_private_names():
    found = [
        f"{path.relative_to(REPO_DIR)}:{line}: {what}"
        for path in python_files()
        for line, what in private_uses_in(path.read_text(encoding="utf-8"), dotted(path))
    ]
    assert found == [], "private names used outside their module:\n" + "\n".join(found)


# ---------------------------------------------------------------- (d) short functions
def _has_note(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A ``# long function: why`` comment on the line above the function (or its decorators),
    or in its first lines: up to its first statement after the docstring."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    body = node.body
    first = (
        body[1]
        if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
        else body[0]
    )
    return any(LONG_NOTE in line.split("#", 1)[1] for line in lines[max(start - 2, 0) : first.lineno] if "#" in line)


def code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """A function's length without its docstring: from ``def`` to its last line, less the
    docstring's lines (numpydoc docstrings are wanted, and should not push code apart)."""
    length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        length -= first.end_lineno - first.lineno + 1  # type: ignore[operator]
    return length


def long_functions() -> list[str]:
    """``module.function`` for each function whose code is longer than the limit, without a note."""
    found = []
    for package in PACKAGES:
        for path in modules(package):
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            for node in ast.walk(ast.parse(text)):
                long = (
                    isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and code_lines(node) > MAX_FUNCTION_LINES
                )
                if long and not _has_note(lines, node):  # type: ignore[arg-type]
                    found.append(f"{dotted(path)}.{node.name}")  # type: ignore[union-attr]
    return found


def test_the_length_rule_sees_a_note_above_or_in_the_first_lines():
    def parse(source: str) -> tuple[list[str], ast.FunctionDef]:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.FunctionDef)
        return source.splitlines(), node

    body = "    x = 1\n" * 70
    assert not _has_note(*parse("def f():\n" + body))
    assert _has_note(*parse("# long function: one table built column by column\ndef f():\n" + body))
    assert _has_note(*parse('def f():\n    """Doc."""\n    # long function: a flat list of checks\n' + body))
    assert not _has_note(*parse("def f():\n" + body + "    # long function: too late\n"))


#: Functions still over the limit, to be split into named steps: the list only shrinks. A
#: new long function fails the test below, and so does a name here that is no longer long.
KNOWN_LONG: frozenset[str] = frozenset()  # every long function has been split


def test_no_new_function_is_longer_than_60_lines_without_a_note_saying_why():
    offenders = set(long_functions())
    assert offenders <= KNOWN_LONG, (
        f"functions whose code is over {MAX_FUNCTION_LINES} lines: split them into named steps, or put a "
        f"'# {LONG_NOTE} <why>' comment above or in their first lines:\n" + "\n".join(sorted(offenders - KNOWN_LONG))
    )
    assert offenders >= KNOWN_LONG, "split since: take off KNOWN_LONG: " + ", ".join(sorted(KNOWN_LONG - offenders))


def test_the_length_rule_counts_code_not_the_docstring():
    doc = '    """' + "Doc line.\n" * 30 + '    """\n'
    node = ast.parse("def f():\n" + doc + "    x = 1\n" * 50).body[0]
    assert isinstance(node, ast.FunctionDef) and code_lines(node) == 51


def test_a_deliberate_circle_between_sibling_modules_fails_the_import_contracts(tmp_path: Path):
    """``make lint`` runs lint-imports; its acyclic_siblings contract fails on any circle
    inside a package (ui.session -> ui.cache -> ui.exports -> ui.download -> ui.session)."""
    import shutil
    import subprocess
    import sys

    for package in (*PACKAGES, "pages"):
        shutil.copytree(REPO_DIR / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_DIR / ".importlinter", tmp_path / ".importlinter")
    lint = Path(sys.executable).with_name("lint-imports")
    kept = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True)
    assert kept.returncode == 0, kept.stdout[-2000:]
    session = tmp_path / "ui" / "session.py"
    session.write_text(session.read_text(encoding="utf-8") + "\nfrom ui import cache  # noqa: E402, F401\n")
    broken = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True)
    assert broken.returncode != 0 and "No cycles are allowed in ui" in broken.stdout
