"""Pooled against independent fits of the same funds: predictive accuracy, band widths, drift.

``compare_pooling(pooled, independent)`` takes two :class:`~bayes_beta.FitSet` of the same funds
(``pooling="partial"`` and ``"none"``, each with its store holding the funds' full fits) and
returns one row per fund:

- ``elpd_pooled``, ``elpd_independent``, ``elpd_diff`` (pooled minus independent) and
  ``se_diff``: PSIS-LOO over the funds' per-step one-step-ahead log-densities ``l_t`` (the
  *heuristic* LOO of :mod:`bayes_beta.evaluate.compare`: leaving out ``y_t`` alone is not a
  forecast; exact LFO would refit the joint model of every fund many times). The SE of the
  difference is that of the paired pointwise differences, ``sqrt(n) sd(d_t)``;
  ``pareto_k_max``: the largest Pareto k of either fit;
- ``width_ratio[factor]``: the pooled 90% band's mean width over the independent one's;
- ``drift_pooled[factor]``, ``drift_independent[factor]``: the yearly drift sd (posterior
  mean), and ``drift_shift[factor]``: their log ratio (how far pooling moved the drift).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from bayes_beta.errors import ArgumentError

__all__ = ["compare_pooling", "pointwise_loo"]


def _loo_tree(fs, fund) -> xr.DataTree:
    """A fund's ``posterior`` and ``log_likelihood`` groups, read from the store without the
    rest of its fit."""
    path = fs.store.fit_path(fund) if fs.store is not None else None
    if path is None or not path.is_file():
        raise ArgumentError(f"The fit of {fund!r} is not on disk; compare_pooling needs stores "
                            "written with keep='fit'.")
    groups = {}
    for group in ("posterior", "log_likelihood"):
        try:
            with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
                groups[group] = ds.load()
        except OSError:
            groups[group] = xr.Dataset()
    if "y" not in groups["log_likelihood"]:
        raise ArgumentError(f"The fit of {fund!r} has no log-likelihood (keep='summary'); "
                            "refit with keep='fit'.")
    return xr.DataTree.from_dict(groups)


def pointwise_loo(tree: xr.DataTree):
    r"""PSIS-LOO of a fit's per-step log-densities.

    Pareto-smoothed importance sampling leave-one-out over the ``log_likelihood`` group (the
    one-step-ahead log-densities :math:`l_t`), with the ``posterior`` for the relative
    efficiency:

    .. math::

        \mathrm{elpd}_t = \log p(y_t \mid y_{-t}) \approx
        \log \frac{\sum_s w_t^{(s)} e^{l_t^{(s)}}}{\sum_s w_t^{(s)}},

    :math:`w_t^{(s)}` the smoothed importance weights of :math:`1 / e^{l_t^{(s)}}`. A
    *heuristic* for these models: leaving out :math:`y_t` alone is not a forecast.

    Parameters
    ----------
    tree : xarray.DataTree
        A fit's tree (``Fit.tree``), or one with its ``posterior`` and ``log_likelihood``
        groups.

    Returns
    -------
    elpd_t : numpy.ndarray
        (time,) the pointwise elpd.
    pareto_k : numpy.ndarray
        (time,) the Pareto k of each step's weights.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import pointwise_loo
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> elpd_t, pareto_k = pointwise_loo(fit.tree)
    >>> elpd_t.shape, pareto_k.shape
    ((260,), (260,))
    """
    import arviz_stats as azs

    res = azs.loo(tree, pointwise=True)
    return np.asarray(res.elpd_i).ravel(), np.asarray(res.pareto_k).ravel()


def compare_pooling(pooled, independent, prob: float = 0.9) -> pd.DataFrame:
    r"""Pooled against independent fits of the same funds, one row per fund.

    Takes two :class:`~bayes_beta.FitSet` of the same funds (``pooling="partial"`` and
    ``"none"``, each with its store holding the funds' full fits) and returns, per fund:

    - ``elpd_pooled``, ``elpd_independent``, ``elpd_diff`` (pooled minus independent) and
      ``se_diff``: PSIS-LOO (:func:`pointwise_loo`) over the fund's per-step one-step-ahead
      log-densities :math:`l_t` (the *heuristic* LOO of
      :func:`~bayes_beta.evaluate.compare_priors`: leaving out :math:`y_t` alone is not a
      forecast; exact LFO would refit the joint model of every fund many times). With
      :math:`d_t` the pointwise differences,

      .. math::

          \mathrm{elpd\_diff} = \sum_t d_t, \qquad
          \mathrm{se\_diff} = \sqrt{n}\, \mathrm{sd}(d_t);

    - ``pareto_k_max``: the largest Pareto k of either fit;
    - ``width_ratio[<factor>]``: the pooled ``prob`` band's mean width over the independent
      one's;
    - ``drift_pooled[<factor>]``, ``drift_independent[<factor>]``: the yearly drift sd
      (posterior mean), and ``drift_shift[<factor>]``: their log ratio (how far pooling moved
      the drift).

    Parameters
    ----------
    pooled : bayes_beta.FitSet
        The ``pooling="partial"`` FitSet.
    independent : bayes_beta.FitSet
        The ``pooling="none"`` FitSet of the same funds.
    prob : float, default 0.9
        The probability of the compared bands.

    Returns
    -------
    pandas.DataFrame
        One row per fund finished in both (index ``fund``, in ``pooled``'s order);
        ``attrs["prob"]`` holds ``prob``.

    Raises
    ------
    bayes_beta.ArgumentError
        The FitSets are given in the wrong order or with other pooling, share no finished
        fund, a fund was fitted on other dates, or a fit is not on disk or has no
        log-likelihood (stores must be written with ``keep="fit"``).

    See Also
    --------
    bayes_beta.fit_many : Fits the two FitSets.

    Examples
    --------
    The pooled model compiles a joint model of all funds (minutes on a small machine), so only
    the independent side runs here; the full comparison is::

        pooled = bb.fit_many(returns, factors, store="out/pooled", pooling="partial", seed=1)
        indep = bb.fit_many(returns, factors, store="out/indep", seed=1)
        table = bb.compare_pooling(pooled, indep)   # one row per fund

    Independent fits of two industries, on workers in this process:

    >>> import tempfile
    >>> from distributed import Client, LocalCluster
    >>> import bayes_beta as bb
    >>> returns = bb.datasets.load_industries(frequency="weekly", start="2016-01-01")
    >>> factors = bb.datasets.load_factors(frequency="weekly", start="2016-01-01")[["Mkt-RF"]]
    >>> tmp = tempfile.TemporaryDirectory()
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
    ...                   dashboard_address=None) as cluster, Client(cluster) as client:
    ...     indep = bb.fit_many(returns[["Util", "Banks"]], factors, store=f"{tmp.name}/indep",
    ...                         client=client, draws=50, tune=50, chains=1, seed=1,
    ...                         progress=False)
    >>> indep.pooling, indep.done
    ('none', ['Util', 'Banks'])
    >>> bb.compare_pooling(indep, indep)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: compare_pooling(pooled, independent) takes a ...
    >>> tmp.cleanup()
    """
    if pooled.pooling != "partial" or independent.pooling != "none":
        raise ArgumentError("compare_pooling(pooled, independent) takes a pooling='partial' "
                            "FitSet first and a pooling='none' one second.")
    funds = [f for f in pooled.done if f in set(independent.done)]
    if not funds:
        raise ArgumentError("The two FitSets share no finished fund.")
    bp, bi = pooled.bands(prob), independent.bands(prob)
    factors = [str(f) for f in pooled.data["factor"].values]
    rows = {}
    for fund in funds:
        lp, kp = pointwise_loo(_loo_tree(pooled, fund))
        li, ki = pointwise_loo(_loo_tree(independent, fund))
        if lp.shape != li.shape:
            raise ArgumentError(f"Fund {fund!r} was fitted on different dates in the two sets.")
        d = lp - li
        row = {"elpd_pooled": lp.sum(), "elpd_independent": li.sum(), "elpd_diff": d.sum(),
               "se_diff": float(np.sqrt(d.size) * d.std(ddof=1)),
               "pareto_k_max": float(max(kp.max(), ki.max()))}
        wp = (bp["upper"] - bp["lower"]).sel(fund=fund).mean("time")
        wi = (bi["upper"] - bi["lower"]).sel(fund=fund).mean("time")
        for k in factors:
            dp = float(pooled.data["drift"].sel(fund=fund, factor=k))
            di = float(independent.data["drift"].sel(fund=fund, factor=k))
            row.update({f"width_ratio[{k}]": float(wp.sel(factor=k) / wi.sel(factor=k)),
                        f"drift_pooled[{k}]": dp, f"drift_independent[{k}]": di,
                        f"drift_shift[{k}]": float(np.log(dp / di))})
        rows[fund] = row
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("fund")
    out.attrs["prob"] = prob
    return out
