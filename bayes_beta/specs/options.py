"""Model choices that are neither data nor priors: dynamics, likelihood, observation volatility.

    dynamics   "random_walk"      T = I
               "mean_reverting"   beta_t - mu = diag(phi) (beta_(t-1) - mu) + eta_t
    likelihood "fused"            the numba Op with its hand-derived gradient (default)
               "scan"             the pytensor scan graph (the reference; slow to compile)
    volatility "constant"         one observation variance R for every step (default)
               "stochastic"       log R_t a stationary AR(1), its path sampled by NUTS
               "garch"            R_t = omega + alpha v_(t-1)^2 + gamma R_(t-1) (own innovations)
               "student_t"        R_t = sigma_obs^2 lambda_t, lambda_t ~ InvGamma(nu/2, nu/2)
               "known"            R_t = sigma_obs^2 m_t with a given column of multipliers m_t
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bayes_beta.errors import SpecError

__all__ = ["DYNAMICS", "LIKELIHOODS", "VOLATILITIES", "ModelOptions"]

DYNAMICS = ("random_walk", "mean_reverting")
LIKELIHOODS = ("fused", "scan")
VOLATILITIES = ("constant", "stochastic", "garch", "student_t", "known")


@dataclass(frozen=True)
class ModelOptions:
    """How the model is built from a design and a prior variant (validated on construction)."""

    dynamics: str = "random_walk"
    likelihood: str = "fused"
    volatility: str = "constant"

    def __post_init__(self) -> None:
        if self.dynamics not in DYNAMICS:
            raise SpecError(f"dynamics must be one of {DYNAMICS}; got {self.dynamics!r}.")
        if self.likelihood not in LIKELIHOODS:
            raise SpecError(f"likelihood must be one of {LIKELIHOODS}; got {self.likelihood!r}.")
        if self.volatility not in VOLATILITIES:
            raise SpecError(f"volatility must be one of {VOLATILITIES}; got {self.volatility!r}.")
        if self.volatility != "constant" and self.likelihood != "fused":
            raise SpecError(f"volatility={self.volatility!r} needs likelihood='fused' (the scan "
                            "graph has one constant R).")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelOptions:
        return cls(**d)  # files written before volatility existed load as "constant"
