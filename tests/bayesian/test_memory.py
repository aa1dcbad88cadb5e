"""Fitting many new datasets in one process does not grow memory: the compiled model of a shape
is reused, and nothing is kept per fit."""

import gc
import warnings

import numpy as np
import pandas as pd

import bayes_beta as bb


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


def _frame(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 60 + seed % 7  # a new dataset each time, of varying length
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(n, 3)) * 0.02, index=idx, columns=["y", "a", "b"])


def test_fifty_new_datasets_in_one_process_keep_memory_flat():
    kw = dict(draws=20, tune=30, chains=1, progress=False, check=False)
    rss = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(50):
            fit = bb.fit(_frame(i), "y", ["a", "b"], seed=i, **kw)
            assert fit.tree["posterior"].sizes["draw"] == 20
            del fit
            if i in (0, 9, 49):
                gc.collect()
                rss.append(_rss_mb())
    growth = (rss[2] - rss[1]) / 40  # after the first few fits (compilation, caches)
    print(f"resident memory {rss[0]:.0f} MB after the first fit, {rss[1]:.0f} MB after 10, "
          f"{rss[2]:.0f} MB after 50: {growth:.2f} MB per fit")
    assert growth < 5.0
