"""Leave-future-out cross-validation (Bürkner, Gabry & Vehtari 2020), one step ahead.

    elpd_LFO = sum_{i=L}^{n-1} log p(y_{i+1} | y_{1:i})
             = sum_i log  integral p(y_{i+1} | y_{1:i}, theta) p(theta | y_{1:i}) dtheta

The one-step-ahead density ``p(y_{i+1} | y_{1:i}, theta)`` is the filter's ``l_{i+1}``
(:func:`bayes_beta.bayesian.propagate.loglik_per_draw` gives it for any draws), so no model
term is re-derived here. ``p(theta | y_{1:i})`` needs a fit on the first ``i`` observations:

- ``method="exact"`` refits at every ``i = L .. n-1``;
- ``method="approx"`` (PSIS-LFO) fits once on ``y_{1:L}`` and carries that posterior forward
  with Pareto-smoothed importance weights ``prod_{t=i*+1}^{i} l_t(theta)``, refitting at ``i``
  when the Pareto ``k`` of the weights exceeds ``k_threshold`` (0.7).

The loop and the PSIS weights are arviz-stats' :func:`arviz_stats.lfo_cv`; this module supplies
its :class:`~arviz_stats.SamplingWrapper`. A refit uses the *same* model (prior units, initial
state ``b0, P0``) as the full fit, with ``y_t`` set to NaN after ``i`` so the filter skips those
steps: the model data ``y`` is swapped and the compiled model re-sampled
(:func:`bayes_beta.bayesian.sampling.run`). The prior
units ``sd(y)``, ``sd(H_k)`` come from the whole sample: that is the only use of future data,
a scale convention, identical across variants. ``L`` must cover the ``init_window`` of an
``initial="ols"`` start so that ``b0`` uses no future data either.

``p(theta | y_{1:i})`` for each refit is sampled by nutpie through the same path as the fit.
"""

from __future__ import annotations

import numbers
import sys
import warnings
from collections.abc import Callable

import numpy as np
import xarray as xr
from arviz_stats import SamplingWrapper

from bayes_beta.bayesian import sampling
from bayes_beta.bayesian.args import SEED_LIMIT
from bayes_beta.bayesian.fit import Fit, fit_design
from bayes_beta.bayesian.model import model_from_design, noise_vars
from bayes_beta.bayesian.propagate import loglik_per_draw, stack_draws
from bayes_beta.data.design import Design
from bayes_beta.errors import ArgumentError, DataError
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.priors import PriorVariant
from bayes_beta.specs.sampler import Sampling

__all__ = ["Refitter", "check_min_train", "default_min_train", "lfo_cv"]


