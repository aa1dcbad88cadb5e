"""Small batched linear-algebra helpers for the pytensor Kalman graphs (the reference).

Every helper broadcasts over leading batch axes (``...``), so the same filter code runs for one
parameter set or for a whole batch of posterior draws at once.
"""

from __future__ import annotations

import pytensor.tensor as pt


def mv(A, x):
    """Matrix-vector product ``A x`` over batch axes: ``(..., p, q) x (..., q) -> (..., p)``."""
    return (A * pt.shape_padaxis(x, -2)).sum(axis=-1)


def outer(a, b):
    """Outer product ``a b'`` over batch axes: ``(..., p), (..., q) -> (..., p, q)``."""
    return pt.shape_padaxis(a, -1) * pt.shape_padaxis(b, -2)


def sym(M):
    """Symmetrise ``M`` (symmetric up to round-off) exactly: ``mirror((M + M') / 2)``.

    The average gives the usual symmetric gradient; mirroring its lower triangle onto the upper
    one (``tril + tril(-1)'``, with 0/1 masks so it broadcasts over batch axes) makes the result
    bit-symmetric whatever order compiled code sums it in.
    """
    k = M.shape[-1]
    A = 0.5 * (M + M.mT)
    lower = pt.tri(k, k, 0, dtype="float64")
    strict = pt.tri(k, k, -1, dtype="float64")
    return A * lower + (A * strict).mT


def as_tensor(x, name: str):
    """A float64 tensor from a NumPy array, number or tensor."""
    if x is None:
        return None
    out = pt.as_tensor_variable(x, name=name)
    return out if out.dtype == "float64" else pt.cast(out, "float64")


def observation_mask(y, H):
    """Clean the data and mark what is observed.

    ``o[t, i] = 1`` when ``y[t, i]`` and every entry of ``H[t, i, :]`` are finite, else 0.
    Returns ``(y_c, H_c, o)``, where NaN entries and unobserved rows are replaced by zeros, so that
    an unobserved row contributes nothing to the update (no NaN ever reaches arithmetic).
    """
    o_bool = pt.and_(pt.invert(pt.isnan(y)), pt.invert(pt.any(pt.isnan(H), axis=-1)))
    o = pt.cast(o_bool, "float64")
    y_c = pt.switch(o_bool, y, 0.0)
    H_c = pt.switch(pt.shape_padaxis(o_bool, -1), pt.switch(pt.isnan(H), 0.0, H), 0.0)
    return y_c, H_c, o
