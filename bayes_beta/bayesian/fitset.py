"""Many funds' fits side by side: :class:`FitSet`, one ``xarray.Dataset`` with a ``fund`` dim.

Each finished fund contributes a small summary (:func:`fund_summary`, written to the store by
the worker that fitted it); a FitSet is their concatenation over ``fund``, dates aligned (a fund
is NaN before its inception). Variables, per fund:

- exposures: ``mean`` (time, factor), the smoothed posterior mean; ``lower``/``upper``
  (prob, time, factor), equal-tailed bands of the joint path draws at :data:`PROBS`;
  ``latest_mean``/``latest_lower``/``latest_upper`` (factor) at the last observed week, 90%;
  ``band_width`` (factor), the 90% band's mean width over time;
- drift: ``drift``/``drift_lower``/``drift_upper`` (factor): the yearly drift sd of each exposure,
  ``sigma_state_k x sqrt(steps per year)`` (posterior mean and 90% interval);
  ``drift_p_negligible`` (factor), its posterior probability of being below the default
  threshold of :meth:`bayes_beta.Fit.drift_evidence` (absent from stores written before it);
- noise: ``noise_mean``/``noise_sd``/``r_hat``/``ess_bulk``/``ess_tail`` (parameter), one entry
  per scalar noise parameter (``sigma_state[Mkt-RF]``, ``sigma_obs``, ...); ``volatility``, the
  annualised observation volatility averaged over time;
- sampler: ``divergences``, ``r_hat_max``, ``ess_bulk_min``, ``n_problems``, ``problems`` (text);
- run: ``status`` ("done" / "failed"), ``reason``, ``seed``, ``seconds``, ``n_obs``, ``start``,
  ``end``, ``worker_rss_mb``.

``fs["Util"]`` loads that fund's :class:`~bayes_beta.Fit` from the store. A pooled FitSet
(``pooling="partial"``) also holds the population hyperparameters' draws (``pop_<name>``, dims
(chain, draw[, factor])), summarised by :meth:`FitSet.population`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from bayes_beta.bayesian.args import check_bands_args, check_choice
from bayes_beta.bayesian.drift import thresholds, verdict
from bayes_beta.bayesian.intervals import bounds, interval
from bayes_beta.bayesian.io import atomic_write
from bayes_beta.bayesian.store import Store
from bayes_beta.errors import ArgumentError, DataError

__all__ = ["PROBS", "FitSet", "fund_summary", "load_fitset", "open_store"]

#: Band probabilities stored per fund (others are computed from the fund's saved paths).
PROBS = (0.5, 0.8, 0.9, 0.95)
SAMPLE = ("chain", "draw")
POP = "pop_"  # prefix of the population hyperparameters' draws in a pooled FitSet
_TEXT = ("status", "reason", "problems")


def _scalar_params(post: xr.Dataset, names) -> dict[str, xr.DataArray]:
    out = {}
    for name in names:
        da = post[name]
        extra = [d for d in da.dims if d not in SAMPLE]
        if not extra:
            out[name] = da
            continue
        stacked = da.stack(_entry=extra)
        for i in range(stacked.sizes["_entry"]):
            label = stacked["_entry"].values[i]
            label = ", ".join(map(str, label)) if isinstance(label, tuple) else str(label)
            out[f"{name}[{label}]"] = stacked.isel(_entry=i, drop=True)
    return out


def fund_summary(fit, *, seconds: float = np.nan, worker_rss_mb: float = np.nan) -> xr.Dataset:
    """One fund's row of a :class:`FitSet` (see the module docstring), from its ``Fit``."""
    import arviz_stats as azs

    design, post = fit.design, fit.tree["posterior"].to_dataset()
    paths = fit.tree["exposures"]["path"]
    q = np.array([[(1 - p) / 2, (1 + p) / 2] for p in PROBS])
    quant = paths.quantile(q.ravel(), dim=list(SAMPLE), skipna=False).values.reshape(len(PROBS), 2,
                                                                       *paths.shape[2:])
    tf, ptf = ("time", "factor"), ("prob", "time", "factor")
    mean = fit.tree["exposures"]["smoothed_mean"].values
    last = int(np.flatnonzero(design.observed)[-1])
    i90 = PROBS.index(0.9)
    spy = design.steps_per_year
    drift = post["sigma_state"] * np.sqrt(spy)
    d_lo, d_hi = (b.values for b in interval(drift, 0.9, dim=SAMPLE))
    negligible = (drift < xr.DataArray(thresholds(design), dims="factor")).mean(SAMPLE)
    params = _scalar_params(post, fit.noise_vars)
    pds = xr.Dataset(params)
    rhat, ess_b, ess_t = (azs.rhat(pds), azs.ess(pds, method="bulk"), azs.ess(pds, method="tail"))
    stats = fit.tree["sample_stats"]
    vol = fit.volatility(0.9)["mean"].mean()
    names = list(params)
    ds = xr.Dataset(
        {
            "mean": (tf, mean),
            "lower": (ptf, quant[:, 0]),
            "upper": (ptf, quant[:, 1]),
            "latest_mean": (("factor",), mean[last]),
            "latest_lower": (("factor",), quant[i90, 0, last]),
            "latest_upper": (("factor",), quant[i90, 1, last]),
            "band_width": (("factor",), (quant[i90, 1] - quant[i90, 0]).mean(0)),
            "drift": (("factor",), drift.mean(SAMPLE).values),
            "drift_lower": (("factor",), d_lo),
            "drift_upper": (("factor",), d_hi),
            "drift_p_negligible": (("factor",), negligible.values),
            "noise_mean": (("parameter",), [float(params[n].mean()) for n in names]),
            "noise_sd": (("parameter",), [float(params[n].std()) for n in names]),
            "r_hat": (("parameter",), [float(rhat[n]) for n in names]),
            "ess_bulk": (("parameter",), [float(ess_b[n]) for n in names]),
            "ess_tail": (("parameter",), [float(ess_t[n]) for n in names]),
            "volatility": float(vol),
            "divergences": int(stats["diverging"].sum()) if "diverging" in stats else 0,
            "r_hat_max": float(np.nanmax([float(rhat[n]) for n in names])),
            "ess_bulk_min": float(np.nanmin([float(ess_b[n]) for n in names])),
            "n_problems": len(fit.problems),
            "problems": "\n".join(fit.problems),
            "status": "done",
            "reason": "",
            "seed": int(fit.tree.attrs.get("seed", -1)),
            "seconds": float(seconds),
            "n_obs": int(design.observed.sum()),
            "start": design.time[0],
            "end": design.time[-1],
            "worker_rss_mb": float(worker_rss_mb),
        },
        coords={"time": design.time.rename(None), "factor": list(design.factors),
                "prob": list(PROBS), "parameter": names},
    )
    ds.attrs["steps_per_year"] = spy
    return ds