class Refitter:
    """A model of one design, prior variant and options, sampled on ``y_{1:i}``.

    A refit uses the *same* model (prior units, initial state ``b0, P0``) as the full fit, with
    ``y_t`` set to NaN after step ``i`` so that the filter skips those steps: the model data
    ``y`` is swapped and the compiled model re-sampled (:func:`bayes_beta.bayesian.sampling.run`).
    Every fit of the same model shape shares one compiled model
    (:mod:`bayes_beta.bayesian.sampling`), so a refit costs sampling only.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The data and their units (:func:`bayes_beta.make_design`).
    variant : bayes_beta.PriorVariant
        The prior variant.
    options : bayes_beta.ModelOptions, optional
        The model options (default ``ModelOptions()``).
    draws, tune, chains : int, default 1000, 1000, 4
        Sampler settings of every fit.
    seed : int, optional
        The seed of the full fit; a refit on ``y_{1:i}`` within :func:`lfo_cv` uses
        ``seed + i``.
    target_accept : float, optional
        NUTS' target acceptance (default the options').
    sampler : {"nutpie", "pymc"}, default "nutpie"
        The sampler (:class:`bayes_beta.Sampling`).
    path_draws : int or "all", optional
        The draws propagated to exposure paths by :meth:`fit` (as in :func:`bayes_beta.fit`).
    progress : bool, default False
        Show the sampler's progress bar (off: refits run many times in a row).

    Attributes
    ----------
    design, variant, options
        As given (``options`` completed).
    settings : dict
        ``draws``, ``tune``, ``chains``, ``sampler``, ``target_accept`` (validated by
        :class:`bayes_beta.Sampling`).
    path_draws : int, "all" or None
        The draws propagated to exposure paths by :meth:`fit`.
    seed : int or None
        The seed.
    progress : bool
        Whether progress is shown.
    model : pymc.Model
        The model (:func:`bayes_beta.bayesian.model.model_from_design`).
    observed : numpy.ndarray
        The positions of the observed steps.

    See Also
    --------
    bayes_beta.evaluate.lfo_cv : Uses a refitter for every refit.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import Refitter
    >>> from bayes_beta.specs import get_variant
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF"])
    >>> refitter = Refitter(design, get_variant("default"), draws=50, tune=50, chains=1, seed=1)
    >>> refitter.settings["draws"], len(refitter.observed)
    (50, 260)
    """

    def __init__(self, design: Design, variant: PriorVariant, options: ModelOptions | None = None,
                 *, draws: int = 1000, tune: int = 1000, chains: int = 4,
                 seed: int | None = None, target_accept: float | None = None,
                 sampler: str = "nutpie", path_draws: int | str | None = None,
                 progress: bool = False):
        self.design, self.variant = design, variant
        self.options = options or ModelOptions()
        s = Sampling(draws=draws, tune=tune, chains=chains, seed=seed,
                     target_accept=target_accept, sampler=sampler, path_draws=path_draws)
        self.settings = dict(draws=s.draws, tune=s.tune, chains=s.chains, sampler=s.sampler,
                             target_accept=(self.options.target_accept
                                            if s.target_accept is None else s.target_accept))
        self.path_draws = s.path_draws
        self.seed, self.progress = s.seed, progress
        self.model = model_from_design(design, variant, self.options)
        self.observed = np.flatnonzero(design.observed)

    def sample(self, n_train: int | None = None, seed: int | None = None) -> dict[str, xr.Dataset]:
        """Posterior and sample stats of a fit on the first ``n_train`` observed steps.

        Parameters
        ----------
        n_train : int, optional
            The number of observed steps to fit on (all when ``None``); later steps are set to NaN.
        seed : int, optional
            The seed of this fit (default the refitter's).

        Returns
        -------
        dict of str to xarray.Dataset
            ``posterior`` and ``sample_stats`` (dims ``chain``, ``draw``, ...).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.evaluate import Refitter
        >>> from bayes_beta.specs import get_variant
        >>> df = bb.datasets.load_example()
        >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF"])
        >>> refitter = Refitter(design, get_variant("default"), draws=50, tune=50, chains=1, seed=1)
        >>> groups = refitter.sample(200)  # sees y_1 .. y_200 only
        >>> sorted(groups), dict(groups["posterior"].sizes)["draw"]
        (['posterior', 'sample_stats'], 50)
        """
        y = self.design.y.copy()
        if n_train is not None:
            y[self.observed[n_train]:] = np.nan
        return sampling.run(
            self.model, seed=self.seed if seed is None else seed, progress=self.progress,
            data={"y": y}, extra=(self.variant.structure(), repr(self.options), self.design.initial,
                                  self.design.intercept),
            initial=sampling.initial_points(self.variant, self.design.K),
            **self.settings)

    def loglik_t(self, posterior: xr.Dataset) -> np.ndarray:
        r"""The one-step-ahead log-densities of every step under each draw.

        :math:`l_t = \log p(y_t \mid y_{1:t-1}, \theta)` from the filter
        (:func:`bayes_beta.bayesian.propagate.loglik_per_draw`); NaN-skipped steps give 0.

        Parameters
        ----------
        posterior : xarray.Dataset
            Posterior draws (dims ``chain``, ``draw``), e.g. ``sample(...)["posterior"]``.

        Returns
        -------
        numpy.ndarray
            Shape (chain, draw, n).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.evaluate import Refitter
        >>> from bayes_beta.specs import get_variant
        >>> df = bb.datasets.load_example()
        >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF"])
        >>> refitter = Refitter(design, get_variant("default"), draws=50, tune=50, chains=1, seed=1)
        >>> refitter.loglik_t(refitter.sample(200)["posterior"]).shape
        (1, 50, 260)
        """
        return loglik_per_draw(stack_draws(posterior), self.design, self.options,
                               self.variant.correlated).values

    def fit(self, check: bool = True) -> Fit:
        """The full-data fit, as :func:`bayes_beta.fit` gives it.

        Parameters
        ----------
        check : bool, default True
            Check the sampler diagnostics (``bb.SamplingWarning``).

        Returns
        -------
        bayes_beta.Fit
            The fit on every observed step.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.evaluate import Refitter
        >>> from bayes_beta.specs import get_variant
        >>> df = bb.datasets.load_example()
        >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF"])
        >>> refitter = Refitter(design, get_variant("default"), draws=50, tune=50, chains=1, seed=1)
        >>> fit = refitter.fit(check=False)
        >>> fit.design.factors, fit.tree["log_likelihood"].sizes["time"]
        (('Mkt-RF',), 260)
        """
        return fit_design(self.design, self.variant, self.options, seed=self.seed,
                          progress=self.progress, check=check, path_draws=self.path_draws,
                          **self.settings)


