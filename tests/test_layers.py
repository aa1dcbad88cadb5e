"""The import contract: layers with one-way dependencies, no cycles, no private imports.

Every module's imports are read from its source (``ast``), those inside functions included.
Layers and what each may import (besides itself and the bottom modules ``errors``, ``version``,
``linalg``)::

    data -> specs -> kalman -> plots -> classical -> bayesian -> evaluate -> report -> cli

(``plots`` only draws: it imports no other layer.) The package root and ``__main__`` are the
public facade and may import anything.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bayes_beta"
BOTTOM = {"errors", "version", "linalg"}
ALLOWED = {
    "data": set(),
    "specs": {"data"},
    "kalman": {"data", "specs"},
    "plots": set(),
    "classical": {"data", "specs", "kalman", "plots"},
    "bayesian": {"data", "specs", "kalman", "plots", "classical"},
    "evaluate": {"data", "specs", "kalman", "plots", "classical", "bayesian"},
    "report": {"data", "specs", "kalman", "plots", "classical", "bayesian", "evaluate"},
    "cli": {"data", "specs", "kalman", "plots", "classical", "bayesian", "evaluate", "report"},
}
FORBIDDEN_EXTERNAL = {  # third-party packages a layer must not import
    "data": {"pytensor", "pymc", "arviz", "arviz_stats", "matplotlib", "numba", "nutpie"},
    "specs": {"pytensor", "pymc", "arviz", "arviz_stats", "matplotlib", "numba", "nutpie"},
    "kalman": {"pymc", "arviz", "arviz_stats", "matplotlib", "nutpie"},
    "plots": {"pytensor", "pymc", "numba", "nutpie"},
    "classical": {"pymc", "arviz", "arviz_stats", "nutpie"},
}


def _module_name(path: Path) -> str:
    parts = ["bayes_beta", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(module: str):
    """``(imported module, imported name or None, line)`` for every import in ``module``,
    relative imports resolved; a ``from m import x`` of a submodule ``m.x`` names ``m.x``."""
    tree = ast.parse(MODULES[module].read_text())
    package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub, None, node.lineno) if sub in MODULES else (base, alias.name,
                                                                      node.lineno)


def _layer(module: str) -> str:
    parts = module.split(".")
    return "root" if len(parts) == 1 else parts[1]


def _edges():
    for module in MODULES:
        for target, name, line in _imports(module):
            yield module, target, name, line


def test_every_module_belongs_to_a_layer():
    layers = {_layer(m) for m in MODULES} - BOTTOM - {"root", "__main__"}
    assert layers == set(ALLOWED), layers ^ set(ALLOWED)


def test_no_upward_imports_between_layers():
    bad = []
    for module, target, _, line in _edges():
        src, dst = _layer(module), _layer(target)
        if not target.startswith("bayes_beta") or src in ("root", "__main__") or dst in BOTTOM:
            continue
        if dst != src and dst not in ALLOWED.get(src, set()):
            bad.append(f"{module}:{line} imports {target} ({src} -> {dst})")
        if dst == "root":
            bad.append(f"{module}:{line} imports the package root; import the module instead")
    assert not bad, "\n".join(bad)


def test_no_cycles_between_modules():
    graph = {m: set() for m in MODULES}
    for module, target, _, _ in _edges():
        if target in MODULES and target != module:
            graph[module].add(target)
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_names_from_other_modules():
    bad = []
    for module, target, name, line in _edges():
        if not target.startswith("bayes_beta") or target == module:
            continue
        if _private(name or "") or _private(target.rsplit(".", 1)[-1]):
            bad.append(f"{module}:{line} imports {target}{'.' + name if name else ''}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_EXTERNAL))
def test_layers_do_not_import_forbidden_libraries(layer):
    bad = []
    for module, target, _, line in _edges():
        if _layer(module) == layer and target.split(".")[0] in FORBIDDEN_EXTERNAL[layer]:
            bad.append(f"{module}:{line} imports {target}")
    assert not bad, "\n".join(bad)


def test_importing_the_math_loads_no_modelling_or_plotting_library():
    code = (
        "import sys, bayes_beta, bayes_beta.kalman, bayes_beta.kalman.graph, "
        "bayes_beta.kalman.fused_op, bayes_beta.kalman.propagate, bayes_beta.data, "
        "bayes_beta.specs\n"
        "bad = [m for m in ('pymc', 'matplotlib', 'arviz', 'nutpie') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "assert 'pytensor' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_contract_catches_what_it_forbids(tmp_path, monkeypatch):
    """The checks are not vacuous: an upward and a private import in a module are found."""
    fake = tmp_path / "mod.py"
    fake.write_text("from bayes_beta.bayesian.fit import _sample\n"
                    "def f():\n    from bayes_beta.report import fit_report\n")
    monkeypatch.setitem(MODULES, "bayes_beta.kalman.fake", fake)
    with pytest.raises(AssertionError, match="kalman -> bayesian"):
        test_no_upward_imports_between_layers()
    with pytest.raises(AssertionError, match="_sample"):
        test_no_private_names_from_other_modules()
    with pytest.raises(AssertionError, match="kalman -> report"):
        test_no_upward_imports_between_layers()
