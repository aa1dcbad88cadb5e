"""Summary tables of :class:`~bayes_beta.classical.KalmanResults` with the seed's columns.

Both functions take one results object or a list of them (one row block per model, stacked)
and return a plain DataFrame of numbers: format it at display time, e.g.
``df.style.format(precision=4)``.

Notation: ``v_t`` innovations on the ``N`` observed steps, ``l_t`` per-step log-likelihoods,
``beta_t`` filtered exposures, ``K_t`` gains, ``H_t`` factor returns; means and standard
deviations run over the rows of the results (after ``burn``), skipping NaN; standard deviations
use ``ddof = 1`` (pandas' default).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from bayes_beta.classical.engine import KalmanResults, results_list

__all__ = [
    "DIAGNOSTIC_COLUMNS",
    "FACTOR_COLUMNS",
    "summarize_factor_dynamics",
    "summarize_model_diagnostics",
]

DIAGNOSTIC_COLUMNS = (
    "Model Name",
    "Target",
    "Date Range",
    "# Observations",
    "Final RMSE",
    "Mean RMSE",
    "Total SSE",
    "Cumulative Log-Likelihood",
    "Mean Gain Norm",
    "Mean Drift Norm",
)

FACTOR_COLUMNS = (
    "Model Name",
    "Factor",
    "Avg Beta",
    "Beta Std",
    "Final Beta",
    "Beta Z-Score",
    "Min Beta",
    "Max Beta",
    "Drift Volatility",
    "Mean Gain",
    "Avg Contribution",
    "Final Contribution",
)


def summarize_model_diagnostics(
    results: KalmanResults | Iterable[KalmanResults], window: int = 52
) -> pd.DataFrame:
    """One row per model with the seed's diagnostic columns.

    Notation: ``v_t`` innovations on the ``N`` observed steps, ``l_t`` per-step
    log-likelihoods, ``beta_t`` filtered exposures, ``K_t`` gains; means run over the rows of
    the results (after ``burn``), skipping NaN. The columns:

    ============================= ==================================================================
    Model Name, Target            the spec's name and the target column
    Date Range                    ``"first → last"`` date of the results (``YYYY-MM-DD``)
    # Observations                ``N``, the number of observed steps (non-NaN innovation)
    Final RMSE                    the rolling RMSE ``sqrt(mean(v_s^2, last window steps))`` at the
                                  last date (:meth:`KalmanResults.rmse`, ``window=52``: a year of
                                  weeks): the current fit quality
    Mean RMSE                     ``sqrt(SSE / N)``: the root of the mean squared innovation
    Total SSE                     ``SSE = sum_t v_t^2``
    Cumulative Log-Likelihood     ``sum_t l_t`` (one-step-ahead predictive log-densities)
    Mean Gain Norm                ``mean_t ||K_t||_2``
    Mean Drift Norm               ``mean_t ||beta_t - beta_{t-1}||_2``
    ============================= ==================================================================

    Parameters
    ----------
    results : KalmanResults or iterable of KalmanResults
        The results of one model or of several (one row each, in order).
    window : int, default 52
        The rolling window of ``Final RMSE``.

    Returns
    -------
    pandas.DataFrame
        The rows, with the columns above (``DIAGNOSTIC_COLUMNS``): plain numbers, to format at
        display time (e.g. ``df.style.format(precision=4)``).

    Raises
    ------
    bayes_beta.DataError
        Nothing given, or an item that is not a ``KalmanResults``.

    See Also
    --------
    bayes_beta.classical.summarize_factor_dynamics : One row per model and factor.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, summarize_model_diagnostics
    >>> df = bb.datasets.load_example()
    >>> a = KalmanEngine(KalmanSpec(K=1, name="market")).run(df, "Util", "Mkt-RF")
    >>> b = KalmanEngine(KalmanSpec(K=2, name="market + rates")).run(df, "Util", ["Mkt-RF", "d10y"])
    >>> table = summarize_model_diagnostics([a, b])
    >>> table.shape, table["Model Name"].tolist(), table["# Observations"].tolist()
    ((2, 10), ['market', 'market + rates'], [1421, 1421])
    >>> table.loc[0, "Date Range"]
    '1990-01-12 → 2017-03-31'
    """
    rows = []
    for r in results_list(results):
        v = r.residuals.dropna().to_numpy()
        sse = float(np.sum(v**2))
        rows.append(
            {
                "Model Name": r.model_name,
                "Target": r.target,
                "Date Range": f"{r.index[0]:%Y-%m-%d} → {r.index[-1]:%Y-%m-%d}",
                "# Observations": len(v),
                "Final RMSE": float(r.rmse(window).iloc[-1]),
                "Mean RMSE": float(np.sqrt(sse / len(v))) if len(v) else np.nan,
                "Total SSE": sse,
                "Cumulative Log-Likelihood": float(r.loglik.sum()),
                "Mean Gain Norm": float(r.gain_norm.mean()),
                "Mean Drift Norm": float(r.drift_norm.mean()),
            }
        )
    return pd.DataFrame(rows, columns=list(DIAGNOSTIC_COLUMNS))


def summarize_factor_dynamics(results: KalmanResults | Iterable[KalmanResults]) -> pd.DataFrame:
    """One row per (model, factor) with the seed's factor columns.

    ``beta_{t,k}`` are the filtered exposures, ``K_{t,k}`` the gains and ``H_{t,k}`` the factor
    returns; means and standard deviations run over the rows of the results (after ``burn``),
    skipping NaN, with ``ddof = 1`` (pandas' default). The columns after ``Model Name`` and
    ``Factor``:

    =================== ====================================================================
    Avg Beta, Beta Std  mean and sd of ``beta_{t,k}`` over time
    Final Beta          ``beta_{n,k}``, the last filtered exposure
    Beta Z-Score        ``(Final Beta - Avg Beta) / Beta Std``: how unusual the current
                        exposure is
    Min Beta, Max Beta  range of ``beta_{t,k}``
    Drift Volatility    sd over time of ``beta_{t,k} - beta_{t-1,k}``
    Mean Gain           mean of the signed gain ``K_{t,k}`` (how strongly exposure ``k`` reacts
                        to a positive surprise in ``y``)
    Avg Contribution    mean of ``H_{t,k} beta_{t,k}``
    Final Contribution  ``H_{n,k} beta_{n,k}``
    =================== ====================================================================

    Parameters
    ----------
    results : KalmanResults or iterable of KalmanResults
        The results of one model or of several (one block of rows each, stacked).

    Returns
    -------
    pandas.DataFrame
        The rows, with the columns above (``FACTOR_COLUMNS``): plain numbers, to format at
        display time.

    Raises
    ------
    bayes_beta.DataError
        Nothing given, or an item that is not a ``KalmanResults``.

    See Also
    --------
    bayes_beta.classical.summarize_model_diagnostics : One row per model.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, summarize_factor_dynamics
    >>> df = bb.datasets.load_example()
    >>> res = KalmanEngine(KalmanSpec(K=2, name="market + rates")).run(df, "Util",
    ...                                                                  ["Mkt-RF", "d10y"])
    >>> table = summarize_factor_dynamics(res)
    >>> table.shape, table["Factor"].tolist()
    ((2, 12), ['Mkt-RF', 'd10y'])
    >>> bool((table["Min Beta"] <= table["Final Beta"]).all())
    True
    """
    rows = []
    for r in results_list(results):
        for f in r.factors:
            beta = r.exposures[f]
            avg, sd, final = float(beta.mean()), float(beta.std()), float(beta.iloc[-1])
            rows.append(
                {
                    "Model Name": r.model_name,
                    "Factor": f,
                    "Avg Beta": avg,
                    "Beta Std": sd,
                    "Final Beta": final,
                    "Beta Z-Score": (final - avg) / sd if sd > 0 else np.nan,
                    "Min Beta": float(beta.min()),
                    "Max Beta": float(beta.max()),
                    "Drift Volatility": float(r.drift[f].std()),
                    "Mean Gain": float(r.gains[f].mean()),
                    "Avg Contribution": float(r.contributions[f].mean()),
                    "Final Contribution": float(r.contributions[f].iloc[-1]),
                }
            )
    return pd.DataFrame(rows, columns=list(FACTOR_COLUMNS))