class FilterWrapper(SamplingWrapper):
    """The refit interface of arviz-stats' ``lfo_cv`` on top of a :class:`Refitter`.

    Positions are observed steps: refitting on positions ``< i`` samples the refitter on the
    first ``i`` observed steps (with seed ``refitter.seed + i``), and the excluded
    observations' log-likelihoods are the filter's ``l_t`` under those draws.

    Parameters
    ----------
    refitter : Refitter
        The model to refit.
    callback : callable, optional
        ``callback(i)`` is called before each refit on ``y_{1:i}``.
    """

    def __init__(self, refitter: Refitter, callback: Callable[[int], None] | None = None):
        super().__init__(model=refitter)
        self.refitter, self.callback, self.n_refits = refitter, callback, 0

    def sel_observations(self, idx):
        idx = np.asarray(idx, dtype=int)
        return int(idx.min()), idx

    def sample(self, modified_observed_data):
        n_train = modified_observed_data
        self.n_refits += 1
        if self.callback is not None:
            self.callback(n_train)
        # modulo 2**64: nutpie's seed is 64-bit (the same seeds as before below that)
        seed = self.refitter.seed
        seed = None if seed is None else (seed + n_train) % SEED_LIMIT
        return self.refitter.sample(n_train, seed=seed)

    def get_inference_data(self, fitted_model):
        # PSIS's relative efficiency uses the ESS of every posterior variable: keep the noise
        # scales (constant entries, e.g. a correlation matrix's diagonal, have no ESS)
        post = fitted_model["posterior"]
        names = noise_vars()
        keep = [v for v in post.data_vars if v in names and v != "chol_state_corr"]
        return xr.DataTree.from_dict({"posterior": post[keep], "full_posterior": post})

    def log_likelihood__i(self, excluded_obs, idata__i):
        post = idata__i["full_posterior"].to_dataset()
        ll = self.refitter.loglik_t(post)[:, :, self.refitter.observed[excluded_obs]]
        return xr.DataArray(ll, dims=("chain", "draw", "time"))


