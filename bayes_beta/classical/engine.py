"""``KalmanEngine``: run a :class:`KalmanSpec` on a DataFrame and collect per-step results.

The computation is :func:`bayes_beta.kalman_smoother` (the pytensor filter and smoother);
this module only turns its arrays into date-indexed pandas objects. Per step ``t``:

- ``exposures``       ``beta_{t|t}``, filtered (real-time) exposures; ``exposure_sd`` the
  square roots of ``diag P_{t|t}``; ``covariances`` ``P_{t|t}`` (n, K, K);
- ``smoothed``        ``beta_{t|n}`` from the smoother (all data), ``smoothed_sd``;
- ``residuals``       innovations ``v_t = y_t - H_t beta_{t|t-1}``; ``residual_var`` ``S_t``;
- ``loglik``          ``l_t = log p(y_t | y_{1:t-1})``;
- ``gains``           ``K_t`` (one column per factor); ``gain_norm`` ``||K_t||_2``;
- ``drift``           ``beta_{t|t} - beta_{t-1|t-1}`` per factor; ``drift_norm`` its norm
  ``||beta_{t|t} - beta_{t-1|t-1}||_2`` (``beta_{0|0} = b0`` for the first
  step, so a burned-in sample still has a drift at its first row);
- ``contributions``   ``H_{t,k} beta_{t|t,k}``.

Unobserved steps (NaN in ``y_t`` or ``H_t``) have NaN residuals, gains and log-likelihood
(the filter skips them: no update, ``l_t = 0`` in the total).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bayes_beta.classical.frames import frame_arrays
from bayes_beta.classical.spec import KalmanSpec
from bayes_beta.errors import DataError, SpecError
from bayes_beta.kalman.numeric import kalman_smoother
from bayes_beta.specs.statespace import StateSpace

__all__ = ["KalmanEngine", "KalmanResults", "results_list"]


@dataclass(frozen=True, eq=False)
class KalmanResults:
    """Per-step output of :meth:`KalmanEngine.run`, indexed by date (see the module docstring)."""

    model_name: str
    target: str
    factors: tuple[str, ...]
    y: pd.Series
    H: pd.DataFrame
    exposures: pd.DataFrame
    exposure_sd: pd.DataFrame
    covariances: np.ndarray
    smoothed: pd.DataFrame
    smoothed_sd: pd.DataFrame
    residuals: pd.Series
    residual_var: pd.Series
    loglik: pd.Series
    gains: pd.DataFrame
    gain_norm: pd.Series
    drift_norm: pd.Series
    drift: pd.DataFrame
    contributions: pd.DataFrame
    spec: StateSpace
    burn: int = 0
    filled: tuple[str, ...] = field(default=())

    @property
    def index(self) -> pd.DatetimeIndex:
        return self.exposures.index

    def rmse(self, window: int | None = 52) -> pd.Series:
        """Rolling RMSE of the innovations: ``sqrt(mean of v_s^2 over the last window steps)``.

        ``window=None`` gives the expanding RMSE ``sqrt(sum_{s<=t} v_s^2 / n_t)``. Unobserved
        steps are skipped (``min_periods=1``).
        """
        sq = self.residuals**2
        roll = sq.expanding(min_periods=1) if window is None else sq.rolling(window, min_periods=1)
        return np.sqrt(roll.mean()).rename("rmse")

    def __len__(self) -> int:
        return len(self.exposures)

    def __repr__(self) -> str:
        idx = self.index
        return (
            f"KalmanResults({self.model_name!r}: {self.target} on {list(self.factors)}, "
            f"{len(self)} steps {idx[0].date()}..{idx[-1].date()}, "
            f"loglik={np.nansum(self.loglik):.4g})"
        )


class KalmanEngine:
    """Runs a :class:`KalmanSpec` (or a :class:`bayes_beta.StateSpace`) on a DataFrame."""

    def __init__(self, spec: KalmanSpec | StateSpace, name: str | None = None) -> None:
        if isinstance(spec, StateSpace):
            if spec.m != 1 or spec.B is not None:
                raise SpecError("KalmanEngine runs one return per step without control input.")
            ks = KalmanSpec(spec.K, name or "Kalman model", spec.T)
            ks.set_Q(spec.Q).set_R(spec.R).set_initial_state(spec.b0, spec.P0)
            spec = ks
        if not isinstance(spec, KalmanSpec):
            raise SpecError(
                f"KalmanEngine needs a KalmanSpec or a StateSpace; got {type(spec).__name__}."
            )
        self.spec = spec
        self.name = name or spec.name

    def run(self, df: pd.DataFrame, target_col, factor_cols, burn: int = 0) -> KalmanResults:
        """Filter and smooth ``df[target_col]`` on ``df[factor_cols]``; drop the first ``burn`` rows.

        Pieces of the spec that are still unset are filled on these data by the default
        heuristics (:meth:`KalmanSpec.completed`; listed in ``results.filled``); the spec
        itself and ``df`` are not modified. ``burn`` rows are computed and then dropped from
        every output (they still shape the later estimates).
        """
        y, H, index = frame_arrays(df, target_col, factor_cols, self.spec.K)
        factors = tuple(
            str(c) for c in ([factor_cols] if isinstance(factor_cols, str) else factor_cols)
        )
        if isinstance(burn, bool) or not isinstance(burn, int | np.integer) or burn < 0:
            raise DataError(f"burn must be a non-negative integer; got {burn!r}.")
        if burn >= len(y):
            raise DataError(
                f"burn = {burn} drops every row: the data have {len(y)} rows. "
                f"Use burn < {len(y)}, e.g. burn=0."
            )
        missing = tuple(self.spec.missing())
        ss = self.spec.completed(H, y).to_state_space()
        out = kalman_smoother(y, H, ss)
        return _results(self.name, str(target_col), factors, y, H, index, ss, out, burn, missing)


def _results(name, target, factors, y, H, index, ss, out, burn, filled) -> KalmanResults:
    observed = np.isfinite(y) & np.isfinite(H).all(axis=1)
    beta = out.beta_filt
    prev = np.vstack([ss.b0[None, :], beta[:-1]])
    gains = np.where(observed[:, None], out.K[:, :, 0], np.nan)
    cols = list(factors)
    keep = slice(burn, None)

    def frame(a):
        return pd.DataFrame(a[keep], index=index[keep], columns=cols)

    def series(a, label):
        return pd.Series(a[keep], index=index[keep], name=label)

    def sd(P):
        return np.sqrt(np.clip(np.diagonal(P, axis1=1, axis2=2), 0.0, None))

    return KalmanResults(
        model_name=name,
        target=target,
        factors=factors,
        y=series(y, target),
        H=frame(H),
        exposures=frame(beta),
        exposure_sd=frame(sd(out.P_filt)),
        covariances=np.array(out.P_filt[keep]),
        smoothed=frame(out.beta_smooth),
        smoothed_sd=frame(sd(out.P_smooth)),
        residuals=series(out.v[:, 0], "residual"),
        residual_var=series(out.S[:, 0, 0], "residual_var"),
        loglik=series(np.where(observed, out.loglik_t, np.nan), "loglik"),
        gains=frame(gains),
        gain_norm=series(np.linalg.norm(gains, axis=1), "gain_norm"),
        drift_norm=series(np.linalg.norm(beta - prev, axis=1), "drift_norm"),
        drift=frame(beta - prev),
        contributions=frame(H * beta),
        spec=ss,
        burn=int(burn),
        filled=filled,
    )


def results_list(results) -> list[KalmanResults]:
    """One :class:`KalmanResults` or several, as a list (tables and plots take either)."""
    items = [results] if isinstance(results, KalmanResults) else list(results)
    if not items or not all(isinstance(r, KalmanResults) for r in items):
        raise DataError(
            "Pass a KalmanResults (from KalmanEngine(spec).run(...)) or a list of them."
        )
    return items
