"""``bb.fit_many``: a universe of funds on ``dask.distributed``, one store, one :class:`FitSet`.

Every fund is one task: the worker builds its design (the fund's returns, from its first to its
last observation, on the shared factors), samples with the model compiled once per model shape in
that worker process (:mod:`bayes_beta.bayesian.sampling`), propagates, and writes the fund's fit
and summary to the store (:mod:`bayes_beta.bayesian.store`) before it returns. The client only
collects small records, so a crash of the client, of a worker or of the machine loses no
finished fund; a rerun (``resume=True``) skips them. A fund whose data are unusable or whose
sampler fails is recorded with its reason and the others go on; a task whose worker dies is
rescheduled by dask on another worker.

With no ``client`` a local cluster of worker processes is started (one per core, one thread
each) and closed at the end; any ``distributed.Client`` (``dask scheduler`` / ``dask worker``,
dask-jobqueue, Kubernetes) is used unchanged. Each worker runs numba and nutpie on as many
threads as it has (one on the local cluster), so workers do not compete for cores.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

from bayes_beta.bayesian.args import check_choice, check_int, check_seed
from bayes_beta.bayesian.fitset import FitSet, open_store
from bayes_beta.bayesian.perfund import fund_seed, save_fund
from bayes_beta.bayesian.store import Store
from bayes_beta.data.frames import validate_frame
from bayes_beta.errors import ArgumentError, BayesBetaError, DataError
from bayes_beta.specs.options import VOLATILITIES, ModelOptions
from bayes_beta.specs.priors import get_variant
from bayes_beta.specs.sampler import Sampling

__all__ = ["KEEP", "fit_many", "fund_seed"]

KEEP = ("fit", "summary")
POOLING = ("none", "partial")
MODEL_KEYS = ("intercept", "dynamics", "initial", "init_window", "likelihood", "volatility")
#: A worker collects cyclic garbage (a fit's PyMC model and graphs) every this many funds: left
#: to Python's own schedule, ~16 MB per fund piled up before it ran (a 0.4 s collection).
COLLECT_EVERY = 10
_FITTED = [0]
#: Seconds between rewrites of ``index.csv`` while funds finish (and once at the end).
INDEX_EVERY_S = 2.0
SAMPLER_KEYS = tuple(k for k in Sampling.keys() if k != "seed")  # a seed per fund: fund_seed


def _threads() -> int:
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError):
        return os.cpu_count() or 1


def _peak_mb() -> float:
    """Peak resident memory of this process, MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _rss_mb() -> float:
    """Resident memory of this process now, MB."""
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def fit_fund(fund, frame: pd.DataFrame, factors: list, priors, kwargs: dict, store_root,
             keep: str, seed) -> dict:
    """Fit one fund and write it to the store (runs on a worker); returns its record."""
    import numba

    from bayes_beta.bayesian.fit import fit as fit_one
    from bayes_beta.bayesian.sampling import COMPILES

    start, store, threads = time.perf_counter(), Store(store_root), _threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    record = {"seed": -1 if seed is None else seed, "worker": os.getpid()}
    compiles = COMPILES[0]
    try:
        observed = frame[fund].notna().to_numpy()
        if not observed.any():
            raise DataError(f"Fund {fund!r} has no return in the data (all NaN).")
        first, last = np.flatnonzero(observed)[[0, -1]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fit_one(frame.iloc[first:last + 1], fund, factors, priors, seed=seed,
                             progress=False, cores=threads, **kwargs)
    except BayesBetaError as err:
        record.update(status="failed", reason=f"data: {err}")
    except Exception as err:  # a sampler or numerical failure of this fund only
        record.update(status="failed", reason=f"sampler: {type(err).__name__}: {err}")
    if record.get("status") == "failed":
        record["seconds"] = time.perf_counter() - start
        store.write_failure(fund, {"fund": str(fund), **record})
        return record
    record["seed"] = int(result.tree.attrs["seed"])  # drawn by the fit when seed is None
    summary = save_fund(store, fund, result, keep)
    del result
    _FITTED[0] += 1
    if _FITTED[0] % COLLECT_EVERY == 0:
        import gc

        gc.collect()
    seconds, rss = time.perf_counter() - start, _rss_mb()
    summary["seconds"], summary["worker_rss_mb"] = seconds, rss
    store.write_summary(fund, summary)
    record.update(status="done", seconds=seconds, worker_rss_mb=rss, worker_peak_mb=_peak_mb(),
                  problems=int(summary["n_problems"]), compiled=COMPILES[0] - compiles,
                  fit_mb=store.fit_path(fund).stat().st_size / 1e6)
    return record


def _check_frames(returns, factors) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not isinstance(returns, pd.DataFrame):
        raise ArgumentError(f"returns must be a DataFrame of funds (columns) over dates; got "
                            f"{type(returns).__name__}.")
    if not isinstance(factors, pd.DataFrame):
        raise ArgumentError(f"factors must be a DataFrame of factor returns over dates; got "
                            f"{type(factors).__name__}.")
    validate_frame(returns, name="returns", allow_all_nan=True)
    validate_frame(factors, name="factors")
    clash = [c for c in returns.columns if c in factors.columns]
    if clash:
        raise ArgumentError(f"{clash} are both funds (returns) and factors; rename them.")
    if returns.shape[1] == 0:
        raise ArgumentError("returns has no fund columns.")
    common = factors.index.intersection(returns.index)
    if len(common) == 0:
        raise DataError("returns and factors share no dates; give both at the same frequency "
                        "(e.g. both weekly, Fridays).")
    return returns.loc[common], factors.loc[common]


def _settings(priors, kwargs: dict, keep: str) -> dict:
    allowed = set(MODEL_KEYS) | set(SAMPLER_KEYS) | {"check"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise ArgumentError(f"fit_many got unknown options {unknown}; it takes {sorted(allowed)}.")
    traits = VOLATILITIES.get(kwargs.get("volatility"))
    if traits is not None and traits.multiplier:
        raise ArgumentError(f"volatility={traits.name!r} needs a variance multiplier per fund; "
                            "fit those funds one by one with bb.fit.")
    Sampling.pick(kwargs)  # validated here, before any work, by the objects fit uses
    ModelOptions.pick(kwargs)
    variant = get_variant(priors)
    check_choice("keep", keep, KEEP)
    return {"priors": variant.to_dict(), "keep": keep,
            **{k: kwargs[k] for k in sorted(kwargs)}}


class _Progress:
    def __init__(self, total: int, show: bool):
        self.total, self.show, self.start = total, show, time.perf_counter()
        self.done = self.failed = 0

    def __call__(self, status: str) -> None:
        self.done += status == "done"
        self.failed += status == "failed"
        if not self.show:
            return
        n = self.done + self.failed
        elapsed = time.perf_counter() - self.start
        left = elapsed / n * (self.total - n) if n else float("nan")
        bar = "#" * int(30 * n / max(self.total, 1))
        print(f"\rfit_many [{bar:<30}] {n}/{self.total} funds, {self.failed} failed, "
              f"{elapsed:.0f} s elapsed, ~{left:.0f} s left", end="" if n < self.total else "\n",
              file=sys.stderr, flush=True)


def _client(client, workers):
    if client is not None:
        return client, None
    import logging

    from distributed import Client, LocalCluster

    n = check_int("workers", workers if workers is not None else os.cpu_count() or 1)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def fit_many(returns: pd.DataFrame, factors: pd.DataFrame, priors="default", *, store,
             client=None, workers: int | None = None, resume: bool = True, keep: str = "fit",
             seed: int | None = None, retries: int = 2, progress: bool = True,
             pooling: str = "none", **options) -> FitSet:
    r"""Fit every fund (column of ``returns``) on the shared ``factors`` and return a FitSet.

    Every fund is one task on ``dask.distributed``: the worker fits the fund's returns from its
    first to its last observation with :func:`bayes_beta.fit` (the model compiled once per
    model shape in that worker process) and writes the fund's fit and summary to the store
    before it returns, so a crash loses no finished fund and a rerun (``resume=True``) skips
    them. A fund whose data are unusable or whose sampler fails is recorded with its reason
    (:attr:`FitSet.failed`) and the others go on; a task whose worker dies is rescheduled. All
    arguments and both frames are checked before any work.

    ``pooling="none"`` fits every fund on its own (each with the variant's priors);
    ``"partial"`` fits all funds in one joint model whose noise scales share population
    hyperpriors (:mod:`bayes_beta.bayesian.panel`, hyperpriors ``priors.pooling``), e.g.

    .. math::

        \sigma_{\text{state}}[f, k] = u_k[f] \exp(\mu_k + \tau_k z[f, k]), \qquad
        \log p(y \mid \theta) = \sum_f \ell_f(\theta_f),

    sampled in this process (``client``/``workers`` unused), then propagates each fund into
    the same store and FitSet (:mod:`bayes_beta.bayesian.pooled`); :meth:`FitSet.population`
    summarises the hyperparameters.

    Parameters
    ----------
    returns : pandas.DataFrame
        Funds (columns) over dates; NaN before a fund's inception or after its end is fine.
    factors : pandas.DataFrame
        Factor returns over dates (every column is a factor); the two frames are joined on
        their common dates.
    priors : str or bayes_beta.PriorVariant, default "default"
        The prior variant, as in :func:`bayes_beta.fit`.
    store : str or pathlib.Path
        The folder the fits go to (:mod:`bayes_beta.bayesian.store`).
    client : distributed.Client, optional
        Any ``distributed.Client`` (``dask scheduler`` / ``dask worker``, dask-jobqueue,
        Kubernetes), used unchanged. Without one, a local cluster of ``workers`` processes
        (one thread each) is started and closed at the end.
    workers : int, optional
        Worker processes of the local cluster; default one per core.
    resume : bool, default True
        Skip the funds a previous run with the same settings finished in ``store``; with
        ``False`` a store that already holds a run is refused.
    keep : {"fit", "summary"}, default "fit"
        ``"fit"`` keeps each fund's whole fit; ``"summary"`` keeps its posterior, summaries
        and 200 exposure paths, without the per-draw log-likelihood (for large universes).
    seed : int, optional
        Fund ``f`` is fitted with ``fund_seed(seed, f)`` (:func:`bayes_beta.fund_seed`).
    retries : int, default 2
        Reruns of a task whose worker died.
    progress : bool, default True
        Show a progress line (funds done, failed, time left) on stderr.
    pooling : {"none", "partial"}, default "none"
        Independent fits, or one joint fit with population hyperpriors (as above).
    **options
        ``draws``, ``tune``, ``chains``, ``target_accept``, ``intercept``, ``dynamics``,
        ``initial``, ``init_window``, ``likelihood``, ``volatility``, ``path_draws``,
        ``check``, as in :func:`bayes_beta.fit` (not ``volatility="known"``, which needs a
        multiplier per fund).

    Returns
    -------
    FitSet
        The funds' summaries, with the store attached (``fs["Util"]`` reads a fund's fit).

    Raises
    ------
    bayes_beta.ArgumentError
        If ``returns`` or ``factors`` is not a DataFrame, a column is both a fund and a factor,
        there is no fund, two fund labels read alike, an option is unknown or invalid,
        ``volatility="known"`` is asked for, ``keep``, ``pooling`` or ``seed`` is invalid, or
        the store is a file, already holds a run (``resume=False``) or one with other settings.
    bayes_beta.DataError
        If a frame is not a valid time-indexed frame or the two share no dates.
    bayes_beta.SpecError
        If a model option or the prior variant is invalid.

    See Also
    --------
    bayes_beta.open_store : The FitSet of a store written earlier (or still being written).
    bayes_beta.FitSet : What is returned.

    Examples
    --------
    Two industries on the market factor, on dask workers in this process (tiny sampler
    settings; without ``client`` a local cluster of worker processes is started):

    >>> import tempfile
    >>> import bayes_beta as bb
    >>> from distributed import Client
    >>> funds = bb.datasets.load_industries(start="2012", end="2016", frequency="weekly")
    >>> factors = bb.datasets.load_factors(start="2012", end="2016", frequency="weekly")
    >>> client = Client(processes=False, dashboard_address=":0")  # workers in this process
    >>> store = tempfile.TemporaryDirectory()
    >>> fs = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
    ...                  client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
    >>> fs
    FitSet(2 funds, 0 failed, factors ['Mkt-RF'], 261 dates)
    >>> int(fs.data["seed"].sel(fund="Util")) == bb.fund_seed(1, "Util")
    True

    A rerun with the same settings finds every fund finished and fits nothing:

    >>> again = bb.fit_many(funds[["Util", "Banks"]], factors[["Mkt-RF"]], store=store.name,
    ...                     client=client, draws=50, tune=50, chains=1, seed=1, progress=False)
    >>> again == fs
    True
    >>> bb.fit_many(funds[["Util"]], factors[["Mkt-RF"]], store=store.name, draws=100)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: store '...' was written with other settings (...); ...
    >>> client.close()
    >>> store.cleanup()
    """
    returns, factors = _check_frames(returns, factors)
    seed = check_seed(seed)
    settings = _settings(priors, options, keep)
    check_choice("pooling", pooling, POOLING)
    funds = [str(f) for f in returns.columns]
    if len(set(funds)) < len(funds):
        raise ArgumentError("Two fund columns have the same name as text; rename one.")
    returns = returns.set_axis(funds, axis=1)
    store = Store(store)
    if pooling == "partial":
        from bayes_beta.bayesian.pooled import fit_pooled

        return fit_pooled(returns, factors, priors, store=store,
                          settings={**settings, "pooling": "partial"}, options=options,
                          resume=resume, keep=keep, seed=seed, progress=progress)
    store.create({"funds": funds, "factors": [str(f) for f in factors.columns],
                  "settings": {**settings, "seed": seed}}, resume=resume)
    records, before = {}, store.read_index()
    todo = []
    for fund in funds:
        if store.finished(fund):
            records[fund] = {**before.get(fund, {}), "status": "done", "resumed": True}
        else:
            todo.append(fund)
    bar = _Progress(len(funds), progress)
    for r in records.values():
        bar(r["status"])
    if todo:
        _run(todo, returns, factors, priors, options, store, keep, seed, client, workers,
             retries, records, bar)
    store.write_index(records)
    return open_store(store.root)


def _run(todo, returns, factors, priors, options, store, keep, seed, client, workers, retries,
         records, bar) -> None:
    from distributed import as_completed

    client, cluster = _client(client, workers)
    names = list(factors.columns)
    written = time.monotonic()
    try:
        futures = {}
        for fund in todo:
            frame = factors.join(returns[[fund]])
            fut = client.submit(fit_fund, fund, frame, names, priors, options,
                                str(store.root.resolve()), keep, fund_seed(seed, fund),
                                retries=retries, pure=False, key=f"bayes_beta-fit-{fund}-"
                                f"{time.time_ns()}")
            futures[fut] = fund
        for fut in as_completed(futures):
            fund = futures[fut]
            try:
                record = fut.result()
            except Exception as err:  # the task itself died (e.g. its workers kept dying)
                record = {"status": "failed", "reason": f"worker: {type(err).__name__}: {err}"}
                store.write_failure(fund, {"fund": fund, **record})
            records[fund] = record
            if time.monotonic() - written > INDEX_EVERY_S:  # the fund files are the truth
                store.write_index(records)
                written = time.monotonic()
            bar(record["status"])
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