def lfo_cv(
    fit,
    *,
    min_train: int | None = None,
    method: str = "approx",
    k_threshold: float = 0.7,
    refitter: Refitter | None = None,
    progress: bool | Callable[[int], None] = False,
    callback: Callable[[int], None] | None = None,
    **refit_settings,
):
    r"""One-step-ahead leave-future-out cross-validation of a fit.

    Leave-future-out cross-validation (Bürkner, Gabry & Vehtari 2020), one step ahead:

    .. math::

        \mathrm{elpd}_\mathrm{LFO} = \sum_{i=L}^{n-1} \log p(y_{i+1} \mid y_{1:i})
        = \sum_{i=L}^{n-1} \log \int p(y_{i+1} \mid y_{1:i}, \theta)\,
        p(\theta \mid y_{1:i}) \, d\theta.

    The one-step-ahead density :math:`p(y_{i+1} \mid y_{1:i}, \theta)` is the filter's
    :math:`l_{i+1}` (:func:`bayes_beta.bayesian.propagate.loglik_per_draw` gives it for any
    draws), so no model term is re-derived here. :math:`p(\theta \mid y_{1:i})` needs a fit on
    the first ``i`` observations:

    - ``method="exact"`` refits at every :math:`i = L \dots n - 1`;
    - ``method="approx"`` (PSIS-LFO) fits once on :math:`y_{1:L}` and carries that posterior
      forward with Pareto-smoothed importance weights
      :math:`\prod_{t=i^*+1}^{i} l_t(\theta)`, refitting at ``i`` when the Pareto ``k`` of the
      weights exceeds ``k_threshold``.

    The loop and the PSIS weights are arviz-stats' ``lfo_cv``; this module supplies its
    ``SamplingWrapper``. A refit uses the *same* model (prior units, initial state
    ``b0, P0``) as the full fit (:class:`Refitter`), sampled by nutpie through the same path as
    the fit. The prior units ``sd(y)``, ``sd(H_k)`` come from the whole sample: that is the
    only use of future data, a scale convention, identical across variants. ``L`` must cover
    the ``init_window`` of an ``initial="ols"`` start, so that ``b0`` uses no future data
    either.

    Parameters
    ----------
    fit : bayes_beta.Fit
        The fit to evaluate.
    min_train : int, optional
        ``L``; default half the observed steps, at least the ``init_window`` of an OLS start
        (:func:`default_min_train`).
    method : {"approx", "exact"}, default "approx"
        PSIS-LFO with refits, or a refit at every step.
    k_threshold : float, default 0.7
        The Pareto k above which PSIS-LFO refits (below 0: a refit at every step).
    refitter : Refitter, optional
        Reuse a refitter (and its compiled model); else one is built from ``fit.design`` and
        ``fit.variant`` with ``refit_settings``.
    progress : bool or callable, default False
        ``True`` prints a line to stderr before each (re)fit on :math:`y_{1:i}`; a callable is
        called with ``i`` instead; ``False``: silent.
    callback : callable, optional
        Deprecated name of a callable ``progress`` (a ``FutureWarning``; removed in the next
        minor release).
    **refit_settings
        ``draws``, ``tune``, ``chains``, ``seed`` of the refits (default: the fit's chains and
        draws, as many tuning steps as draws).

    Returns
    -------
    arviz_stats.utils.ELPDDataLFO
        With ``elpd``, ``se``, ``elpd_i`` (pointwise, one per predicted step), ``pareto_k``,
        ``refits`` and ``n_refits`` (for ``"approx"`` not counting the first fit on
        :math:`y_{1:L}`).

    Raises
    ------
    bayes_beta.ArgumentError
        ``method`` not one of the choices, or ``k_threshold`` not a number.
    bayes_beta.DataError
        ``min_train`` not an integer between the initial-state window and the observed
        steps - 1.

    See Also
    --------
    bayes_beta.evaluate.compare_priors : LFO-CV of several prior variants, side by side.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> res = bb.lfo_cv(fit, min_train=255)  # PSIS-LFO over the last 5 steps
    >>> res.elpd_i.shape, res.pareto_k.shape
    ((5,), (5,))

    Exact LFO refits at every step (here 3, each one reusing the compiled model):

    >>> exact = bb.lfo_cv(fit, min_train=257, method="exact")
    >>> exact.n_refits, [int(i) for i in exact.refits]
    (3, [257, 258, 259])
    >>> bb.lfo_cv(fit, min_train=10)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: min_train must be an integer between 26 (the initial-state ...
    """
    import arviz_stats

    if method not in ("approx", "exact"):
        raise ArgumentError(f"method must be 'approx' or 'exact'; got {method!r}.")
    if isinstance(k_threshold, bool) or not isinstance(k_threshold, numbers.Real):
        raise ArgumentError(f"k_threshold must be a number (0.7 is usual; below 0 refits at "
                            f"every step); got {k_threshold!r}.")
    L = check_min_train(fit.design, min_train)
    if refitter is None:
        post = fit.tree["posterior"]
        settings = {"draws": post.sizes["draw"], "tune": post.sizes["draw"],
                    "chains": post.sizes["chain"], **refit_settings}
        refitter = Refitter(fit.design, fit.variant, fit.options, **settings)
    if callback is not None:
        warnings.warn("lfo_cv(callback=...) is now lfo_cv(progress=...); the old name will be "
                      "removed in the next minor release.", FutureWarning, stacklevel=2)
        progress = callback
    if callable(progress) or not progress:
        hook = progress if callable(progress) else None
    else:
        hook = lambda i: print(f"LFO refit on y_1..{i}", file=sys.stderr, flush=True)  # noqa: E731
    wrapper = FilterWrapper(refitter, hook)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LFO-CV triggered", category=UserWarning)
        res = arviz_stats.lfo_cv(
            fit.tree,
            wrapper,
            min_observations=L,
            forecast_horizon=1,
            method=method,
            k_threshold=k_threshold,
            pointwise=True,
        )
    return res


