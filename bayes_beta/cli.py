"""The ``bayes-beta`` command: fit or compare the prior variants of a TOML model spec.

    bayes-beta check   SPEC                       validate the spec and load its data
    bayes-beta fit     SPEC [--variant V] --out DIR
    bayes-beta compare SPEC --out DIR [--lfo approx|exact|none] [--min-train L]
    bayes-beta fit-many SPEC --out DIR [--scheduler ADDRESS] [--workers N] [--keep fit|summary]
                                       [--pooling none|partial]
    bayes-beta backtest SPEC --out DIR [--refit Y|Q|M] [--start DATE]

Bad usage or input (unknown keys, bad values, missing files or columns, an unwritable ``--out``)
stops before any sampling with one line on stderr and exit status 2; a failure at run time exits
with 1 (the traceback only with ``--debug``). Progress goes to stderr, results to stdout and
``--out``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

from bayes_beta.errors import ArgumentError, BayesBetaError
from bayes_beta.specs import load_spec
from bayes_beta.specs.modelfile import spec_sampling
from bayes_beta.specs.options import DEFAULT_VOLATILITY, VOLATILITIES
from bayes_beta.version import __version__

EPILOG = """examples:
  bayes-beta check models/utilities_rates.toml
  bayes-beta fit models/utilities_rates.toml --variant tight --out out/fit
  bayes-beta fit models/utilities_rates.toml --volatility stochastic --out out/fit_sv
  bayes-beta compare models/utilities_rates.toml --out out/compare
  bayes-beta compare my.toml --out out --draws 200 --tune 200 --chains 2 --lfo exact --min-train 150
  bayes-beta fit-many models/industries_ff3.toml --out out/industries --workers 2
  bayes-beta fit-many models/industries_ff3.toml --out out/industries --scheduler tcp://host:8786
  bayes-beta fit-many models/industries_ff3.toml --out out/pooled --pooling partial
  bayes-beta backtest models/utilities_rates.toml --out out/backtest --draws 500 --chains 2

