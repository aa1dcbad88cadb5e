"""The documentation site builds with warnings as errors (``-m docs``; about a minute on two
cores) and holds a page for every public name and every shipped notebook, with its figures."""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bayes_beta as bb

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ("data", "specs", "kalman", "bayesian", "classical", "evaluate", "plots", "report")


def public_names() -> list[str]:
    """Every documented path: ``bayes_beta.<name>`` for the top level's names, else
    ``bayes_beta.<subpackage>.<name>``."""
    top = {n for n in bb.__all__ if n not in ("bayesian", "classical", "evaluate", "plots",
                                                "report", "__version__")}
    names = [f"bayes_beta.{n}" for n in sorted(top)]
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"bayes_beta.{sub}")
        names += [f"bayes_beta.{sub}.{n}" for n in module.__all__ if n not in top]
    return names


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built once for this module's tests, with warnings as errors."""
    tmp_path = tmp_path_factory.mktemp("docs")
    out = tmp_path / "html"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                          "html", "-d", str(tmp_path / "doctrees"), str(ROOT / "docs"), str(out)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-5000:]
    return out


@pytest.mark.docs
def test_docs_build_with_warnings_as_errors(site):
    out = site
    objects = (out / "objects.inv").read_bytes()
    assert len(objects) > 1000
    generated = {p.stem for p in (out / "api" / "generated").glob("*.html")}
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "api").glob("*.html"))
    for name in public_names():
        # routines, classes and modules have their own page; constants a py:data entry
        assert name in generated or f'id="{name}"' in pages, name
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        html = (out / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "<img" in html and ".png" in html, nb.name
    for page in ("getting_started", "design", "calibration", "guide/model", "guide/priors",
                 "guide/volatility", "guide/many_funds", "guide/forecasts", "guide/classical",
                 "guide/diagnostics", "benchmarks/backtest", "benchmarks/pooling"):
        assert (out / f"{page}.html").is_file(), page


@pytest.mark.docs
def test_docs_serve_mathjax_from_the_site(site):
    """Equations render offline: every page with maths loads MathJax from the site's
    ``_static/`` (the file is there), none from a CDN or any other URL."""
    script = re.compile(r"<script[^>]*\bsrc=\"([^\"]*mathjax[^\"]*)\"", re.IGNORECASE)
    remote = re.compile(r"(?:https?:)?//[^\"' ]*mathjax|cdn\.jsdelivr\.net/npm/mathjax",
                        re.IGNORECASE)
    pages = sorted(site.rglob("*.html"))
    loading = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(site).as_posix()
        assert not remote.search(html), f"{rel}: {remote.search(html).group(0)}"
        for src in script.findall(html):
            path = (page.parent / src).resolve()
            assert "/_static/" in path.as_posix(), f"{rel}: MathJax at {src}, not under _static"
            assert path.is_relative_to(site.resolve()) and path.is_file(), f"{rel}: {src} missing"
            loading += 1
    # the guide's model page is all equations; the notebooks and API pages have more
    assert "_static/mathjax/" in (site / "guide" / "model.html").read_text(encoding="utf-8")
    assert loading >= 10, loading
