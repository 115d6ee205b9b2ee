"""A digest of source files: the version of the code a result is made by (the extractor's,
the build's, the reviewer's report's). A changed file, a file added or taken out: a new
digest.

`import_closure` finds the files a module depends on, by reading every `import` of the
project's own modules from the source (inside functions too, so a late import is not missed);
tests/unit/test_layers.py reads the import graph the same way.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]  # the repository: pipelines/, assets/, sql/
PACKAGES = ("pipelines", "assets")


def files_digest(paths: Iterable[Path], seed: str = "") -> str:
    """sha256 hex of `seed` and each existing file's name and bytes, in the order given."""
    h = hashlib.sha256(seed.encode())
    for path in paths:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Every module of the project's packages: dotted name → file (a package: its __init__)."""
    out = {}
    for top in packages:
        for path in (root / top).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


# An import statement at the start of a line (indented: inside a function), a parenthesised
# name list across lines. Each one found is parsed by `ast`; parsing only these, not the whole
# file, is ~20× faster (tests/unit/test_layers.py checks that both find the same imports).
_IMPORT = re.compile(r"^[ \t]*(from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)"
                     r"|import[ \t]+[^\n]*)", re.M)


def import_statements(source: str) -> list[ast.stmt]:
    """The `import` and `from … import` statements of a module's source, at any depth."""
    out = []
    for m in _IMPORT.finditer(source):
        try:
            out.extend(n for n in ast.parse(m.group(1)).body
                       if isinstance(n, (ast.Import, ast.ImportFrom)))
        except SyntaxError:  # a line of a docstring that starts like an import
            continue
    return out


def imports_of(name: str, path: Path, packages: tuple[str, ...] = PACKAGES,
               statements: list[ast.stmt] | None = None) -> set[str]:
    """The project modules (or names in them) that module `name` imports, at any depth.
    `statements`: the import statements to read (default: import_statements of its file)."""
    is_pkg = path.name == "__init__.py"
    if statements is None:
        statements = import_statements(path.read_text(encoding="utf-8"))
    found = set()
    for node in statements:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = name.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] in packages}


def import_closure(package: str, root: Path = ROOT) -> list[Path]:
    """The files of `package`'s modules and of every project module they import, directly or
    not (a module's parent packages too: importing it runs their __init__), sorted."""
    mods = modules(root)
    todo = [m for m in mods if m == package or m.startswith(package + ".")]
    seen = set(todo)
    while todo:
        name = todo.pop()
        for target in imports_of(name, mods[name]):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):  # a.b.c: the packages a and a.b run first
                dep = ".".join(parts[:i])
                if dep in mods and dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
    return sorted(mods[m] for m in seen)
