"""contracts.core must not import the layers that sit on top of it."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "contracts" / "core"
FORBIDDEN = ("cli", "pytest_plugin", "plugin", "proxy", "mock", "report", "runner")


def test_core_imports_nothing_from_upper_layers() -> None:
    offenders = []
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level >= 2:  # from ..x import y
                    names.append(module.split(".")[0])
                elif module.startswith("contracts."):
                    names.append(module.split(".")[1])
            elif isinstance(node, ast.Import):
                names += [a.name.split(".")[1] for a in node.names if a.name.startswith("contracts.")]
            offenders += [f"{path.name}: {n}" for n in names if n in FORBIDDEN]
    assert offenders == []


def _imports() -> dict[str, set[str]]:
    """Module -> the contracts modules it imports anywhere (functions and TYPE_CHECKING blocks included)."""
    src = CORE.parents[1]
    modules = {}
    for path in (src / "contracts").rglob("*.py"):
        name = ".".join(path.relative_to(src).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                for target in [base, *(f"{base}.{a.name}" for a in node.names)]:
                    if target in modules and target != name:
                        graph[name].add(target)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules and a.name != name)
    graph["contracts"] = set()  # the package root only re-exports, lazily
    return graph


def test_no_import_circles() -> None:
    """Not even through TYPE_CHECKING imports: lower modules ask for structural types (core/protocols.py)."""
    graph = _imports()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_proxy_is_a_top_layer() -> None:
    """contracts.proxy may use the layers below it; none of them (nor the mock) imports it, and it never
    imports the entry points: the CLI and the plugin call it, not the other way round."""
    graph = _imports()
    below = [m for m in graph if m.split(".")[1:2] and m.split(".")[1] in ("core", "runner", "report", "mock")]
    assert sorted(m for m in below for t in graph[m] if t.startswith("contracts.proxy")) == []
    proxy = [m for m in graph if m.startswith("contracts.proxy")]
    assert proxy, "no contracts.proxy modules found"
    assert sorted((m, t) for m in proxy for t in graph[m]
                  if t.startswith(("contracts.cli", "contracts.plugin", "contracts.pytest_plugin"))) == []
