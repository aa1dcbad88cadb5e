"""Layering: the pure-math modules import neither PyMC nor matplotlib."""

import subprocess
import sys


def test_filter_module_imports_neither_pymc_nor_matplotlib():
    code = (
        "import sys, bayes_beta, bayes_beta.kalman, bayes_beta.kalman.filter, "
        "bayes_beta.kalman.smoother, bayes_beta.numeric, bayes_beta.datasets\n"
        "bad = [m for m in ('pymc', 'matplotlib', 'arviz') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "assert 'pytensor' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