def _failed_row(record: dict) -> xr.Dataset:
    return xr.Dataset({"status": "failed", "reason": record.get("reason", ""),
                       "seed": int(record.get("seed", -1)),
                       "seconds": float(record.get("seconds", np.nan))})


class FitSet:
    r"""Many funds' fits side by side: one ``xarray.Dataset`` with a ``fund`` dim, and a store.

    Each finished fund contributes a small summary (one row, written to the store by the
    worker that fitted it); ``.data`` is their concatenation over ``fund``, dates aligned (a
    fund is NaN before its inception or after its end). Variables, per fund:

    - exposures: ``mean`` (time, factor), the smoothed posterior mean; ``lower``/``upper``
      (prob, time, factor), equal-tailed bands of the joint path draws at the stored
      probabilities 0.5, 0.8, 0.9, 0.95; ``latest_mean``/``latest_lower``/``latest_upper``
      (factor) at the last observed step, 90%; ``band_width`` (factor), the 90% band's mean
      width over time;
    - drift: ``drift``/``drift_lower``/``drift_upper`` (factor), the yearly drift sd of each
      exposure, :math:`\sigma_{\text{state},k} \sqrt{\text{steps per year}}` (posterior mean
      and 90% interval);
    - noise: ``noise_mean``/``noise_sd``/``r_hat``/``ess_bulk``/``ess_tail`` (parameter), one
      entry per scalar noise parameter (``sigma_state[Mkt-RF]``, ``sigma_obs``, ...);
      ``volatility``, the annualised observation volatility averaged over time;
    - sampler: ``divergences``, ``r_hat_max``, ``ess_bulk_min``, ``n_problems``, ``problems``
      (text);
    - run: ``status`` (``"done"`` or ``"failed"``), ``reason``, ``seed``, ``seconds``,
      ``n_obs``, ``start``, ``end``, ``worker_rss_mb``.

    The store (if any) holds each fund's full :class:`~bayes_beta.Fit`: ``fs["Util"]`` loads
    that fund's fit from it. ``len(fs)`` is the number of funds and ``"Util" in fs`` tests a
    label; two FitSets are equal (``==``) when their data are identical. A pooled FitSet
    (``pooling="partial"``) also holds the population hyperparameters' draws
    (``pop_<name>``, dims (chain, draw[, factor])), summarised by :meth:`population`. FitSets
    are made by :func:`bayes_beta.fit_many`, :func:`bayes_beta.open_store` and
    :func:`bayes_beta.load_fitset` (see :mod:`bayes_beta.bayesian.fitset`).

    Parameters
    ----------
    data : xarray.Dataset
        The funds' summaries, with a ``fund`` dim (as above).
    store : str or pathlib.Path, optional
        The store folder written by :func:`bayes_beta.fit_many`, where each fund's fit is read
        from; ``None`` for a FitSet without one.

    Attributes
    ----------
    data : xarray.Dataset
        The funds' summaries.
    store : bayes_beta.bayesian.store.Store or None
        The store, or ``None``.

    Raises
    ------
    bayes_beta.ArgumentError
        From ``fs[fund]`` if there is no such fund (and from ``Store`` if ``store`` is not a
        folder name).
    bayes_beta.DataError
        From ``fs[fund]`` if the fund failed or its fit is not on disk.

    See Also
    --------
    bayes_beta.fit_many : Fit many funds into a store and a FitSet.

    Examples
    --------
    Two industries on the market factor, fitted on dask workers in this process (tiny
    sampler settings; without ``client`` a local cluster of worker processes is started):

    >>> import tempfile
    >>> import bayes_beta as bb
    >>> from distributed import Client
    >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
    >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
    >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
    >>> store = tempfile.TemporaryDirectory()
    >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
    ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
    >>> client.close()
    >>> fs
    FitSet(2 funds, 0 failed, factors ['Mkt-RF'], 261 dates)
    >>> len(fs), "Util" in fs, fs.funds, fs.done
    (2, True, ['Util', 'Banks'], ['Util', 'Banks'])
    >>> dict(fs.data["mean"].sizes), dict(fs.data["lower"].sizes)
    ({'fund': 2, 'time': 261, 'factor': 1}, {'fund': 2, 'prob': 4, 'time': 261, 'factor': 1})
    >>> fs["Util"]
    Fit(Util on ['Mkt-RF'], priors='default', volatility='garch', 1 chains x 50 draws,
        261 steps, ... sampler warnings)
    >>> fs.bands(0.9)["mean"].dims
    ('fund', 'time', 'factor')
    >>> fs.table().columns.tolist()[:4]
    ['latest_mean', 'latest_lower', 'latest_upper', 'band_width']
    >>> sorted(fs.rank("drift", "Mkt-RF").index)
    ['Banks', 'Util']
    >>> fs["Gold"]
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: No fund 'Gold' in this FitSet; it has ['Util', 'Banks'].
    >>> store.cleanup()
    """

    def __init__(self, data: xr.Dataset, store=None):
        self.data = data
        self.store = None if store is None else Store(store)

    # ------------------------------------------------------------------ access
    @property
    def funds(self) -> list:
        """The funds' labels, finished and failed, in the order they were given.

        Returns
        -------
        list
            One label per fund (the ``fund`` coordinate).

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> returns = funds[["Util"]].assign(Closed=float("nan"))  # a fund without returns
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(returns, factors[["Mkt-RF"]], store=store.name, client=client,
        ...                  draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fs.funds
        ['Util', 'Closed']
        >>> store.cleanup()
        """
        return list(self.data["fund"].values)

    @property
    def done(self) -> list:
        """The funds whose fit finished (``status == "done"``), in order.

        Returns
        -------
        list
            Labels of the finished funds; the others failed (see :attr:`failed`).

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> returns = funds[["Util"]].assign(Closed=float("nan"))  # a fund without returns
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(returns, factors[["Mkt-RF"]], store=store.name, client=client,
        ...                  draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fs.done
        ['Util']
        >>> store.cleanup()
        """
        return [f for f, s in zip(self.funds, self.data["status"].values, strict=True)
                if s == "done"]

    @property
    def failed(self) -> pd.DataFrame:
        """Funds that failed, with the reason.

        A fund fails when its data are unusable (the reason starts with ``data:``), its sampler
        fails (``sampler:``) or its task's workers kept dying (``worker:``); the other funds go
        on.

        Returns
        -------
        pandas.DataFrame
            Index ``fund``, one column ``reason``; empty when no fund failed.

        Examples
        --------
        A fund without any return fails; the others are fitted:

        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> returns = funds[["Util"]].assign(Closed=float("nan"))  # a fund without returns
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(returns, factors[["Mkt-RF"]], store=store.name, client=client,
        ...                  draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fs
        FitSet(2 funds, 1 failed, factors ['Mkt-RF'], 261 dates)
        >>> fs.failed.loc["Closed", "reason"]
        "data: Fund 'Closed' has no return in the data (all NaN)."
        >>> store.cleanup()
        """
        df = self.data[["status", "reason"]].to_dataframe()
        return df.loc[df["status"] == "failed", ["reason"]]

    def __len__(self) -> int:
        return self.data.sizes["fund"]

    def __contains__(self, fund) -> bool:
        return fund in self.funds

    def __getitem__(self, fund):
        """The fund's :class:`~bayes_beta.Fit`, read from the store.

        Raises :class:`~bayes_beta.ArgumentError` for an unknown fund and
        :class:`~bayes_beta.DataError` for a failed fund or a fit not on disk.
        """
        from bayes_beta.bayesian.fit import load_fit

        if fund not in self.funds:
            raise ArgumentError(f"No fund {fund!r} in this FitSet; it has {self.funds[:10]}"
                                f"{' ...' if len(self) > 10 else ''}.")
        if self.data["status"].sel(fund=fund) != "done":
            raise DataError(f"Fund {fund!r} failed: {self.data['reason'].sel(fund=fund).values!s}")
        if self.store is None or not self.store.fit_path(fund).is_file():
            raise DataError(f"The fit of {fund!r} is not on disk (store "
                            f"{None if self.store is None else str(self.store.root)!r}).")
        return load_fit(self.store.fit_path(fund))

    @property
    def pooling(self) -> str:
        """``"partial"`` for one joint fit with population hyperpriors, else ``"none"``.

        A FitSet of ``fit_many(..., pooling="partial")`` holds the population hyperparameters'
        draws (variables ``pop_<name>``); one of independent fits does not.

        Returns
        -------
        str
            ``"partial"`` or ``"none"``.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> returns = funds[["Util"]].assign(Closed=float("nan"))  # a fund without returns
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(returns, factors[["Mkt-RF"]], store=store.name, client=client,
        ...                  draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fs.pooling
        'none'
        >>> store.cleanup()
        """
        return "partial" if any(str(v).startswith(POP) for v in self.data.data_vars) else "none"

    def population(self, prob: float = 0.9) -> pd.DataFrame:
        r"""The population hyperparameters of a pooled FitSet with their ``prob`` intervals.

        In the pooled model (:mod:`bayes_beta.bayesian.panel`) each fund's noise scales come
        from a population, e.g. the drift sds
        :math:`\sigma_{\text{state}}[f, k] = u_k[f] \exp(\mu_k + \tau_k z[f, k])`; this table
        summarises the draws of the population's parameters (``drift_mu``, ``drift_tau``,
        ``obs_mu``, ...), kept in the FitSet as ``pop_<name>``
        (:func:`bayes_beta.bayesian.panel.population`).

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per hyperparameter (and factor): posterior summaries with the ``prob``
            interval.

        Raises
        ------
        bayes_beta.ArgumentError
            If the FitSet holds independent fits (``pooling="none"``) or ``prob`` is not
            strictly between 0 and 1.

        See Also
        --------
        bayes_beta.fit_many : ``pooling="partial"`` makes a pooled FitSet.

        Examples
        --------
        Independent fits have no population:

        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> returns = funds[["Util"]].assign(Closed=float("nan"))  # a fund without returns
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(returns, factors[["Mkt-RF"]], store=store.name, client=client,
        ...                  draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fs.population()
        Traceback (most recent call last):
        ...
        bayes_beta.errors.ArgumentError: This FitSet holds independent fits (pooling='none'); ...
        >>> store.cleanup()
        """
        from bayes_beta.bayesian.panel import population

        check_bands_args(prob, "eti")
        if self.pooling != "partial":
            raise ArgumentError("This FitSet holds independent fits (pooling='none'); "
                                "population hyperparameters come from pooling='partial'.")
        post = xr.Dataset({str(v)[len(POP):]: self.data[v] for v in self.data.data_vars
                           if str(v).startswith(POP)})
        return population(xr.DataTree.from_dict({"posterior": post}), prob)

    def __repr__(self) -> str:
        n_failed = len(self) - len(self.done)
        return (f"FitSet({len(self)} funds, {n_failed} failed, factors "
                f"{[str(f) for f in self.data['factor'].values]}, "
                f"{self.data.sizes.get('time', 0)} dates)")

    # ------------------------------------------------------------------ bands and tables
    def bands(self, prob: float = 0.9, kind: str = "eti", source: str = "smoothed") -> xr.Dataset:
        """Exposure bands, dims (fund, time, factor): ``mean``, ``lower``, ``upper``.

        Equal-tailed smoothed bands at a stored probability (0.5, 0.8, 0.9, 0.95:
        :data:`~bayes_beta.bayesian.fitset.PROBS`) come from the FitSet itself; any other
        request reads each fund's paths from the store (:meth:`bayes_beta.Fit.bands`). A fund
        is NaN at the dates it has no data, and throughout if it failed.

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the bands, strictly between 0 and 1.
        kind : {"eti", "hdi"}, default "eti"
            Equal-tailed or highest-density bands.
        source : {"smoothed", "filtered"}, default "smoothed"
            Smoothed (all data) or real-time exposures.

        Returns
        -------
        xarray.Dataset
            Variables ``mean``, ``lower``, ``upper``, dims (fund, time, factor); ``attrs``
            hold ``prob``, ``kind`` and ``source``.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``prob``, ``kind`` or ``source`` is invalid.
        bayes_beta.DataError
            If a request needs a fund's fit and it is not on disk.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fs.bands(0.9)["mean"].dims, fs.bands(0.9)["mean"].shape
        (('fund', 'time', 'factor'), (2, 261, 1))
        >>> fs.bands(0.7, source="filtered").attrs  # read from the store
        {'prob': 0.7, 'kind': 'eti', 'source': 'filtered'}
        >>> store.cleanup()
        """
        check_bands_args(prob, kind, source, {"smoothed": 0, "filtered": 0})
        ds = self.data
        if kind == "eti" and source == "smoothed" and any(np.isclose(prob, PROBS)):
            p = PROBS[int(np.argmin(np.abs(np.subtract(PROBS, prob))))]
            out = xr.Dataset({"mean": ds["mean"], "lower": ds["lower"].sel(prob=p, drop=True),
                              "upper": ds["upper"].sel(prob=p, drop=True)})
        else:
            per_fund = {f: self[f].bands(prob, kind=kind, source=source)[["mean", "lower",
                                                                            "upper"]]
                        for f in self.done}
            out = xr.concat(list(per_fund.values()), pd.Index(list(per_fund), name="fund", dtype=object),
                            join="outer")
            out = out.reindex(fund=self.funds)
        out.attrs.update(prob=prob, kind=kind, source=source)
        return out.transpose("fund", "time", "factor")

    def table(self) -> pd.DataFrame:
        """One row per (fund, factor): latest exposure, band width, drift and diagnostics.

        The latest exposure with its 90% band, the mean band width, the yearly drift with its
        90% interval; and per fund the sampler's verdict.

        Returns
        -------
        pandas.DataFrame
            Index (``fund``, ``factor``); columns ``latest_mean``, ``latest_lower``,
            ``latest_upper``, ``band_width``, ``drift``, ``drift_lower``, ``drift_upper``,
            ``drift_p_negligible`` and ``drift_verdict`` (as in
            :meth:`bayes_beta.Fit.drift_evidence` at its defaults: ``"static"``,
            ``"drifting"``, ``"unclear"``; NaN and ``""`` for a store written before them) and
            the fund's ``status``, ``n_obs``, ``volatility``, ``divergences``, ``r_hat_max``,
            ``ess_bulk_min``, ``n_problems``.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> table = fs.table()
        >>> list(table.index.names), table.index.tolist()
        (['fund', 'factor'], [('Util', 'Mkt-RF'), ('Banks', 'Mkt-RF')])
        >>> table.columns.tolist()[-7:]
        ['status', 'n_obs', 'volatility', 'divergences', 'r_hat_max', 'ess_bulk_min',
         'n_problems']
        >>> store.cleanup()
        """
        ds = self.data
        per_factor = ds[["latest_mean", "latest_lower", "latest_upper", "band_width", "drift",
                         "drift_lower", "drift_upper"]].to_dataframe()
        p = (ds["drift_p_negligible"].to_dataframe()["drift_p_negligible"]
             if "drift_p_negligible" in ds else pd.Series(np.nan, index=per_factor.index))
        per_factor["drift_p_negligible"] = p
        per_factor["drift_verdict"] = np.where(p.isna(), "", verdict(p.fillna(0.5)))
        per_fund = ds[["status", "n_obs", "volatility", "divergences", "r_hat_max",
                       "ess_bulk_min", "n_problems"]].to_dataframe()
        return per_factor.join(per_fund, on="fund")

    def rank(self, by: str = "drift", factor: str | None = None, *, start=None, end=None,
             ascending: bool = False) -> pd.DataFrame:
        """Rank the funds by drift, band width or change of exposure.

        Funds ranked by ``by``: ``"drift"`` (yearly drift sd of ``factor``, or the sum over
        factors), ``"band_width"``, or ``"change"`` (the smoothed exposure of ``factor`` at
        ``end`` minus at ``start``, with its 90% interval from the joint paths).

        Parameters
        ----------
        by : {"drift", "band_width", "change"}, default "drift"
            What to rank by, as above (``"change"``: see :meth:`change`).
        factor : str, optional
            The factor; ``None`` sums ``drift`` or ``band_width`` over the factors (required
            for ``"change"``).
        start, end : str or datetime-like, optional
            The dates of ``by="change"`` (default each fund's first and last).
        ascending : bool, default False
            Smallest first instead of largest first (failed funds last).

        Returns
        -------
        pandas.DataFrame
            Index ``fund``; for ``"drift"`` and ``"band_width"`` that column and ``status``;
            for ``"change"`` the columns of :meth:`change`.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``by`` or ``factor`` is not one of the choices, or ``by="change"`` has no
            ``factor``.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> ranked = fs.rank("drift", "Mkt-RF")
        >>> ranked.columns.tolist(), sorted(ranked.index)
        (['drift', 'status'], ['Banks', 'Util'])
        >>> bool(ranked["drift"].is_monotonic_decreasing)
        True
        >>> store.cleanup()
        """
        check_choice("by", by, ("drift", "band_width", "change"))
        factors = list(self.data["factor"].values)
        if factor is not None:
            check_choice("factor", factor, factors)
        if by == "change":
            if factor is None:
                raise ArgumentError("by='change' needs a factor, e.g. factor='Mkt-RF'.")
            df = self.change(factor, start, end)
            return df.sort_values("change", ascending=ascending)
        values = self.data[by]
        values = values.sel(factor=factor) if factor else values.sum("factor", skipna=False)
        df = values.to_dataframe(name=by)[[by]]
        df = df.join(self.data[["status"]].to_dataframe())
        return df.sort_values(by, ascending=ascending, na_position="last")

    def change(self, factor: str, start=None, end=None, prob: float = 0.9) -> pd.DataFrame:
        r"""Change of each fund's smoothed exposure to ``factor`` between two dates.

        Per fund: the change of the smoothed exposure to ``factor`` from ``start`` to
        ``end``, with an equal-tailed ``prob`` interval from the fund's joint path draws.

        For each path draw :math:`s` (read from the store) the change is
        :math:`d^{(s)} = \beta^{(s)}_{t_1} - \beta^{(s)}_{t_0}`, at the nearest observed dates
        :math:`t_0, t_1` to ``start`` and ``end`` (default each fund's first and last); its
        mean, interval and the share of draws with :math:`d^{(s)} > 0` are reported.

        Parameters
        ----------
        factor : str
            The factor.
        start, end : str or datetime-like, optional
            The dates compared (e.g. ``"2007-01"``).
        prob : float, default 0.9
            Probability of the interval, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Index ``fund`` (the finished funds); columns ``from``, ``to`` (the dates used),
            ``change``, ``lower``, ``upper`` and ``p_increase``.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``prob`` is not strictly between 0 and 1.
        bayes_beta.DataError
            If a fund's fit is not on disk.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> change = fs.change("Mkt-RF", start="2014-01", end="2016-12")
        >>> change.columns.tolist()
        ['from', 'to', 'change', 'lower', 'upper', 'p_increase']
        >>> str(change.loc["Util", "from"].date()), str(change.loc["Util", "to"].date())
        ('2014-01-03', '2016-12-02')
        >>> store.cleanup()
        """
        check_bands_args(prob, "eti")
        rows = {}
        for fund in self.done:
            path = self[fund].tree["exposures"]["path"].sel(factor=factor)
            t0 = path["time"].values[0] if start is None else pd.Timestamp(start)
            t1 = path["time"].values[-1] if end is None else pd.Timestamp(end)
            a = path.sel(time=t0, method="nearest")
            b = path.sel(time=t1, method="nearest")
            d = (b - a).values.ravel()
            lo, hi = bounds(d, prob)
            rows[fund] = {"from": pd.Timestamp(a["time"].values), "to": pd.Timestamp(b["time"].values),
                          "change": float(d.mean()), "lower": lo, "upper": hi,
                          "p_increase": float((d > 0).mean())}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("fund")

    # ------------------------------------------------------------------ figures
    def plot_heatmap(self, factor: str | None = None):
        """Smoothed exposures over time (columns) by fund (rows), one panel per factor.

        A heat map of the finished funds' posterior mean exposures, colours centred on each
        factor's median exposure.

        Parameters
        ----------
        factor : str, optional
            Draw this factor only; all factors by default.

        Returns
        -------
        matplotlib.figure.Figure
            One panel (and its colour bar) per factor.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fig = fs.plot_heatmap("Mkt-RF")
        >>> len(fig.axes)
        2
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        >>> store.cleanup()
        """
        from bayes_beta.plots.many import plot_heatmap

        mean = self.data["mean"].sel(fund=self.done)
        if factor is not None:
            mean = mean.sel(factor=[factor])
        return plot_heatmap(mean)

    def plot_fans(self, factor: str, funds=None, probs=(0.5, 0.9), ncols: int = 4):
        """Small multiples: a fan chart of the exposure to ``factor`` for each fund.

        Parameters
        ----------
        factor : str
            The factor.
        funds : list, optional
            The funds drawn; by default the first 12 finished funds.
        probs : sequence of float, default (0.5, 0.9)
            Probabilities of the nested bands (see :meth:`bands`).
        ncols : int, default 4
            Panels per row.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per fund.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> fig = fs.plot_fans("Mkt-RF")
        >>> len(fig.axes)
        2
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        >>> store.cleanup()
        """
        from bayes_beta.plots.many import plot_small_fans

        funds = self.done[:12] if funds is None else list(funds)
        bands = [self.bands(p).sel(factor=factor, fund=funds) for p in sorted(probs, reverse=True)]
        return plot_small_fans(bands, ncols=ncols, title=f"Exposure to {factor}")

    # ------------------------------------------------------------------ io
    def save(self, path) -> None:
        """Write the FitSet to one netCDF file, atomically; :func:`load_fitset` reads it.

        The file holds ``data`` and the store's absolute path (the funds' fits stay in the
        store). It is written under a temporary name next to ``path`` and renamed over it.

        Parameters
        ----------
        path : str or pathlib.Path
            The file to write (e.g. ``"industries.nc"``).

        Raises
        ------
        bayes_beta.ArgumentError
            If the folder of ``path`` does not exist.

        See Also
        --------
        bayes_beta.load_fitset : Read the file back.

        Examples
        --------
        >>> import tempfile
        >>> import bayes_beta as bb
        >>> from distributed import Client
        >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
        >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
        >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
        >>> store = tempfile.TemporaryDirectory()
        >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
        ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
        >>> client.close()
        >>> from pathlib import Path
        >>> fs.save(Path(store.name) / "fitset.nc")
        >>> bb.load_fitset(Path(store.name) / "fitset.nc") == fs
        True
        >>> store.cleanup()
        """
        path = Path(path)
        if not path.parent.is_dir():
            raise ArgumentError(f"The folder {str(path.parent)!r} does not exist; create it "
                                "first.")
        data = self.data.copy()
        data.attrs["store"] = "" if self.store is None else str(self.store.root.resolve())
        atomic_write(path, lambda tmp: data.to_netcdf(tmp, engine="h5netcdf"))

    def __eq__(self, other) -> bool:
        if not isinstance(other, FitSet):
            return NotImplemented
        return self.data.identical(other.data)


