"""The Bayesian layer: PyMC model, sampling, propagation of posterior draws, ``Fit``.

- :mod:`~bayes_beta.bayesian.model`: the PyMC model on the Kalman likelihood, data as model data;
- :mod:`~bayes_beta.bayesian.sampling`: compile once per model shape, run on any data;
- :mod:`~bayes_beta.bayesian.propagate` and :mod:`~bayes_beta.bayesian.tree`: posterior draws
  through filter, smoother and path draws into the fit's DataTree;
- :mod:`~bayes_beta.bayesian.fit`: ``fit``, ``sample``, ``fit_spec``, :class:`Fit`,
  ``load_fit``; :mod:`~bayes_beta.bayesian.io`: the file format;
- :mod:`~bayes_beta.bayesian.many`: ``fit_many``, a universe of funds on dask.distributed, into
  a store (:mod:`~bayes_beta.bayesian.store`) and a :class:`FitSet`
  (:mod:`~bayes_beta.bayesian.fitset`);
- :mod:`~bayes_beta.bayesian.lag_model`: the Bayesian two-step lag smoother of a yield.
"""

from bayes_beta.bayesian.diagnostics import check_sampling
from bayes_beta.bayesian.fit import Fit, fit, fit_spec, load_fit, sample
from bayes_beta.bayesian.fitset import FitSet, load_fitset, open_store
from bayes_beta.bayesian.lag_model import (
    build_lag_model,
    lag_posterior_bands,
    sample_lag_model,
    summarize_lag_posterior,
)
from bayes_beta.bayesian.many import fit_many
from bayes_beta.bayesian.model import build_model, model_from_design
from bayes_beta.bayesian.perfund import fund_seed

__all__ = [
    "Fit",
    "FitSet",
    "build_lag_model",
    "build_model",
    "check_sampling",
    "fit",
    "fit_many",
    "fit_spec",
    "fund_seed",
    "lag_posterior_bands",
    "load_fit",
    "load_fitset",
    "model_from_design",
    "open_store",
    "sample",
    "sample_lag_model",
    "summarize_lag_posterior",
]
