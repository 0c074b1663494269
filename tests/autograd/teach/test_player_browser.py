"""The player page in a real browser: Debian's headless chromium, driven by selenium through chromedriver.

The page is loaded from a file:// URL, its buttons, slider and keys are used as a person would, and
what the DOM then shows (the highlighted node, every grad field and its state, the step text, which
edges are greyed out) is checked against the Stepper itself, gone to the same step: the Stepper's
grads, its steps' text, and which steps add to which node. The checks do not read the player's data.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

import pytest
from autograd_cases import lecture

from autograd import Stepper, Value
from autograd.core import Unreached

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; "
                              ".ci/run installs them)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the dev dependency group: uv sync)")
from selenium.webdriver.common.by import By  # noqa: E402  (after the skip: selenium may be missing)
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

READ = """
const box = document.querySelectorAll('.cr-player')[arguments[0]];
const node = {};
box.querySelectorAll('g.node').forEach(g => { node[g.getAttribute('data-node')] = g; });
const nameOf = id => node[id].querySelector('text').textContent;
const grads = {};
box.querySelectorAll('text.grad').forEach(t => {
  grads[nameOf(t.getAttribute('data-node'))] = [t.textContent,
    ['unreached', 'partial', 'final'].filter(c => t.classList.contains(c))];
});
const current = Array.from(box.querySelectorAll('g.node.current')).map(g => g.getAttribute('data-node'));
const outline = current.length ? getComputedStyle(node[current[0]].querySelector('polygon, ellipse')).stroke : '';
const edges = Array.from(box.querySelectorAll('g.edge')).filter(g => g.getAttribute('data-to').endsWith('op'))
  .map(g => { const label = g.querySelector('text');
    return [nameOf(g.getAttribute('data-to').slice(0, -2)), g.classList.contains('pending'),
            label ? getComputedStyle(label).display : 'none']; });
return {position: Number(box.getAttribute('data-position')), text: box.querySelector('.cr-text').textContent,
        slider: Number(box.querySelector('.cr-slider').value), label: box.querySelector('.cr-position').textContent,
        back: box.querySelector('.cr-back').disabled, next: box.querySelector('.cr-next').disabled,
        playing: box.getAttribute('data-playing'), grads, current, outline, edges};
"""


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def a_graph() -> tuple[Value, dict[str, Value]]:
    """The lecture's graph with `a` used twice, so that a's grad is a running total before it is final."""
    g = lecture()
    t = g["a"].tanh()
    t.label = "t"
    out = g["L"] + t
    out.label = "out"
    return out, {**g, "t": t, "out": out}


def the_pass(s: Stepper) -> list[tuple[Value, list[Value]]]:
    """Each step's node and the inputs it adds to, read from the Stepper run to its end (then put back)."""
    at = s.position
    s.run()
    found = [(step.node, [t.input for t in step.terms]) for step in s.steps]
    s.goto(at)
    return found


def expected(s: Stepper, position: int) -> dict[str, Any]:
    """What the page must show after `position` steps, from the Stepper gone to that step."""
    steps = the_pass(s)
    s.goto(position)
    grads = {}
    for v in s.names.nodes:
        if v.is_constant:
            continue
        unreached = isinstance(v.grad, Unreached)
        later = any(x is v for _, inputs in steps[position:] for x in inputs)
        state = "unreached" if unreached else "partial" if later else "final"
        grads[s.names(v)] = ["grad —" if unreached else f"grad {float(v.grad):.4f}", [state]]
    applied = {s.names(node) for node, _ in steps[:position]}
    return {"position": position, "grads": grads, "text": str(s.steps[-1]) if position else None,
            "current": s.names(steps[position - 1][0] if position else s.root), "applied": applied, "n": len(steps)}


def check(browser, s: Stepper, position: int, player: int = 0) -> dict[str, Any]:
    shown, want = browser.execute_script(READ, player), expected(s, position)
    assert shown["position"] == shown["slider"] == position
    assert shown["label"] == f"{position} of {want['n']} steps applied"
    assert shown["grads"] == want["grads"]
    values = [c for c in shown["current"] if not c.endswith("op")]
    assert len(values) == 1
    names = browser.execute_script(
        "return arguments[1].map(id => document.querySelectorAll('.cr-player')[arguments[0]]"
        ".querySelector(`g[data-node=\"${id}\"] text`).textContent)", player, values)
    assert names == [want["current"]]
    assert shown["outline"] == "rgb(204, 0, 204)"  # the highlight is drawn, not only a class
    if want["text"] is not None:
        assert shown["text"] == want["text"]
    else:
        assert shown["text"].startswith("before step 1: the root is seeded")
    for target, pending, label in shown["edges"]:
        assert pending == (target not in want["applied"]), target
        assert (label == "none") == pending  # a greyed-out edge hides its label
    assert shown["back"] == (position == 0) and shown["next"] == (position == want["n"])
    return shown


def test_next_back_slider_and_keys_show_what_the_stepper_shows(browser, tmp_path):
    root, g = a_graph()
    s = Stepper(root)
    n = len(s)
    page = s.save_html(tmp_path / "player.html")
    browser.get(page.as_uri())
    check(browser, s, 0)
    button = {name: browser.find_element(By.CSS_SELECTOR, f".cr-{name}") for name in ("next", "back", "play")}
    for k in range(1, n + 1):
        button["next"].click()
        check(browser, s, k)
    shown = check(browser, s, n)
    assert all(state == ["final"] for _, state in shown["grads"].values())
    button["back"].click()
    button["back"].click()
    check(browser, s, n - 2)
    slider = browser.find_element(By.CSS_SELECTOR, ".cr-slider")
    slider.send_keys(Keys.HOME)
    check(browser, s, 0)
    slider.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    check(browser, s, 2)
    slider.send_keys(Keys.END)
    check(browser, s, n)
    browser.execute_script("document.querySelector('.cr-player').focus()")
    webdriver.ActionChains(browser).send_keys(Keys.ARROW_LEFT).perform()
    check(browser, s, n - 1)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0  # no network


def test_play_runs_to_the_end_and_pause_stops_it(browser, tmp_path):
    root, _ = a_graph()
    s = Stepper(root)
    n = len(s)
    browser.get(s.save_html(tmp_path / "fast.html", seconds_per_step=0.05).as_uri())
    browser.find_element(By.CSS_SELECTOR, ".cr-play").click()
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(READ, 0)["playing"] == "0")
    check(browser, s, n)
    browser.get(s.save_html(tmp_path / "slow.html", seconds_per_step=0.3).as_uri())
    play = browser.find_element(By.CSS_SELECTOR, ".cr-play")
    play.click()
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(READ, 0)["position"] >= 1)
    play.click()
    paused = browser.execute_script(READ, 0)
    assert paused["playing"] == "0" and play.text == "▶ play"
    time.sleep(0.8)
    assert 1 <= browser.execute_script(READ, 0)["position"] == paused["position"] < n
    check(browser, s, paused["position"])


def test_the_page_opens_where_the_stepper_stands_and_players_on_one_page_are_independent(browser, tmp_path):
    g = lecture()
    s = Stepper(g["L"])
    s.step()
    s.step()
    browser.get(s.save_html(tmp_path / "at2.html").as_uri())
    check(browser, s, 2)
    both = tmp_path / "two.html"
    both.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{s._repr_html_()}"
                    f"{s._repr_html_()}</body></html>", encoding="utf-8")
    browser.get(both.as_uri())
    browser.find_elements(By.CSS_SELECTOR, ".cr-next")[0].click()
    check(browser, s, 3, player=0)
    check(browser, s, 2, player=1)
