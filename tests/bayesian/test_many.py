"""``bb.fit_many`` on dask.distributed: same draws as one-by-one fits, failures isolated, resume,
a worker killed mid-run, a scheduler and workers started from the command line."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.store import Store
from bayes_beta.errors import ArgumentError, DataError

FACTORS = ["f1", "f2"]
SMALL = {"draws": 60, "tune": 60, "chains": 2, "volatility": "constant"}


def _universe(n=160, funds=4, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2005-01-07", periods=n, freq="W-FRI")
    H = pd.DataFrame(rng.normal(0, 0.02, (n, 2)), index=idx, columns=FACTORS)
    beta = 1.0 + np.cumsum(rng.normal(0, 0.02, (n, funds)), axis=0)
    y = beta * H["f1"].to_numpy()[:, None] + rng.normal(0, 0.01, (n, funds))
    returns = pd.DataFrame(y, index=idx, columns=[f"fund{i}" for i in range(funds)])
    return returns, H


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    with Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def run(client, tmp_path_factory):
    """4 good funds (one starting late) and two bad ones, on the 2-worker cluster."""
    returns, factors = _universe()
    returns.iloc[:40, 3] = np.nan  # fund3 starts later
    returns["constant"] = 0.001
    returns["empty"] = np.nan
    store = tmp_path_factory.mktemp("many") / "store"
    fs = bb.fit_many(returns, factors, store=store, client=client, seed=5, progress=False,
                     **SMALL)
    return fs, returns, factors, store


def test_same_draws_as_one_by_one_fits(run):
    fs, returns, factors, _ = run
    for fund in ["fund0", "fund3"]:
        frame = factors.join(returns[[fund]]).dropna(subset=[fund])
        one = bb.fit(frame, fund, FACTORS, seed=bb.fund_seed(5, fund), progress=False,
                     check=False, **SMALL)
        many = fs[fund]
        for name in ("sigma_state", "sigma_obs"):
            np.testing.assert_array_equal(many.tree["posterior"][name].values,
                                          one.tree["posterior"][name].values)
        # the paths: the same draws and seeds, computed in a worker process and here; the
        # kernels' last bits may differ between processes that compiled them apart (a fresh
        # checkout), as in tests/bayesian/test_propagate.py
        np.testing.assert_allclose(many.tree["exposures"]["path"].values,
                                   one.tree["exposures"]["path"].values, rtol=1e-10, atol=1e-13)
    # the late fund is NaN before its inception in the FitSet, and starts in its own fit
    late = fs.data["mean"].sel(fund="fund3", factor="f1")
    assert late.isel(time=slice(0, 40)).isnull().all() and late.isel(time=40).notnull()
    assert fs["fund3"].design.time[0] == returns.index[40]


def test_bad_funds_are_recorded_and_the_rest_finish(run):
    fs, _, _, store = run
    assert sorted(fs.done) == ["fund0", "fund1", "fund2", "fund3"]
    reasons = fs.failed["reason"]
    assert "constant" in reasons["constant"] and "all NaN" in reasons["empty"]
    index = pd.read_csv(store / "index.csv", index_col="fund")
    assert set(index["status"]) == {"done", "failed"}
    assert index.loc["fund0", "fit_mb"] > 0
    with pytest.raises(DataError, match="failed"):
        fs["constant"]


def test_each_worker_compiles_the_model_once(run):
    _, _, _, store = run
    index = pd.read_csv(store / "index.csv", index_col="fund")
    done = index[index["status"] == "done"]
    # one compile per worker process at most: the other funds reuse it
    assert done["compiled"].sum() <= done["worker"].nunique() <= 2
    assert (done.groupby("worker")["compiled"].sum() <= 1).all()


def test_resume_skips_finished_funds(run, client, tmp_path):
    fs, returns, factors, store = run
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    s = Store(copy)
    s.summary_path("fund1").unlink()  # as if the run had stopped before fund1 finished
    kept = {f: s.fit_path(f).stat().st_mtime_ns for f in ("fund0", "fund2", "fund3")}
    again = bb.fit_many(returns, factors, store=copy, client=client, seed=5, progress=False,
                        **SMALL)
    assert {f: s.fit_path(f).stat().st_mtime_ns for f in kept} == kept
    assert s.finished("fund1") and sorted(again.done) == sorted(fs.done)
    index = pd.read_csv(copy / "index.csv", index_col="fund")
    assert bool(index.loc["fund0", "resumed"]) and index.loc["fund1", "resumed"] != True  # noqa: E712
    with pytest.raises(ArgumentError, match="other settings"):
        bb.fit_many(returns, factors, store=copy, client=client, seed=6, progress=False, **SMALL)


def test_bad_arguments_fail_before_any_work(tmp_path):
    returns, factors = _universe(funds=2)
    store = tmp_path / "s"
    with pytest.raises(ArgumentError, match="unknown options"):
        bb.fit_many(returns, factors, store=store, draw=10)
    with pytest.raises(ArgumentError, match="both funds"):
        bb.fit_many(returns.join(factors[["f1"]]), factors, store=store)
    with pytest.raises(ArgumentError, match="keep"):
        bb.fit_many(returns, factors, store=store, keep="everything")
    with pytest.raises(ArgumentError, match="draws"):
        bb.fit_many(returns, factors, store=store, draws=0)
    with pytest.raises(ArgumentError, match="DataFrame"):
        bb.fit_many(returns["fund0"], factors, store=store)
    assert not store.exists()


def test_a_killed_worker_has_its_fund_retried(client, tmp_path):
    returns, factors = _universe(n=400, funds=4, seed=1)
    store = tmp_path / "store"
    result = {}
    kw = {**SMALL, "draws": 400, "tune": 400}
    thread = threading.Thread(target=lambda: result.update(fs=bb.fit_many(
        returns, factors, store=store, client=client, seed=1, progress=False, **kw)))
    thread.start()
    pids = client.run(os.getpid)
    killed = None
    deadline = time.time() + 240
    while killed is None and time.time() < deadline and thread.is_alive():
        busy = [w for w, keys in client.processing().items() if keys]
        if busy:
            time.sleep(1.0)  # let it start sampling
            killed = pids[busy[0]]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.1)
    thread.join(timeout=300)
    assert killed is not None
    fs = result["fs"]
    assert sorted(fs.done) == list(returns.columns)
    index = pd.read_csv(store / "index.csv", index_col="fund")
    assert killed not in set(index["worker"])


def test_a_cluster_started_from_the_command_line(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on localhost, a Client, 3 funds."""
    from distributed import Client

    returns, factors = _universe(funds=3, seed=2)
    file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [subprocess.Popen([*dask, "--scheduler-file", str(file), "--host", "127.0.0.1",
                               "--port", "0", "--dashboard-address", ":0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + 60
        while not file.exists() and time.time() < deadline:
            time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
                 str(file), "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(scheduler_file=str(file), timeout=60) as c:
            c.wait_for_workers(2, timeout=120)
            fs = bb.fit_many(returns, factors, store=tmp_path / "store", client=c, seed=3,
                             progress=False, **SMALL)
            assert len(c.scheduler_info()["workers"]) == 2
        assert sorted(fs.done) == list(returns.columns)
    finally:
        for p in procs[::-1]:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
