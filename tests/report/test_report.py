"""Reports: Markdown tables and the self-contained HTML of a fit."""

import numpy as np
import pandas as pd

from bayes_beta.report import markdown_table


def test_markdown_table():
    df = pd.DataFrame({"a": [1.23456789, np.nan], "b": ["x|y", "z"]},
                      index=pd.Index(["r1", "r2"], name="variant"))
    md = markdown_table(df).splitlines()
    assert md[0] == "| variant | a | b |" and md[1] == "|---|---|---|"
    assert md[2] == "| r1 | 1.235 | x\\|y |" and md[3] == "| r2 |  | z |"
