"""``KalmanSpec``: the seed notebook's chainable builder of a classical (point-estimate) model.

    beta_t = T beta_{t-1} + eta_t,   eta_t ~ N(0, Q)        K exposures, T = I by default
    y_t    = H_t beta_t + eps_t,     eps_t ~ N(0, R)        one return per step
    beta_0 ~ N(b0, P0)

Each setter fills one piece from a documented heuristic or from maximum likelihood and returns
the spec itself, so calls chain::

    spec = (KalmanSpec(K=2, name="Simple Model")
            .estimate_initial_state(H, y)       # b0, P0 from OLS
            .set_Q_from_factor_vols(H)          # Q from the factor volatilities
            .estimate_R_from_ols(H, y))         # R from the OLS residual variance

The values are plain read-only arrays (``spec.Q``, ``spec.R``, ``spec.b0``, ``spec.P0``;
``None`` until set); :meth:`KalmanSpec.to_state_space` gives the validated
:class:`bayes_beta.StateSpace` that the filter runs on.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from bayes_beta.classical.frames import frame_arrays
from bayes_beta.classical.mle import fit_noise_mle
from bayes_beta.data.regression import ols
from bayes_beta.errors import DataError, SpecError
from bayes_beta.specs.statespace import StateSpace, check_psd

__all__ = ["DEFAULT_Q_SCALE", "KalmanSpec"]

#: Default ``c`` of :meth:`KalmanSpec.set_Q_from_factor_vols`: per-step drift sd = c beta units.
DEFAULT_Q_SCALE = 0.02


def _matrix(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.array(value, dtype=float)
    if arr.ndim == 0 and shape == (1, 1):
        arr = arr.reshape(1, 1)
    if arr.shape != shape:
        raise SpecError(f"{name} must have shape {shape}; got {arr.shape}.")
    if not np.isfinite(arr).all():
        raise SpecError(f"{name} has a non-finite entry; use finite numbers.")
    if arr.ndim == 2:
        check_psd(name, arr)
    arr.setflags(write=False)
    return arr


def _fingerprint(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else np.ascontiguousarray(p).tobytes())
    return h.hexdigest()


class KalmanSpec:
    """A named, mutable specification of a time-varying regression with ``K`` exposures.

    Parameters
    ----------
    K : number of exposures (factor columns).
    name : the model name shown in tables and plots.
    T : (K, K) transition matrix; default ``I`` (random-walk exposures).

    Attributes ``Q, R, b0, P0`` start as ``None``; ``mle`` holds the last
    :class:`~bayes_beta.classical.mle.MLEResult`; ``sources`` says which rule set each piece.
    """

    def __init__(self, K: int, name: str = "Kalman model", T=None) -> None:
        if isinstance(K, bool) or not isinstance(K, int | np.integer) or K < 1:
            raise SpecError(f"K must be a positive integer (the number of factors); got {K!r}.")
        self.K = int(K)
        self.name = str(name)
        self.T = _matrix("T", np.eye(self.K) if T is None else T, (self.K, self.K))
        self.Q: np.ndarray | None = None
        self.R: np.ndarray | None = None
        self.b0: np.ndarray | None = None
        self.P0: np.ndarray | None = None
        self.y_sd: float | None = None  # sd(y) seen by the last data-based setter
        self.mle = None
        self._mle_key: str | None = None
        self.sources: dict[str, str] = {}

    # ------------------------------------------------------------------ data checks
    def _H(self, H) -> np.ndarray:
        H = np.array(H.to_numpy(dtype=float) if isinstance(H, pd.DataFrame) else H, dtype=float)
        if H.ndim == 1 and self.K == 1:
            H = H[:, None]
        if H.ndim != 2 or H.shape[1] != self.K:
            raise SpecError(
                f"H must have shape (n, K) = (n, {self.K}) for the spec {self.name!r}; got "
                f"{H.shape}. Pass the same factor columns the spec was made for, or "
                f"KalmanSpec(K={H.shape[-1] if H.ndim else 1})."
            )
        return H

    def _yH(self, H, y) -> tuple[np.ndarray, np.ndarray]:
        H = self._H(H)
        y = np.array(
            y.to_numpy(dtype=float) if isinstance(y, pd.Series | pd.DataFrame) else y, dtype=float
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(y) != len(H):
            raise DataError(
                f"y must be (n,) or (n, 1) with n = {len(H)} rows like H; got {y.shape}."
            )
        return H, y

    # ------------------------------------------------------------------ heuristics
    def estimate_initial_state(self, H, y, *, window: int | None = None, inflate: float = 1.0):
        """``b0`` and ``P0`` from OLS of ``y`` on ``H`` (the seed's rule).

        ``b0 = (H'H)^-1 H'y`` and ``P0 = inflate * s2 (H'H)^-1`` with
        ``s2 = SSE / (n - K)``, over the first ``window`` complete rows (default: all rows, as
        in the seed; the filtered exposures then start from a full-sample estimate).
        """
        H, y = self._yH(H, y)
        if window is not None:
            rows = np.flatnonzero(np.isfinite(y) & np.isfinite(H).all(axis=1))[: int(window)]
            H, y = H[rows], y[rows]
        if not inflate > 0:
            raise SpecError(f"inflate must be positive; got {inflate}.")
        b, cov, _, _ = ols(H, y)
        self.set_initial_state(b, inflate * cov)
        self.sources.update(b0="ols", P0="ols")
        self._remember_y(y)
        return self

    def set_initial_state(self, b0, P0):
        """Set ``beta_0 ~ N(b0, P0)`` directly (``b0`` (K,), ``P0`` (K, K) symmetric PSD)."""
        self.b0 = _matrix("b0", np.ravel(b0), (self.K,))
        self.P0 = _matrix("P0", P0, (self.K, self.K))
        self.sources.update(b0="user", P0="user")
        return self

    def set_Q_from_factor_vols(self, H, y=None, *, scale: float = DEFAULT_Q_SCALE):
        """``Q = diag((c sd(y) / sd(H_k))^2)`` with ``c = scale`` (default 0.02).

        ``sd(y) / sd(H_k)`` is the size of a beta that would explain all of ``y``'s variation
        with factor ``k`` (the "beta unit"), so the per-step drift sd of exposure ``k`` is
        ``c`` such units: a volatile factor gets a small drift, a quiet one a large drift, and
        the rule gives the same model in percent or in decimals. ``y`` defaults to the target
        seen by :meth:`estimate_initial_state` or :meth:`estimate_R_from_ols`.
        """
        H = self._H(H)
        if y is not None:
            _, y = self._yH(H, y)
            self._remember_y(y)
        if self.y_sd is None:
            raise SpecError(
                "set_Q_from_factor_vols needs sd(y): pass y=..., or call "
                "estimate_initial_state(H, y) first."
            )
        if not scale > 0:
            raise SpecError(f"scale must be positive; got {scale}.")
        sd_h = np.nanstd(H, axis=0)
        if np.any(sd_h == 0):
            k = int(np.flatnonzero(sd_h == 0)[0])
            raise DataError(f"Factor column {k} of H is constant; its beta unit is undefined.")
        self.Q = _matrix("Q", np.diag((scale * self.y_sd / sd_h) ** 2), (self.K, self.K))
        self.sources["Q"] = "factor_vols"
        return self

    def estimate_R_from_ols(self, H, y):
        """``R = [[SSE / (n - K)]]``: the residual variance of OLS of ``y`` on ``H``."""
        H, y = self._yH(H, y)
        _, _, s2, _ = ols(H, y)
        self.R = _matrix("R", [[s2]], (1, 1))
        self.sources["R"] = "ols"
        self._remember_y(y)
        return self

    def set_Q(self, Q):
        """Set ``Q`` directly ((K, K) symmetric PSD)."""
        self.Q = _matrix("Q", Q, (self.K, self.K))
        self.sources["Q"] = "user"
        return self

    def set_R(self, R):
        """Set ``R`` directly (a number or a (1, 1) matrix)."""
        self.R = _matrix("R", R, (1, 1))
        self.sources["R"] = "user"
        return self

    def _remember_y(self, y: np.ndarray) -> None:
        sd = float(np.nanstd(y))
        if not sd > 0:
            raise DataError("The target y is constant; there is nothing to explain.")
        self.y_sd = sd

    # ------------------------------------------------------------------ maximum likelihood
    def set_Q_from_mle(self, df, target_col, factor_cols, **options):
        """Set ``Q`` to its MLE; ``Q`` and ``R`` are estimated jointly (``R`` is left as it was).

        See :meth:`set_noise_from_mle` for the method and ``options``.
        """
        return self._mle(df, target_col, factor_cols, ("Q",), options)

    def set_R_from_mle(self, df, target_col, factor_cols, **options):
        """Set ``R`` to its MLE; ``Q`` and ``R`` are estimated jointly (``Q`` is left as it was)."""
        return self._mle(df, target_col, factor_cols, ("R",), options)

    def set_noise_from_mle(self, df, target_col, factor_cols, **options):
        """Set ``Q = diag(q)`` and ``R`` to their joint maximum-likelihood values.

        Maximises ``sum_t l_t`` of the Kalman filter over ``log q_k`` and ``log r`` with
        L-BFGS-B, exact gradients and several starts
        (:func:`bayes_beta.classical.mle.fit_noise_mle`; ``options`` are passed to it, e.g.
        ``n_starts=5``). ``T``, ``b0`` and ``P0`` are held fixed; unset ``b0, P0`` are first
        estimated by :meth:`estimate_initial_state` on the same data. A variance on the boundary
        (MLE sd ~ 0) raises a :class:`~bayes_beta.classical.BoundaryWarning`. The full result is
        kept in ``spec.mle``.
        """
        return self._mle(df, target_col, factor_cols, ("Q", "R"), options)

    def _mle(self, df, target_col, factor_cols, which, options):
        y, H, _ = frame_arrays(df, target_col, factor_cols, self.K)
        names = [factor_cols] if isinstance(factor_cols, str) else list(factor_cols)
        if self.b0 is None or self.P0 is None:
            self.estimate_initial_state(H, y)
            self.sources.update(b0="ols (for mle)", P0="ols (for mle)")
        self._remember_y(y)
        key = _fingerprint(y, H, self.T, self.b0, self.P0, repr(sorted(options.items())))
        if self.mle is not None and self._mle_key == key:
            result = self.mle  # the joint optimum on these data is known: no second run
        else:
            base = StateSpace(self.T, np.zeros((self.K, self.K)), 1.0, self.b0, self.P0)
            result = fit_noise_mle(y, H, base, names=[str(c) for c in names], **options)
            self.mle, self._mle_key = result, key
        if "Q" in which:
            self.Q = _matrix("Q", result.Q, (self.K, self.K))
            self.sources["Q"] = "mle"
        if "R" in which:
            self.R = _matrix("R", result.R, (1, 1))
            self.sources["R"] = "mle"
        return self

    # ------------------------------------------------------------------ output
    def missing(self) -> list[str]:
        """Names of the pieces not set yet (among ``Q, R, b0, P0``)."""
        return [n for n in ("Q", "R", "b0", "P0") if getattr(self, n) is None]

    def completed(self, H, y) -> KalmanSpec:
        """A copy with every unset piece filled from ``H, y`` by the default heuristics.

        ``b0, P0``: :meth:`estimate_initial_state`; ``Q``: :meth:`set_Q_from_factor_vols`;
        ``R``: :meth:`estimate_R_from_ols`. The spec itself is not changed.
        """
        out = self.copy()
        if out.b0 is None or out.P0 is None:
            out.estimate_initial_state(H, y)
        if out.R is None:
            out.estimate_R_from_ols(H, y)
        if out.Q is None:
            out.set_Q_from_factor_vols(H, y)
        return out

    def copy(self) -> KalmanSpec:
        """An independent copy (arrays are read-only, so they are shared safely)."""
        out = KalmanSpec(self.K, self.name, self.T)
        out.Q, out.R, out.b0, out.P0 = self.Q, self.R, self.b0, self.P0
        out.y_sd, out.mle, out.sources = self.y_sd, self.mle, dict(self.sources)
        out._mle_key = self._mle_key
        return out

    def to_state_space(self) -> StateSpace:
        """The validated :class:`bayes_beta.StateSpace` ``(T, Q, R, b0, P0)``."""
        missing = self.missing()
        if missing:
            hints = {
                "Q": "set_Q_from_factor_vols(H) or set_Q_from_mle(df, target, factors)",
                "R": "estimate_R_from_ols(H, y) or set_R_from_mle(df, target, factors)",
                "b0": "estimate_initial_state(H, y)",
                "P0": "estimate_initial_state(H, y)",
            }
            raise SpecError(
                f"KalmanSpec {self.name!r} has no {', '.join(missing)} yet; call "
                + "; ".join(dict.fromkeys(hints[m] for m in missing))
                + "."
            )
        return StateSpace(T=self.T, Q=self.Q, R=self.R, b0=self.b0, P0=self.P0)

    def __repr__(self) -> str:
        parts = [f"{n}={self.sources.get(n, 'unset')}" for n in ("b0", "P0", "Q", "R")]
        return f"KalmanSpec(K={self.K}, name={self.name!r}, {', '.join(parts)})"