def load_fitset(path) -> FitSet:
    """Read a FitSet written by :meth:`FitSet.save` (its store, if still there, is reattached).

    Parameters
    ----------
    path : str or pathlib.Path
        A file written by :meth:`FitSet.save`.

    Returns
    -------
    FitSet
        The saved FitSet, equal to the one written.

    Raises
    ------
    bayes_beta.DataError
        If there is no file at ``path``.

    See Also
    --------
    bayes_beta.open_store : The FitSet of a store folder.

    Examples
    --------
    >>> import tempfile
    >>> import bayes_beta as bb
    >>> from distributed import Client
    >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
    >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
    >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
    >>> store = tempfile.TemporaryDirectory()
    >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
    ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
    >>> client.close()
    >>> from pathlib import Path
    >>> fs.save(Path(store.name) / "fitset.nc")
    >>> loaded = bb.load_fitset(Path(store.name) / "fitset.nc")
    >>> loaded == fs, loaded.store is not None
    (True, True)
    >>> bb.load_fitset(Path(store.name) / "missing.nc")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: No saved FitSet at '...missing.nc'.
    >>> store.cleanup()
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"No saved FitSet at {str(path)!r}.")
    with xr.open_dataset(path, engine="h5netcdf") as handle:
        data = handle.load()
    store = data.attrs.pop("store", "") or None
    return FitSet(data, store)


def combine(rows: dict, attrs: dict, store=None) -> FitSet:
    """A FitSet from per-fund rows (fund -> summary Dataset), funds in the given order; dates
    are the union of the funds' (NaN where a fund has none), and a failed fund's row holds its
    status and reason only."""
    if not rows:
        raise DataError("No funds to combine.")
    funds = list(rows)
    done = [r for r in rows.values() if "mean" in r]
    coords = {"fund": pd.Index(funds, name="fund", dtype=object)}
    if done:
        for dim in ("factor", "prob", "parameter"):
            first = done[0][dim].values
            if any(not np.array_equal(r[dim].values, first) for r in done[1:]):
                raise DataError(f"The funds' summaries differ in their {dim!r} labels: they "
                                "were not fitted with one model.")
            coords[dim] = first
        coords["time"] = pd.DatetimeIndex(sorted(set().union(*(r.indexes["time"]
                                                               for r in done))))
    names = list(dict.fromkeys(n for r in [*done, *rows.values()] for n in r.data_vars))
    data = xr.Dataset({n: _stack(n, rows, coords) for n in names}, coords=coords)
    data.attrs.update(attrs)
    return FitSet(data, store)


def _stack(name: str, rows: dict, coords: dict) -> xr.Variable:
    """One variable of every fund's row in one array (fund first), missing entries filled."""
    having = [r[name] for r in rows.values() if name in r]
    dims = having[0].dims
    shape = (len(rows), *(len(coords[d]) for d in dims))
    kind = having[0].dtype.kind
    if name in _TEXT or kind in "OUS":
        out = np.full(shape, "", dtype=object)
    elif kind == "M":
        out = np.full(shape, np.datetime64("NaT", "ns"))
    elif kind in "iub" and len(having) == len(rows):
        out = np.zeros(shape, dtype=having[0].dtype)
    else:
        out = np.full(shape, np.nan)
    for i, row in enumerate(rows.values()):
        if name not in row:
            continue
        values = row[name].values
        if "time" in dims:
            index = tuple(coords["time"].get_indexer(row.indexes["time"]) if d == "time"
                          else slice(None) for d in dims)
            out[i][index] = values  # one array index: its axis stays in place
        else:
            out[i] = values
    if name in _TEXT or kind in "OUS":
        out = out.astype(str)
    return xr.Variable(("fund", *dims), out)


