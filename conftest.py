"""Collection rules for the whole repository: the docstrings' examples run as doctests
(``--doctest-modules``), except in modules that run a job when imported."""

collect_ignore = ["bayes_beta/__main__.py", "docs/conf.py"]
collect_ignore_glob = ["benchmarks/*", "docs/_build/*"]
