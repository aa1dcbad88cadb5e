"""Main job on the shipped example: ``python -m bayes_beta [--out DIR]``.

Weekly Utilities excess return on the market and the 10-year yield change (1990-2017): noise
variances by maximum likelihood through the Kalman filter, then filtered and smoothed exposures.
Prints a short table and saves ``exposures.png`` and ``exposures.csv`` in ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

import bayes_beta as bb


def _spec(log_var: np.ndarray, b0: np.ndarray, P0: np.ndarray) -> bb.StateSpace:
    return bb.StateSpace.random_walk(
        Q=np.diag(np.exp(log_var[:-1])), R=[[np.exp(log_var[-1])]], b0=b0, P0=P0
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bayes_beta", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", default="out", help="folder for the table and figure")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    df = bb.datasets.load_example()
    factors = ["Mkt-RF", "d10y"]
    y, H = df["Util"].to_numpy(), df[factors].to_numpy()
    coef, *_ = np.linalg.lstsq(np.c_[np.ones(len(y)), H], y, rcond=None)
    resid_var = float(np.var(y - np.c_[np.ones(len(y)), H] @ coef))
    b0, P0 = coef[1:], np.diag((10 * np.abs(coef[1:])) ** 2 + 1e-4)

    def neg_loglik(log_var):
        return -bb.kalman_filter(y, H, _spec(log_var, b0, P0)).loglik

    start = np.log(np.r_[(0.01 * np.abs(coef[1:])) ** 2 + 1e-8, resid_var])
    opt = minimize(neg_loglik, start, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-6})
    spec = _spec(opt.x, b0, P0)
    res = bb.kalman_smoother(y, H, spec)
    ds = res.to_dataset(time=df.index, factors=factors)

    sd = np.sqrt(np.exp(opt.x))
    print(
        f"Util weekly excess return on {', '.join(factors)}: {len(y)} weeks "
        f"{df.index[0]:%Y-%m-%d} .. {df.index[-1]:%Y-%m-%d}"
    )
    state_sd = ", ".join(f"{f} {s:.5f}" for f, s in zip(factors, sd[:-1], strict=True))
    print(
        f"MLE noise sd: state ({state_sd}), observation {sd[-1]:.5f}; "
        f"log-likelihood {res.loglik:.2f}"
    )
    table = pd.DataFrame(
        {
            "OLS": coef[1:],
            "smoothed mean (first week)": ds["smoothed_mean"].isel(time=0).values,
            "smoothed mean (last week)": ds["smoothed_mean"].isel(time=-1).values,
            "smoothed sd (last week)": ds["smoothed_sd"].isel(time=-1).values,
            "smoothed min": ds["smoothed_mean"].min("time").values,
            "smoothed max": ds["smoothed_mean"].max("time").values,
        },
        index=pd.Index(factors, name="factor"),
    )
    print(table.round(4).to_string())
    ds.to_dataframe().to_csv(out / "exposures.csv")

    from bayes_beta.plots import plot_filtered_smoothed

    fig = plot_filtered_smoothed(ds)
    fig.savefig(out / "exposures.png", dpi=110)
    print(f"wrote {out / 'exposures.csv'} and {out / 'exposures.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
