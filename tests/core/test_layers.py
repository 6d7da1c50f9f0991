"""The layers of docs/architecture.md ("Layers"): the import-linter contract in pyproject.toml holds, and no two
apps import each other, directly or round a longer circle. Imports inside functions count (grimp reads them
all, as import-linter does): an import moved into a function is still a dependency."""

import collections
import os
import subprocess
import sys
from pathlib import Path

import grimp

import tuijin

SRC = Path(tuijin.__file__).resolve().parent.parent
ROOT = SRC.parent

def app_graph() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """{app: {app it imports: [(importing module, imported module), …]}} over every module of tuijin."""
    graph = grimp.build_graph("tuijin")
    edges: dict[str, dict[str, list]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for module in graph.modules:
        if module.count(".") < 1:
            continue
        a = module.split(".")[1]
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("tuijin.") and imported.split(".")[1] != a:
                edges[a][imported.split(".")[1]].append((module, imported))
    return edges


def circles(edges) -> list[set[str]]:
    """The strongly connected components of more than one app (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(set(edges) | {w for targets in edges.values() for w in targets}):
        if v not in index:
            visit(v)
    return out


def test_no_two_apps_import_each_other():
    edges = app_graph()
    found = circles(edges)
    detail = []
    for comp in found:
        for a in sorted(comp):
            for b in sorted(comp & set(edges[a])):
                detail += [f"{a} → {b}: {m} imports {i}" for m, i in edges[a][b][:3]]
    assert not found, "apps that import one another (round a circle):\n" + "\n".join(detail)


def test_every_app_is_in_a_layer():
    """A new app (or module at the top of the package that imports apps) must be placed in the contract."""
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in contract["contracts"] if c["type"] == "layers")["layers"]
    named = {name.strip().removeprefix("tuijin.") for layer in layers for name in layer.replace("|", ":").split(":")}
    apps = {p.name for p in (SRC / "tuijin").iterdir() if (p / "__init__.py").exists()}
    assert apps <= named, f"apps in no layer: {sorted(apps - named)}"


def test_the_circle_finder_finds_a_circle_of_three():
    edges = {"a": {"b": []}, "b": {"c": []}, "c": {"a": []}, "d": {"a": []}}
    assert circles(edges) == [{"a", "b", "c"}]


def test_lint_imports_passes():
    """`lint-imports` with the contract in pyproject.toml, as `make lint` and CI run it."""
    exe = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout
