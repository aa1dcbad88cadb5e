"""Every import path the documentation shows imports, and the paths earlier releases showed
still do.

The paths are read from ``README.md``, ``models/README.md``, ``docs/**/*.md``,
``docs/**/*.rst`` (the pages ``docs/conf.py`` generates excluded) and the notebooks' cells:

- ``import bayes_beta...`` and ``from bayes_beta... import a, b`` (parenthesised lists over
  several lines included), checked by running the statement;
- dotted names ``bayes_beta.<a>.<b>`` and attribute chains ``bb.<a>.<b>`` (the notebooks'
  ``import bayes_beta as bb``), up to a call or anything that is not a name, checked by
  importing the longest module prefix and looking up the rest as attributes.

All are checked in one fresh interpreter; a path that does not resolve fails the test with
every file and line that shows it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: paths earlier releases documented (before the datasets moved to ``bayes_beta.data``)
EARLIER = [
    "import bayes_beta.datasets",
    "from bayes_beta.datasets import load_example",
    "from bayes_beta.datasets import load_industries",
    "from bayes_beta.datasets import load_factors",
    "from bayes_beta.datasets import load_size_value",
    "from bayes_beta.datasets import load_treasury_yields",
    "from bayes_beta.datasets import load_dataset",
    "from bayes_beta.datasets import list_datasets",
    "bayes_beta.datasets.load_example",
    "bayes_beta.datasets.load_industries",
    "bayes_beta.datasets.load_factors",
    "bb.datasets.load_example",
]

_FROM = re.compile(r"(?<![\w.])from\s+(bayes_beta(?:\.\w+)*)\s+import\s+(\([^)]*\)|[^\n`#;\"']*)")
_IMPORT = re.compile(r"(?<![\w.])import\s+(bayes_beta(?:\.\w+)*(?:[ \t]+as[ \t]+\w+)?"
                     r"(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)")
_DOTTED = re.compile(r"(?<![\w./-])(bayes_beta|bb)((?:\.[A-Za-z_]\w*)+)(?![\w/-])")
_PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.)", re.MULTILINE)


def sources() -> list[Path]:
    """The documentation files whose paths are checked."""
    docs = ROOT / "docs"
    generated = {docs / "_build", docs / "api" / "generated", docs / "notebooks"}
    pages = [p for ext in ("md", "rst") for p in sorted(docs.rglob(f"*.{ext}"))
             if not any(g in p.parents for g in generated)
             and not (p.parent == docs / "api" and p.suffix == ".rst")]  # written by conf.py
    pages.append(docs / "notebooks" / "index.md")
    return [ROOT / "README.md", ROOT / "models" / "README.md", *pages,
            *sorted((ROOT / "notebooks").glob("*.ipynb"))]


def texts(path: Path):
    """``(label, text)`` pieces of a source: the whole file, or each notebook cell (labelled
    ``<file> cell <i>``), with lines counted from 1 within the piece."""
    rel = path.relative_to(ROOT).as_posix()
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            source = cell["source"]
            yield f"{rel} cell {i}", "".join(source) if isinstance(source, list) else source
    else:
        yield rel, path.read_text(encoding="utf-8")


def paths_in(text: str) -> list[tuple[str, int]]:
    """``(check, line)`` for every path shown in ``text``: a check is an import statement
    (``import m`` / ``from m import name``) or a dotted name ``bayes_beta.a.b``."""
    found = []
    spans = []

    def line(pos):
        return text.count("\n", 0, pos) + 1

    for m in _FROM.finditer(text):
        spans.append(m.span())
        names = _PROMPT.sub("", re.sub(r"#[^\n]*", "", m.group(2))).strip("()\\ \t\n")
        for item in names.split(","):
            name = item.strip(" \t\n\\()").split()
            if name and (name[0] == "*" or name[0].isidentifier()):
                found.append((f"from {m.group(1)} import {name[0]}", line(m.start())))
    for m in _IMPORT.finditer(text):
        spans.append(m.span())
        for item in m.group(1).split(","):
            module = item.split()[0]
            if module.split(".")[0] == "bayes_beta":
                found.append((f"import {module}", line(m.start())))
    for m in _DOTTED.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue  # the module of an import statement, checked by running it
        found.append(("bayes_beta" + m.group(2), line(m.start())))
    return found


def collect() -> dict[str, list[str]]:
    """Every check, with the ``file:line`` places that show it."""
    checks: dict[str, list[str]] = {}
    for path in sources():
        for label, text in texts(path):
            for check, line in paths_in(text):
                checks.setdefault(check, []).append(f"{label}, line {line}")
    for check in EARLIER:
        check = re.sub(r"^bb\.", "bayes_beta.", check)
        checks.setdefault(check, []).append("tests/test_import_paths.py EARLIER (earlier releases)")
    return checks


_CHECKER = r"""
import importlib, json, sys, traceback

