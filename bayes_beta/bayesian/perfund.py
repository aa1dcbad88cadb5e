"""What every fund of a many-funds run gets, however it was fitted: its seed and its files.

:func:`fund_seed` names the seed of a fund in a seeded run; :func:`save_fund` writes a fund's
``Fit`` (whole, or reduced for ``keep="summary"``) to the store and returns its FitSet row, for
the independent fits of :mod:`~bayes_beta.bayesian.many` and the pooled ones of
:mod:`~bayes_beta.bayesian.pooled` alike.
"""

from __future__ import annotations

import hashlib

import xarray as xr

from bayes_beta.bayesian.fitset import fund_summary

__all__ = ["SUMMARY_PATHS", "fund_seed", "reduced_fit", "save_fund"]

#: Path draws a ``keep="summary"`` store keeps per fund (the FitSet's bands use them all first).
SUMMARY_PATHS = 200


def fund_seed(seed: int | None, fund) -> int | None:
    """The seed of ``fund`` in a run seeded with ``seed``.

    ``bb.fit(..., seed=fund_seed(seed, fund))`` reproduces that fund's fit in a
    :func:`bayes_beta.fit_many` run seeded with ``seed``. It depends on the fund's label only,
    not its position: the first 4 bytes of the SHA-256 of ``"<seed>/<fund>"`` (little-endian),
    modulo :math:`2^{31}`.

    Parameters
    ----------
    seed : int or None
        The run's seed.
    fund : object
        The fund's label (used through ``str``).

    Returns
    -------
    int or None
        A seed in :math:`[0, 2^{31})`; ``None`` when ``seed`` is ``None``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.fund_seed(47, "Util"), bb.fund_seed(47, "Banks")
    (415421179, 502726073)

    So ``bb.fit(df, "Util", factors, seed=bb.fund_seed(47, "Util"))`` reproduces the fund
    ``"Util"`` of ``bb.fit_many(..., seed=47)`` with the same settings.

    >>> bb.fund_seed(None, "Util") is None
    True
    """
    if seed is None:
        return None
    digest = hashlib.sha256(f"{int(seed)}/{fund}".encode()).digest()
    return int.from_bytes(digest[:4], "little") % 2**31


def reduced_fit(fit, n_paths: int = SUMMARY_PATHS):
    """The fit without its per-draw log-likelihood and with ``n_paths`` exposure paths."""
    from bayes_beta.bayesian.fit import Fit

    ex = fit.tree["exposures"].to_dataset()
    step = max(1, -(-ex.sizes["chain"] * ex.sizes["draw"] // n_paths))
    groups = {k: fit.tree[k].to_dataset() for k in fit.tree.children if k != "log_likelihood"}
    groups["exposures"] = ex.isel(draw=slice(None, None, step))
    tree = xr.DataTree.from_dict(groups)
    tree.attrs.update(fit.tree.attrs)
    return Fit(tree, fit.design, fit.variant, fit.options, fit.problems)


def save_fund(store, fund, fit, keep: str) -> xr.Dataset:
    """Write ``fit`` to ``store`` (``keep="fit"``: whole; ``"summary"``: without the per-draw
    log-likelihood and with :data:`SUMMARY_PATHS` paths) and return its FitSet row (from the
    whole fit), which the caller writes once it has added its timings."""
    saved = fit if keep == "fit" else reduced_fit(fit)
    saved.save(store.fit_path(fund))
    return fund_summary(fit)