The spec format is documented in models/README.md.
"""

FIT_FILES = """writes to --out: fit_<V>.nc (the whole fit; bb.load_fit), summary_<V>.csv,
bands_<V>.csv, report_<V>.md and report_<V>.html (figures embedded: exposures, filtered vs
smoothed, a 13-step forecast, yearly return attribution, one-step model checks), <V>_exposures.png,
<V>_filtered_vs_smoothed.png, <V>_forecast.png, <V>_attribution.png, <V>_checks.png, and
<V>_volatility.png when --volatility is not constant"""

COMPARE_FILES = """writes to --out: fits/fit_<V>.nc per variant, comparison.csv (the table: LFO
elpd, differences, stacking weights, PSIS-LOO heuristic, band widths), noise.csv, band_width.csv,
sensitivity.csv, prior_checks.csv, bands.png, noise.png, elpd.png, report.md (links the PNGs)
and report.html (self-contained)"""


BACKTEST_FILES = """writes to --out: steps.csv (every forecast: date, method, y, forecast, error,
log score, covered), by_year.csv, overall.csv, backtest.png, report.md and report.html"""

MANY_FILES = """writes to --out: store/ (one fit and one summary per fund, index.csv, store.json;
a rerun resumes it), fitset.nc (bb.load_fitset), table.csv (latest exposures, drift, band
widths, diagnostics per fund and factor), drift.csv, failed.csv, heatmap.png, fans_<factor>.png,
report.md and report.html (self-contained)"""


def _sampling(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sampling (override the spec's [sampling] table)")
    g.add_argument("--draws", type=int, help="posterior draws per chain")
    g.add_argument("--tune", type=int, help="warm-up steps per chain")
    g.add_argument("--chains", type=int, help="number of chains")
    g.add_argument("--seed", type=int, help="random seed")
    p.add_argument("--volatility", choices=tuple(VOLATILITIES),
                   help=f"observation-noise model (default: the spec's, else "
                        f"{DEFAULT_VOLATILITY})")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.add_argument("--debug", action="store_true", help="show the traceback of a failure")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bayes-beta",
        description="Bayesian time-varying factor exposures from a TOML model spec: fit one "
        "prior variant, or compare all of them (leave-future-out CV, noise posteriors, "
        "exposure bands, prior sensitivity and prior predictive checks).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bayes-beta {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate a spec and load its data",
                           description="Validate SPEC and load its data; prints a summary.")
    check.add_argument("spec", metavar="SPEC", help="TOML model spec")
    check.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    fit = sub.add_parser("fit", help="fit one prior variant", epilog=FIT_FILES,
                         description="Fit one prior variant of SPEC and write it with a report.")
    fit.add_argument("spec", metavar="SPEC", help="TOML model spec")
    fit.add_argument("--variant", metavar="V", help="prior variant (default: the spec's first)")
    fit.add_argument("--out", required=True, metavar="DIR", help="output folder")
    _sampling(fit)
    cmp = sub.add_parser("compare", help="compare all prior variants", epilog=COMPARE_FILES,
                         description="Fit every prior variant of SPEC and compare them.")
    cmp.add_argument("spec", metavar="SPEC", help="TOML model spec")
    cmp.add_argument("--out", required=True, metavar="DIR", help="output folder")
    cmp.add_argument("--variants", metavar="V1,V2", help="comma-separated subset of variants")
    cmp.add_argument("--lfo", choices=("approx", "exact", "none"),
                     help="LFO-CV: PSIS with refits when k > threshold (approx), a refit at "
                     "every step (exact, slow) or none (default: the spec's, else approx)")
    cmp.add_argument("--min-train", type=int, metavar="L",
                     help="observations before the first forecast (default: the spec's, else "
                     "half the sample)")
    cmp.add_argument("--k-threshold", type=float, metavar="K",
                     help="Pareto k above which approx LFO refits (default 0.7)")
    cmp.add_argument("--prob", type=float, default=0.9, help="band probability (default 0.9)")
    _sampling(cmp)
    many = sub.add_parser("fit-many", help="fit every target of a many-target spec",
                          epilog=MANY_FILES, description="Fit every fund of SPEC (targets = "
                          "[...] or \"all\") on dask.distributed into a store, with a "
                          "cross-fund report.")
    many.add_argument("spec", metavar="SPEC", help="TOML model spec with targets")
    many.add_argument("--out", required=True, metavar="DIR", help="output folder")
    many.add_argument("--variant", metavar="V", help="prior variant (default: the spec's first)")
    many.add_argument("--scheduler", metavar="ADDRESS", help="a running dask scheduler (e.g. "
                      "tcp://10.0.0.5:8786); default: a local cluster")
    many.add_argument("--workers", type=int, metavar="N",
                      help="local worker processes (default: one per core)")
    many.add_argument("--keep", choices=("fit", "summary"), default="fit",
                      help="per fund: the whole fit (default) or summaries and 200 paths")
    many.add_argument("--funds", metavar="F1,F2", help="comma-separated subset of the targets")
    bt = sub.add_parser("backtest", help="out-of-sample comparison with rolling OLS and the MLE "
                        "filter", epilog=BACKTEST_FILES,
                        description="Refit at every --refit period on the data before it and "
                        "forecast each step one ahead: bayes_beta, the classical MLE filter, "
                        "rolling OLS (3 and 5 years of steps) and expanding OLS.")
    bt.add_argument("spec", metavar="SPEC", help="TOML model spec (one target)")
    bt.add_argument("--out", required=True, metavar="DIR", help="output folder")
    bt.add_argument("--variant", metavar="V", help="prior variant (default: the spec's first)")
    bt.add_argument("--refit", choices=("Y", "Q", "M"), default="Y",
                    help="refit every year (default), quarter or month")
    bt.add_argument("--start", metavar="DATE", help="first forecast date (default: once the "
                    "5-year window is full)")
    _sampling(bt)
    many.add_argument("--pooling", choices=("none", "partial"),
                      help="independent fits or one joint fit whose noise scales share "
                      "population hyperpriors (default: the spec's pooling, else none)")
    _sampling(many)
    return parser


class Progress:
    def __init__(self, quiet: bool):
        self.quiet, self.start = quiet, time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.start:7.1f} s] {message}", file=sys.stderr,
                  flush=True)


def _with_options(spec, args):
    """The spec with the command line's overrides (validated like the file's values)."""
    from dataclasses import replace

    pick = lambda keys: {k: getattr(args, k) for k in keys  # noqa: E731
                         if getattr(args, k, None) is not None}
    sampling = spec_sampling(spec.path, spec.sampling, pick(("draws", "tune", "chains", "seed")))
    spec = spec.with_(sampling=sampling, **pick(("volatility",)))
    return spec.with_(compare=replace(spec.compare, **pick(("lfo", "min_train", "k_threshold"))))


def _check(args, spec) -> int:
    if spec.targets:
        returns, factors = spec.load_universe()
        print(f"{spec.path}: {spec.name!r} is valid")
        print(f"  data: {returns.shape[1]} targets on {list(spec.factors)}, {len(factors)} "
              f"{spec.frequency} rows {factors.index[0]:%Y-%m-%d} .. "
              f"{factors.index[-1]:%Y-%m-%d}")
        for v in spec.priors:
            print(f"  variant {v.name!r}: {v.description}")
        return 0
    df = spec.load_data()
    print(f"{spec.path}: {spec.name!r} is valid")
    print(f"  data: {len(df)} {spec.frequency} rows {df.index[0]:%Y-%m-%d} .. "
          f"{df.index[-1]:%Y-%m-%d}; target {spec.target!r} on {list(spec.factors)}")
    for v in spec.priors:
        print(f"  variant {v.name!r}: {v.description}")
    return 0


def output_folder(path: str, *subfolders: str) -> Path:
    """``--out``: created if missing; refused (before any work) when it is a file or cannot be
    written to."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ArgumentError(f"--out {path!r} is a file; give a folder (it is created if needed).")
    try:
        for sub in ("", *subfolders):
            (out / sub).mkdir(parents=True, exist_ok=True)
        probe = out / ".bayes_beta_write_test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise ArgumentError(f"--out {path!r} cannot be written to ({err.strerror}); choose a "
                            "folder you can write to.") from err
    return out