def resolve(dotted):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name) and i > 1:
                continue  # no module of that name: an attribute of a shorter prefix
            raise
        for attr in parts[i:]:
            obj = getattr(obj, attr)  # AttributeError: does not resolve
        return obj

failures = {}
for check in json.load(sys.stdin):
    try:
        if check.startswith(("import ", "from ")):
            exec(check, {})
        else:
            resolve(check)
    except Exception as exc:
        failures[check] = f"{type(exc).__name__}: {exc}"
json.dump(failures, sys.stdout)
"""


def failing(checks) -> dict[str, str]:
    """``check -> error`` of the checks that fail, run in one fresh interpreter."""
    run = subprocess.run([sys.executable, "-c", _CHECKER], input=json.dumps(sorted(checks)),
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def report(failures: dict[str, str], checks: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {check!r} does not resolve ({error})"
                     for check, error in sorted(failures.items()) for where in checks[check])


def test_documented_import_paths_resolve():
    checks = collect()
    # the parser found what the documentation is known to show
    assert "import bayes_beta" in checks
    assert "bayes_beta.datasets.load_example" in checks
    assert any(c.startswith("from bayes_beta.classical import ") for c in checks)
    assert sum(c.startswith("from ") for c in checks) >= 10, sorted(checks)
    assert len(checks) >= 80, sorted(checks)
    failures = failing(checks)
    assert not failures, "\n" + report(failures, checks)


def test_parser_reads_statements_lists_and_chains():
    text = ("import bayes_beta as bb\n"
            "from bayes_beta.classical import (\n"
            "    KalmanSpec,  # the spec\n"
            "    KalmanEngine as Engine,\n"
            ")\n"
            ">>> from bayes_beta.data import make_design, validate_frame\n"
            "df = bb.datasets.load_example().iloc[-10:]  # `bayes_beta.Fit.bands`\n"
            "see `bayes_beta/data/datasets/data/NOTICE.md` and bayes_beta.egg-info\n")
    assert paths_in(text) == [
        ("from bayes_beta.classical import KalmanSpec", 2),
        ("from bayes_beta.classical import KalmanEngine", 2),
        ("from bayes_beta.data import make_design", 6),
        ("from bayes_beta.data import validate_frame", 6),
        ("import bayes_beta", 1),
        ("bayes_beta.datasets.load_example", 7),
        ("bayes_beta.Fit.bands", 7),
    ]


def test_a_path_that_does_not_resolve_fails_with_its_place():
    checks = {"from bayes_beta.datasets import load_nothing": ["README.md, line 3"],
              "import bayes_beta.nowhere": ["docs/x.md, line 5"],
              "bayes_beta.datasets.load_nothing": ["notebooks/x.ipynb cell 2, line 1"],
              "bayes_beta.datasets.load_example": ["README.md, line 9"]}
    failures = failing(checks)
    assert set(failures) == set(checks) - {"bayes_beta.datasets.load_example"}
    text = report(failures, checks)
    for where in ("README.md, line 3", "docs/x.md, line 5", "notebooks/x.ipynb cell 2, line 1"):
        assert where in text


def test_datasets_is_the_same_module_under_both_paths_and_import_stays_light():
    code = ("import sys\n"
            "import bayes_beta.datasets\n"
            "from bayes_beta.datasets import load_example\n"
            "import bayes_beta as bb, bayes_beta.data.datasets as d\n"
            "import bayes_beta.datasets.loaders\n"
            "assert sys.modules['bayes_beta.datasets'] is bb.datasets is d\n"
            "assert sys.modules['bayes_beta.datasets.loaders'] is d.loaders\n"
            "assert load_example is d.load_example\n"
            "heavy = [m for m in ('pymc', 'nutpie', 'arviz', 'matplotlib') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
