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


def test_html_has_viewport_contents_and_unique_safe_ids(tmp_path):
    from bayes_beta.report import Report

    wide = pd.DataFrame(np.ones((2, 12)), columns=[f"column_{i}" for i in range(12)])
    rep = (Report("T <&>").heading("Noise parameters").table(wide).heading("Noise parameters")
           .heading('Drift: <b>"sd"</b> (90%)').heading("2017 <ü>").heading("!!!"))
    paths = rep.write(tmp_path)
    page = paths["html"].read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<link" not in page and "<script" not in page and "http" not in page
    ids = ["noise-parameters", "noise-parameters-2", "drift-bsdb-90", "s-2017-u", "section"]
    for i in ids:
        assert page.count(f'id="{i}"') == 1 and page.count(f'href="#{i}"') == 1, i
    assert page.count("<h2 ") == len(ids) and "<b>" not in page
    assert page.index("<nav") < page.index("<h2")
    assert page.count('<div class="table-wrap"><table') == page.count("<table") == 1
    md = paths["markdown"].read_text().splitlines()
    assert md[:4] == ["# T <&>", "", "**Contents**", ""]
    assert md[4:9] == ["- [Noise parameters](#noise-parameters)",
                       "- [Noise parameters](#noise-parameters-1)",
                       '- [Drift: <b>"sd"</b> (90%)](#drift-bsdb-90)',
                       "- [2017 <ü>](#2017-ü)", "- [!!!](#)"]


def test_a_report_without_sections_has_no_contents(tmp_path):
    from bayes_beta.report import Report

    paths = Report("Plain").text("Only text.").write(tmp_path)
    assert "<nav" not in paths["html"].read_text()
    assert "Contents" not in paths["markdown"].read_text()