def _fit(args, spec, say) -> int:
    from bayes_beta.bayesian import fit_spec  # PyMC loads only for commands that sample
    from bayes_beta.report import fit_report

    variant = spec.variant(args.variant).name  # fails fast on an unknown name
    out = output_folder(args.out)
    say(f"fitting {spec.name!r}, variant {variant!r} (compiling the model first)")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        fit = fit_spec(spec, variant, progress=sys.stderr.isatty() and not args.quiet)
    say(f"writing results to {out}/")
    fit.save(out / f"fit_{variant}.nc")
    summary = fit.summary()
    summary.to_csv(out / f"summary_{variant}.csv")
    fit.bands(0.9).to_dataframe().to_csv(out / f"bands_{variant}.csv")
    drift = fit.drift_evidence()
    drift.to_csv(out / f"drift_{variant}.csv")
    fit_report(fit, prefix=f"{variant}_").write(out, f"report_{variant}")
    print(repr(fit))
    print(summary.to_string())
    print(drift.to_string(float_format=lambda x: f"{x:.3g}"))
    for problem in fit.problems:
        print(f"warning: {problem}")
    return 0


def _compare(args, spec, say) -> int:
    from bayes_beta.evaluate import compare_priors
    from bayes_beta.report import comparison_report

    variants = args.variants.split(",") if args.variants else None
    for v in variants or []:
        spec.variant(v)  # fails fast on an unknown name
    if not 0 < args.prob < 1:
        raise ArgumentError(f"--prob must be strictly between 0 and 1; got {args.prob}.")
    out = output_folder(args.out, "fits")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        cmp = compare_priors(spec, variants=variants, prob=args.prob, progress=say)
    say(f"writing results to {out}/")
    for name, fit in cmp.fits.items():
        fit.save(out / "fits" / f"fit_{name}.nc")
    cmp.table.to_csv(out / "comparison.csv")
    cmp.noise.to_csv(out / "noise.csv")
    cmp.band_width.to_csv(out / "band_width.csv")
    cmp.sensitivity.to_csv(out / "sensitivity.csv")
    cmp.prior_checks.to_csv(out / "prior_checks.csv", index=False)
    comparison_report(cmp, title=f"{spec.name}: prior comparison").write(out, "report")
    print(cmp.table.to_string(float_format=lambda x: f"{x:.4g}"))
    return 0


