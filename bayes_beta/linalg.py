"""Small dense linear algebra shared by every layer: the PSD check and the PSD square root."""

from __future__ import annotations

import numpy as np

from bayes_beta.errors import SpecError

__all__ = ["check_psd", "psd_factor"]

_SYM_RTOL = 1e-8
_PSD_RTOL = 1e-10


def check_psd(name: str, M: np.ndarray) -> None:
    """Raise :class:`SpecError` unless ``M`` is symmetric positive semi-definite.

    Symmetry: ``max|M - M'| <= 1e-8 * max(1, max|M|)``; PSD: smallest eigenvalue
    ``>= -1e-10 * max(1, max|M|)``.
    """
    scale = max(1.0, float(np.max(np.abs(M)))) if M.size else 1.0
    asym = float(np.max(np.abs(M - M.T))) if M.size else 0.0
    if asym > _SYM_RTOL * scale:
        i, j = np.unravel_index(np.argmax(np.abs(M - M.T)), M.shape)
        raise SpecError(
            f"{name} must be symmetric: {name}[{i},{j}] = {M[i, j]:.6g} but "
            f"{name}[{j},{i}] = {M[j, i]:.6g}. Use ({name} + {name}.T) / 2."
        )
    w = np.linalg.eigvalsh(M) if M.size else np.zeros(0)
    if w.size and w.min() < -_PSD_RTOL * scale:
        raise SpecError(
            f"{name} must be positive semi-definite; its smallest eigenvalue is {w.min():.3g}. "
            f"A covariance matrix needs non-negative variances and |correlations| <= 1."
        )


def psd_factor(M: np.ndarray) -> np.ndarray:
    """A square factor ``A`` with ``A A' = M`` for a symmetric PSD ``M`` (also singular ones).

    Uses the eigendecomposition ``M = V diag(w) V'``, ``A = V diag(sqrt(max(w, 0)))``, so a zero
    variance (a static exposure) is allowed where a Cholesky factorisation would fail. ``M`` may
    carry leading batch axes (..., K, K), e.g. one matrix per posterior draw.
    """
    w, V = np.linalg.eigh(np.asarray(M, dtype=np.float64))
    return V * np.sqrt(np.clip(w, 0.0, None))[..., None, :]