def open_store(path) -> FitSet:
    """Open the FitSet of a store written by :func:`~bayes_beta.fit_many`.

    The FitSet holds the store's finished funds and recorded failures (funds not yet fitted are
    left out). It reads the store's per-fund summary files, so it works on a store that is still
    being written, and on a pooled store also the population draws (``joint.nc``).

    Parameters
    ----------
    path : str or pathlib.Path
        The store folder (``store=`` of :func:`~bayes_beta.fit_many`).

    Returns
    -------
    FitSet
        The funds finished or failed so far, in the store's order, with the store attached.

    Raises
    ------
    bayes_beta.DataError
        If the folder is not a bayes_beta store, was written by a newer format, or holds no
        finished or failed fund yet.

    Examples
    --------
    >>> import tempfile
    >>> import bayes_beta as bb
    >>> from distributed import Client
    >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
    >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
    >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
    >>> store = tempfile.TemporaryDirectory()
    >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
    ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
    >>> client.close()
    >>> bb.open_store(store.name) == fs
    True
    >>> bb.open_store(store.name)["Banks"]
    Fit(Banks on ['Mkt-RF'], priors='default', volatility='garch', 1 chains x 50 draws,
        261 steps, ... sampler warnings)
    >>> store.cleanup()
    """
    store = Store(path)
    manifest = store.manifest()
    rows = {}
    for fund in manifest["funds"]:
        if store.finished(fund):
            rows[fund] = store.read_summary(fund)
        elif (failure := store.failure(fund)) is not None:
            rows[fund] = _failed_row(failure)
    if not rows:
        raise DataError(f"The store {str(store.root)!r} holds no finished or failed fund yet.")
    fs = combine(rows, {"settings": json.dumps(manifest["settings"])}, store.root)
    joint = store.root / "joint.nc"
    if joint.is_file():
        from bayes_beta.bayesian.panel import POPULATION_VARS

        with xr.open_datatree(joint, engine="h5netcdf") as tree:
            post = tree["posterior"].to_dataset()
            for name in POPULATION_VARS:
                if name in post:
                    fs.data[POP + name] = post[name].load()
    return fs
