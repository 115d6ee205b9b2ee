"""The extractor's version and the build's code version name every module their output is made
by: a module they import that is in neither digest and not named below as unable to change
what they make fails here, so that a change to it cannot leave stale cached results or a
warehouse a no-change night keeps (the build compares its inputs' fingerprint, which holds
both versions)."""

from __future__ import annotations

from pathlib import Path

from pipelines.core.code_digest import ROOT, import_closure
from pipelines.document.version import _SOURCES
from pipelines.stages.steps import _BUILD_CODE

# Imported, and unable to change a fact, a table or a finding: packages' __init__, the digest
# and GC helpers, the lake's file access, the version module itself, and the crawl package's
# fetching modules (its __init__ loads them when the build imports crawl.titles).
CANNOT_CHANGE_OUTPUT = {ROOT / p for p in (
    "pipelines/__init__.py", "pipelines/core/__init__.py", "pipelines/document/__init__.py",
    "pipelines/crawl/__init__.py", "pipelines/core/code_digest.py", "pipelines/core/collector.py",
    "pipelines/core/lake.py", "pipelines/document/version.py",
    *(f"pipelines/crawl/{m}.py" for m in ("crawler", "detail", "fetch", "hanweb", "history",
                                          "jsonapi", "listing", "models", "options", "robots")))}

# What turns documents into the warehouse and its findings (the build, publish and checks steps
# call these).
BUILD_ENTRIES = ("pipelines.load.build", "pipelines.load.warehouse", "pipelines.load.export",
                 "pipelines.load.corrections", "pipelines.load.crawl_log", "pipelines.checks.suite",
                 "pipelines.checks.schema", "pipelines.core.sources", "pipelines.document.results")


def _closure(*names: str) -> set[Path]:
    return {p for name in names for p in import_closure(name)}


def test_the_extractor_version_covers_every_module_the_extractor_imports():
    missing = _closure("pipelines.document.document", "pipelines.document.scanned") \
        - set(_SOURCES) - CANNOT_CHANGE_OUTPUT
    assert not missing, sorted(str(p.relative_to(ROOT)) for p in missing)


def test_the_build_code_version_covers_every_module_the_build_imports():
    missing = _closure(*BUILD_ENTRIES) - set(_BUILD_CODE) - set(_SOURCES) - CANNOT_CHANGE_OUTPUT
    assert not missing, sorted(str(p.relative_to(ROOT)) for p in missing)
    # The entries are the pipeline's: the definitions load each of them.
    assert {n.replace(".", "/") for n in BUILD_ENTRIES} <= {
        str(p.relative_to(ROOT).with_suffix("")) for p in _closure("pipelines.orchestration.build")}


# Third-party packages the extractor imports that do not read documents (arrays, models).
NOT_READERS = {"numpy", "pydantic"}


def test_the_extractor_version_names_every_library_the_extractor_reads_with():
    import ast
    import re
    import sys
    from importlib.metadata import packages_distributions

    from pipelines.core.code_digest import import_statements
    from pipelines.document.version import READERS

    tops = set()
    for path in _closure("pipelines.document.document", "pipelines.document.scanned"):
        for node in import_statements(path.read_text(encoding="utf-8")):
            if isinstance(node, ast.Import):
                tops.update(a.name.split(".")[0] for a in node.names)
            elif node.module and not node.level:
                tops.add(node.module.split(".")[0])
    third = {t for t in tops if t not in sys.stdlib_module_names and t not in ("pipelines", "assets")}
    dists = packages_distributions()
    canonical = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731 (PEP 503)
    named = {canonical(d) for t in third for d in dists.get(t, [t])} - NOT_READERS
    assert named <= {canonical(d) for d in READERS}, sorted(named - set(READERS))


def test_a_readers_new_release_is_a_new_extractor_version_and_another_package_is_not(monkeypatch):
    from pipelines.document import version as v

    assert v.extractor_version() == v.EXTRACTOR_VERSION
    real = v.version
    monkeypatch.setattr(v, "version", lambda d: "0.0.1" if d == "dagster" else real(d))
    assert v.extractor_version() == v.EXTRACTOR_VERSION
    monkeypatch.setattr(v, "version", lambda d: "99.0" if d == "pypdfium2" else real(d))
    assert v.extractor_version() != v.EXTRACTOR_VERSION
