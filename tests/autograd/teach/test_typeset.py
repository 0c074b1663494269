"""An Explanation in Jupyter: the same paths, products, sums and local derivatives as its text, typeset."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autograd_cases import hand_written_tanh, lecture

from autograd import Value, explain


def html_of(ex) -> str:
    html = ex._repr_html_()
    ET.fromstring(html)  # well formed
    return html


def fractions(html: str) -> list[str]:
    """Each derivative d top / d bottom in the page, as "top/bottom", in order."""
    tree = ET.fromstring(html)
    found = []
    for frac in tree.iter("mfrac"):
        top, bottom = (row.findall("mi") for row in frac.findall("mrow"))
        if top and top[0].text == "d" and len(top) == len(bottom) == 2:
            found.append(f"{top[1].text}/{bottom[1].text}")
    return found


def rows(html: str) -> list[str]:
    """Each table row's label and its formula's leaves, as text."""
    tree = ET.fromstring(html)
    return [" ".join("".join(td.itertext()) for td in tr.iter("td")) for tr in tree.iter("tr")]


def test_one_path_is_a_product_of_fractions_with_its_numbers():
    g = lecture()
    html = html_of(explain(g["L"], g["a"]))
    assert "<math" in html and "dL/da: 1 path from L to a" in html
    assert fractions(html)[:4] == ["L/a", "L/d", "d/e", "e/a"]  # dL/da = dL/dd · dd/de · de/da
    first = rows(html)[0]
    assert first.endswith("=(−2.0)·1.0·(−3.0)=6.0")
    assert "(mul)" in html and fractions(html)[4:] == ["L/d", "e/a"]  # where: dL/dd = f, de/da = b


def test_several_paths_are_rows_with_their_sum_and_formulas_are_typeset():
    x = Value(0.5, label="x")
    t = x.tanh()
    t.label = "t"
    y = x * t
    y.label = "y"
    ex = explain(y, x)
    html = html_of(ex)
    labels = [r.split(" ")[0] for r in rows(html)[:3]]
    assert labels == ["path", "path", "sum"] and rows(html)[2].endswith(f"={ex.total:.6g}")
    assert "<msup>" in html and "<mi>tanh</mi>" in html and "(tanh)" in html


def test_grouped_paths_zero_the_seed_a_long_path_and_a_hand_written_node():
    z = Value(0.3, label="z")
    h = z
    for _ in range(30):
        h = h * 0.5 + h.sin()
    ex = explain(h, z)
    html = html_of(ex)
    via = [r for r in rows(html) if r.startswith("via ")]
    assert len(via) == len(ex.groups) == str(ex).count("\n  via ") and "sum of the 2 groups" in html
    assert html_of(explain(Value(1.0, label="y"), z)).count("<math") == 0  # no path: the text line
    assert "the seed" in html_of(explain(z, z))
    chain = z
    for _ in range(12):
        chain = chain.sin()
    long = explain(chain, z)
    assert "(4 more factors)" in str(long) and "(4 more factors)" in html_of(long)  # as the text shortens it
    x = Value(0.5, label="x")
    out, _ = hand_written_tanh(x)
    assert "(mytanh: hand-written _backward)" in html_of(explain(out * 2.0, x))
