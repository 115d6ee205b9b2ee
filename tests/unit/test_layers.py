"""The layers import only downward, and no module imports close a cycle.

    core ← crawl, parse ← normalise ← document ← load, checks ← report ← stages
         ← the Dagster face (orchestration, assets/) ← cli

Every `import` and `from … import` of the project's own packages is read from the source
(including imports inside functions), so a late import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast

from pipelines.core.code_digest import imports_of, modules

# package → rank; a module may import its own package or a package of a LOWER rank.
LAYERS = {
    "pipelines.core": 0,
    "pipelines.crawl": 1, "pipelines.parse": 1,
    "pipelines.normalise": 2,
    "pipelines.document": 3,
    "pipelines.load": 4, "pipelines.checks": 4,
    "pipelines.report": 5,
    "pipelines.stages": 6,
    # The Dagster face: definitions load the assets, the assets use its resources.
    "pipelines.orchestration": 7, "assets": 7,
    "pipelines.cli": 8,
}
DAGSTER_FACE = {"pipelines.orchestration", "assets"}


def layer_of(module: str) -> str | None:
    best = None
    for pkg in LAYERS:
        if module == pkg or module.startswith(pkg + "."):
            if best is None or len(pkg) > len(best):
                best = pkg
    return best


def graph() -> dict[str, set[str]]:
    """module → the project modules it imports (pipelines.core.code_digest reads them)."""
    mods = modules()
    return {name: {m for m in imports_of(name, path) if m in mods and m != name}
            for name, path in mods.items()}


def test_the_quick_import_scan_finds_what_a_whole_parse_finds():
    """imports_of parses only the import statements it finds by pattern: for every module of
    the project, the same imports as a walk over the whole syntax tree."""
    differ = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        every = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        if imports_of(name, path) != imports_of(name, path, statements=every):
            differ.append(name)
    assert not differ, f"modules whose imports the quick scan reads differently: {differ}"


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in modules() if m not in ("pipelines", "assets") and layer_of(m) is None)
    assert not unplaced, f"modules outside every layer (give them a folder in LAYERS): {unplaced}"


def test_imports_go_only_downward():
    wrong = []
    for mod, targets in graph().items():
        here = layer_of(mod)
        for target in targets:
            there = layer_of(target)
            if here is None or there is None or here == there:
                continue
            if {here, there} <= DAGSTER_FACE:
                continue
            if LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{mod} ({here}) imports {target} ({there})")
    assert not wrong, "imports that go up or sideways a layer:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    g = graph()
    # A package's __init__ re-exporting its own modules is not a cycle of dependencies.
    g = {m: {t for t in ts if not (m.startswith(t + ".") and t in g)} for m, ts in g.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_engine_never_imports_dagster():
    """Only the faces (orchestration, assets, cli) may import dagster."""
    wrong = []
    for name, path in modules().items():
        if layer_of(name) in DAGSTER_FACE | {"pipelines.cli"} or name in ("pipelines", "assets"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0].startswith("dagster") for n in names):
                wrong.append(name)
    assert not wrong, f"engine modules importing dagster: {sorted(set(wrong))}"
