"""Error messages of model files: ``<file>: <key>: <problem> Fix: <fix>``, with did-you-mean."""

from __future__ import annotations

import difflib

from bayes_beta.errors import SpecError

__all__ = ["fail", "hint"]


def where(path, key: str) -> str:
    """``file: key`` (``<spec>`` for a spec built in code)."""
    return f"{path or '<spec>'}: {key}" if key else f"{path or '<spec>'}"


def fail(path, key: str, problem: str, fix: str = ""):
    """Raise a SpecError naming the file and key; ``problem;`` runs on into ``fix``."""
    if fix:
        problem += f" {fix}" if problem.endswith(";") else f" Fix: {fix}"
    raise SpecError(f"{where(path, key)}: {problem}")


def hint(word: str, choices) -> str:
    """``did you mean 'x'?`` for a close match, else the list of valid choices."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(map(str, choices))}."
