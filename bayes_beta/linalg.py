"""Small dense linear algebra shared by every layer: the PSD check and the PSD square root."""

from __future__ import annotations

import numpy as np

from bayes_beta.errors import SpecError

__all__ = ["check_psd", "psd_factor"]

_SYM_RTOL = 1e-8
_PSD_RTOL = 1e-10


def check_psd(name: str, M: np.ndarray) -> None:
    r"""Raise :class:`~bayes_beta.SpecError` unless ``M`` is symmetric positive semi-definite.

    With :math:`s = \max(1, \max |M|)`, ``M`` must be symmetric,
    :math:`\max |M - M'| \le 10^{-8} s`, and its smallest eigenvalue must be
    :math:`\ge -10^{-10} s`.

    Parameters
    ----------
    name : str
        How the matrix is called in the message (e.g. ``"Q"``).
    M : numpy.ndarray
        (K, K) matrix to check.

    Returns
    -------
    None
        Nothing: the function returns when ``M`` is symmetric PSD and raises otherwise.

    Raises
    ------
    bayes_beta.SpecError
        When ``M`` is not symmetric (naming the entries and the fix ``(M + M.T) / 2``) or not
        positive semi-definite (giving the smallest eigenvalue).

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.specs import check_psd
    >>> check_psd("Q", np.diag([1.0, 0.0])) is None
    True
    >>> check_psd("Q", np.array([[1.0, 2.0], [2.0, 1.0]]))
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: Q must be positive semi-definite; its smallest eigenvalue ...
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
    r"""A square factor ``A`` with ``A A' = M`` for a symmetric PSD ``M`` (also singular ones).

    Uses the eigendecomposition

    .. math::

        M = V \operatorname{diag}(w) V', \qquad A = V \operatorname{diag}(\sqrt{\max(w, 0)}),

    so a zero variance (a static exposure) is allowed where a Cholesky factorisation would fail.

    Parameters
    ----------
    M : array_like
        (..., K, K) symmetric positive semi-definite matrices; leading batch axes are allowed,
        e.g. one matrix per posterior draw.

    Returns
    -------
    numpy.ndarray
        (..., K, K) factors ``A`` with ``A @ A.T == M`` up to rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.specs import psd_factor
    >>> M = np.diag([4.0, 0.0])  # singular: np.linalg.cholesky would fail
    >>> A = psd_factor(M)
    >>> np.allclose(A @ A.T, M)
    True
    >>> psd_factor(np.stack([M, 2 * M])).shape
    (2, 2, 2)
    """
    w, V = np.linalg.eigh(np.asarray(M, dtype=np.float64))
    return V * np.sqrt(np.clip(w, 0.0, None))[..., None, :]
