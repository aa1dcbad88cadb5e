"""Shared fixtures: plots draw off-screen; reference data comes from the shipped example."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import bayes_beta as bb


@pytest.fixture(scope="session")
def example():
    """Weekly Util on Mkt-RF and d10y with a fixed, realistic random-walk spec."""
    df = bb.datasets.load_example()
    y = df["Util"].to_numpy()
    H = df[["Mkt-RF", "d10y"]].to_numpy()
    spec = bb.StateSpace.random_walk(
        Q=np.diag([0.02**2, 0.002**2]),
        R=np.array([[0.015**2]]),
        b0=np.array([0.5, -0.01]),
        P0=np.diag([0.25, 0.01]),
    )
    return y, H, spec
