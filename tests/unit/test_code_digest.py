"""What a code digest covers: import_closure follows a package's imports to every module it
depends on (imports inside functions and relative ones too), and the reviewer's report is
versioned by that closure, not by every file of the project."""

from __future__ import annotations

from pathlib import Path

from pipelines.core.code_digest import ROOT, import_closure


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_closure_follows_late_relative_and_parent_package_imports(tmp_path):
    _tree(tmp_path, {
        "pipelines/__init__.py": "",
        "pipelines/report/__init__.py": "from pipelines.report import page\n",
        "pipelines/report/page.py": ("def draw():\n"
                                     "    from pipelines.checks.rules import RULES  # late\n"
                                     "    return RULES\n"),
        "pipelines/checks/__init__.py": "",
        "pipelines/checks/rules.py": "from .labels import (\n    LABELS,\n)\nRULES = LABELS\n",
        "pipelines/checks/labels.py": "LABELS = {}\n",
        "pipelines/crawl/__init__.py": "",
        "pipelines/crawl/fetch.py": "from pipelines.checks import rules\n",  # imports in, not out
        "assets/__init__.py": "",
    })
    got = {str(p.relative_to(tmp_path)) for p in import_closure("pipelines.report", tmp_path)}
    assert got == {"pipelines/__init__.py", "pipelines/report/__init__.py",
                   "pipelines/report/page.py", "pipelines/checks/__init__.py",
                   "pipelines/checks/rules.py", "pipelines/checks/labels.py"}


def test_the_report_is_versioned_by_what_it_imports_and_the_views():
    from pipelines.report.data import code_files

    got = {str(p.relative_to(ROOT)) for p in code_files()}
    # its own modules, what evidence re-reads HTML with, a check imported inside a function,
    # and the SQL of the views it reads
    assert {"pipelines/report/render.py", "pipelines/report/evidence.py",
            "pipelines/normalise/sections.py", "pipelines/parse/html_tables.py",
            "pipelines/checks/suite.py", "pipelines/core/registry.py",
            "sql/views.sql"} <= got
    # what reaches a report only through the warehouse's rows (which its digest hashes)
    assert not {p for p in got if p.startswith(("pipelines/crawl/", "pipelines/orchestration/",
                                                "pipelines/cli/", "pipelines/stages/", "assets/"))}
    assert "pipelines/load/build.py" not in got and "pipelines/parse/pdf_tables.py" not in got
