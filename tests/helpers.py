"""Helpers shared by the tests."""

import numpy as np


def max_rel_diff(a, b) -> float:
    """``max|a - b| / max|b|``: the relative difference used for reference comparisons."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.max(np.abs(b))
    return float(np.max(np.abs(a - b)) / (scale if scale > 0 else 1.0))