def check_min_train(design: Design, min_train) -> int:
    """``L`` of LFO-CV, checked.

    ``L`` must lie after the initial-state window of an ``initial="ols"`` or ``"prior"`` start
    (which must not see future data; 2 otherwise) and before the last observed step.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The fit's design.
    min_train : int or None
        ``L``, or ``None`` for :func:`default_min_train`.

    Returns
    -------
    int
        ``L``.

    Raises
    ------
    bayes_beta.DataError
        ``min_train`` not an integer in that range.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate.lfo import check_min_train
    >>> design = bb.make_design(bb.datasets.load_example().iloc[-260:], "Util", ["Mkt-RF"])
    >>> check_min_train(design, None), check_min_train(design, 200)
    (130, 200)
    >>> check_min_train(design, 260)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: min_train must be an integer between 26 (...) and 259 ...
    """
    n_obs = int(design.observed.sum())
    if min_train is None:
        return default_min_train(design, n_obs)
    needs = design.init_window if design.initial in ("ols", "prior") else 2
    if isinstance(min_train, bool) or not isinstance(min_train, numbers.Integral) or \
            not needs <= min_train < n_obs:
        raise DataError(
            f"min_train must be an integer between {needs} (the initial-state window, which "
            f"must not see future data) and {n_obs - 1} (observed steps - 1); got {min_train!r}.")
    return int(min_train)


def default_min_train(design: Design, n_obs: int) -> int:
    """``L`` of LFO-CV when none is given.

    Half the observed steps, at least the initial-state window (``design.init_window``), at
    most ``n_obs - 1``.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The fit's design.
    n_obs : int
        The number of observed steps.

    Returns
    -------
    int
        ``min(max(n_obs // 2, init_window), n_obs - 1)``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import default_min_train
    >>> df = bb.datasets.load_example()
    >>> default_min_train(bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF"]), 260)
    130
    >>> default_min_train(bb.make_design(df.iloc[-40:], "Util", ["Mkt-RF"]), 40)  # the window
    26
    """
    return int(min(max(n_obs // 2, design.init_window), n_obs - 1))