def _fit_many(args, spec, say) -> int:
    from bayes_beta.bayesian import fit_many
    from bayes_beta.report import many_report

    variant = spec.variant(args.variant)
    names = spec.target_names()
    if args.funds:
        chosen = args.funds.split(",")
        missing = [f for f in chosen if f not in names]
        if missing:
            raise ArgumentError(f"--funds {missing} are not targets of the spec; it has "
                                f"{names[:10]}{' ...' if len(names) > 10 else ''}.")
        spec = spec.with_(targets=tuple(chosen), target=chosen[0])
    if args.workers is not None and args.workers < 1:
        raise ArgumentError(f"--workers must be at least 1; got {args.workers}.")
    out = output_folder(args.out)
    returns, factors = spec.load_universe()
    say(f"{returns.shape[1]} funds on {list(spec.factors)}; fitting into {out / 'store'}/")
    client = None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler, timeout=60)
    try:
        fs = fit_many(returns, factors, variant, store=out / "store", client=client,
                      workers=args.workers, keep=args.keep, seed=spec.sampling.seed,
                      progress=not args.quiet, pooling=args.pooling or spec.pooling,
                      **_many_options(spec))
    finally:
        if client is not None:
            client.close()
    say(f"writing results to {out}/")
    fs.save(out / "fitset.nc")
    fs.table().to_csv(out / "table.csv")
    fs.data["drift"].to_pandas().to_csv(out / "drift.csv")
    fs.failed.to_csv(out / "failed.csv")
    many_report(fs, title=f"{spec.name}: {len(fs)} funds").write(out, "report")
    print(repr(fs))
    print(fs.rank("drift").head(10).to_string())
    return 0


def _backtest(args, spec, say) -> int:
    from bayes_beta.evaluate import backtest
    from bayes_beta.report import backtest_report

    variant = spec.variant(args.variant)
    out = output_folder(args.out)
    df = spec.load_data()
    s = spec.sampling
    say(f"backtesting {spec.target!r} on {list(spec.factors)} (refit every {args.refit})")
    bt = backtest(df, spec.target, list(spec.factors), variant, refit=args.refit,
                  start=args.start, intercept=spec.intercept, volatility=spec.volatility,
                  dynamics=spec.dynamics, initial=spec.initial, draws=s.draws, tune=s.tune,
                  chains=s.chains, seed=s.seed, target_accept=s.target_accept,
                  progress=not args.quiet)
    bt.steps.to_csv(out / "steps.csv", index=False)
    bt.table.to_csv(out / "by_year.csv")
    bt.overall.to_csv(out / "overall.csv")
    rep = backtest_report(bt, f"{spec.name}: backtest of {spec.target}")
    rep.write(out, "report")
    print(bt.overall.to_string())
    return 0


def _many_options(spec) -> dict:
    s = spec.sampling
    opts = {"draws": s.draws, "tune": s.tune, "chains": s.chains, "intercept": spec.intercept,
            "dynamics": spec.dynamics, "initial": spec.initial, "volatility": spec.volatility}
    if s.target_accept is not None:
        opts["target_accept"] = s.target_accept
    if spec.init_window is not None:
        opts["init_window"] = spec.init_window
    return opts


def _run(args, say) -> int:
    spec = _with_options(load_spec(args.spec), args)
    if args.command == "check":
        return _check(args, spec)
    if args.command == "fit-many":
        return _fit_many(args, spec, say)
    if spec.targets:
        raise ArgumentError(f"{args.spec} names many targets; run `bayes-beta fit-many "
                            f"{args.spec} --out DIR`, or give one target.")
    spec.load_data()  # data problems surface before any compilation
    if args.command == "fit":
        return _fit(args, spec, say)
    if args.command == "backtest":
        return _backtest(args, spec, say)
    return _compare(args, spec, say)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``bayes-beta``. Exit status 0 on success, 2 for bad usage or input (one
    line on stderr, before any sampling), 1 for a failure at run time (one line; the
    traceback with ``--debug``)."""
    args = build_parser().parse_args(argv)
    say = Progress(getattr(args, "quiet", False))
    try:
        return _run(args, say)
    except BayesBetaError as err:
        if args.debug:
            raise
        print(f"bayes-beta: error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a failure at run time: one line unless --debug
        if args.debug:
            raise
        print(f"bayes-beta: failed: {type(err).__name__}: {err} (run again with --debug for "
              "the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
