"""Sphinx configuration of the bayes_beta documentation.

Build (from the repository root)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

The notebooks in ``notebooks/`` are shipped executed; they are copied into ``docs/notebooks/``
at build time and rendered with their stored outputs (nothing is executed here: the test
suite executes each with small draws).
"""

import shutil
from pathlib import Path

import bayes_beta

ROOT = Path(__file__).resolve().parents[1]

# the shipped notebooks, rendered from their stored outputs
_NB_DIR = Path(__file__).parent / "notebooks"
_NB_DIR.mkdir(exist_ok=True)
for _nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
    shutil.copyfile(_nb, _NB_DIR / _nb.name)

# the API reference: one page per subpackage, listing every name of its ``__all__`` (names
# also exported at the top level are documented once, under ``bayes_beta.<name>``)
API_PAGES = {
    "data": "Data: frames, design, shipped datasets",
    "specs": "Specs: state-space matrices, priors, model files",
    "kalman": "Kalman: filter, smoother, path draws, simulation",
    "bayesian": "Bayesian: the PyMC model, sampling, Fit and FitSet",
    "classical": "Classical layer: KalmanSpec, KalmanEngine, MLE, lag smoother",
    "evaluate": "Evaluate: comparison, checks, backtest, calibration",
    "plots": "Plots",
    "report": "Reports",
}
SUBPACKAGES = ("bayesian", "classical", "evaluate", "plots", "report")


def _api_pages() -> None:
    import importlib
    import types

    api = Path(__file__).parent / "api"
    top = [n for n in bayes_beta.__all__ if n not in SUBPACKAGES and n != "__version__"]

    def listing(module, names):
        """An autosummary of the routines, classes and modules; a ``py:data`` entry (value and
        the ``#:`` comment above its assignment) per constant."""
        routines, constants, modules = [], [], []
        for name in names:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                modules.append(name)
            elif callable(obj):
                routines.append(name)
            else:
                constants.append(name)
        out = []
        if routines or modules:
            out += [".. autosummary::", "   :toctree: generated/", ""]
            out += [f"   {n}" for n in routines + modules] + [""]
        for name in constants:
            value = repr(getattr(module, name))
            value = value if len(value) < 300 else value[:300] + " ..."
            text = _constant_doc(name) or f"A constant of :mod:`{module.__name__}`."
            out += [f".. py:data:: {name}", f"   :module: {module.__name__}",
                    f"   :value: {value}", "", f"   {text}", ""]
        return out

    lines = ["The top-level namespace: ``import bayes_beta as bb``", "=" * 52, "",
             ".. automodule:: bayes_beta", "   :no-members:", "", ".. currentmodule:: bayes_beta",
             "", *listing(bayes_beta, top)]
    (api / "bayes_beta.rst").write_text("\n".join(lines), encoding="utf-8")
    for sub, title in API_PAGES.items():
        module = importlib.import_module(f"bayes_beta.{sub}")
        names = [n for n in module.__all__ if n not in top]
        shared = [n for n in module.__all__ if n in top]
        lines = [title, "=" * len(title), "", f".. automodule:: bayes_beta.{sub}",
                 "   :no-members:", "", f".. currentmodule:: bayes_beta.{sub}", ""]
        if shared:
            refs = ", ".join(f":obj:`bayes_beta.{n}`" for n in shared)
            lines += [f"Also here, documented at the top level: {refs}.", ""]
        lines += listing(module, names)
        (api / f"{sub}.rst").write_text("\n".join(lines), encoding="utf-8")


def _constant_doc(name: str) -> str:
    """The ``#:`` comment lines just above ``name = ...`` in the package's sources."""
    import re

    pattern = re.compile(rf"((?:^[ ]*#:.*\n)+)^{name}\s*(?::[^=]+)?=", re.MULTILINE)
    for path in sorted((ROOT / "bayes_beta").rglob("*.py")):
        found = pattern.search(path.read_text(encoding="utf-8"))
        if found:
            return " ".join(line.strip()[2:].strip() for line in found.group(1).splitlines())
    return ""


_api_pages()

project = "bayes_beta"
author = "the bayes_beta developers"
copyright = "2026, the bayes_beta developers"
release = bayes_beta.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from _static/mathjax/, not a CDN
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "sphinx_design",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
# the included benchmark reports start at ### under their own title
suppress_warnings = ["myst.header"]
nitpicky = True  # every cross-reference must resolve
templates_path = ["_templates"]

# notebooks: shown as stored (executed at full settings), never run during the build
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# equations render offline: MathJax 3 ships with the site (``sphinx-mathjax-offline`` copies it
# to ``_static/mathjax/`` once the build succeeds); every page that has maths loads this file
mathjax_path = "mathjax/tex-chtml.js"

# API reference: one page per public name, generated from the docstrings
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "undoc-members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"bayes_beta {release}"
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []


def _resolve_alias(app, env, node, contnode):
    """Resolve a Python reference written under another path of the same object: a name
    re-exported at the top level (``bayes_beta.evaluate.backtest`` is documented as
    ``bayes_beta.backtest``), or written without its module (``StateSpace``, ``Fit.bands``).
    A reference to something that exists but has no page of its own (an internal module or
    constant) is shown as code without a link. Anything else stays unresolved, and with
    ``nitpicky`` the build fails on it."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    if target.startswith("bb."):
        target = "bayes_beta." + target[3:]
    module, rest = _split(target)
    domain = env.get_domain("py")
    parts = rest.split(".")
    matches = sorted(full for full in domain.objects if full.startswith("bayes_beta")
                     and full.split(".")[-len(parts):] == parts)
    if matches:
        preferred = [f"bayes_beta.{rest}", f"{module}.{rest}"]
        chosen = next((m for m in preferred if m in matches), min(matches, key=len))
        return domain.resolve_xref(env, node.get("refdoc"), app.builder, node["reftype"],
                                   chosen, node, contnode)
    if _exists(module, rest) or _exists(node.get("py:module"), target):
        return contnode
    return None


def _split(target: str) -> tuple[str, str]:
    """``(longest importable bayes_beta module prefix, the rest)`` of a dotted target."""
    import importlib

    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        if not name.startswith("bayes_beta"):
            break
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        return name, ".".join(parts[i:])
    return "", target


def _exists(module: str | None, rest: str) -> bool:
    """Whether ``module.rest`` names a Python object (``rest`` empty: the module itself)."""
    import importlib

    if not module:
        return False
    try:
        obj = importlib.import_module(module)
    except ImportError:
        return False
    for attr in filter(None, rest.split(".")):
        if not hasattr(obj, attr):
            return False
        obj = getattr(obj, attr)
    return True


def setup(app):
    app.connect("missing-reference", _resolve_alias)
