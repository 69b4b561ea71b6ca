"""`symnn explore` in a real browser: the command starts the server, headless Chromium uses the page as a student would.

Expected numbers are worked out here from the page's own weights with NumPy; a boundary's
straightness is judged by fitting a line to the level set the page drew. With SYMNN_SCREENSHOTS
set, each test leaves a full-page screenshot there.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from symnn.data.digits import LECTURE_ONE, LECTURE_ZERO
from tests.chromium import chromium, full_page_screenshot, screenshot_folder

pytest.importorskip("starlette", reason="symnn explore needs its extra: pip install -e .[explore]")
pytest.importorskip("uvicorn", reason="symnn explore needs its extra: pip install -e .[explore]")
from selenium.webdriver.common.by import By  # noqa: E402  (after the skips: selenium comes with the test extra)
from selenium.webdriver.support.ui import Select  # noqa: E402

WIDTH = 1280
URL_LINE = re.compile(r"symnn explore: (http://\S+:\d+/)")


def start_explorer(processes, *extra: str):
    """``symnn explore --no-browser`` in its own process group; (process, URL) once it prints the URL."""
    process = processes.start([sys.executable, "-m", "symnn", "explore", "--no-browser", *extra],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = URL_LINE.search(line)
        if match:
            return process, match.group(1)
        if not line and process.poll() is not None:
            break
    pytest.fail(f"symnn explore printed no URL: {process.stderr.read() if process.poll() is not None else ''}")


@pytest.fixture(scope="module")
def explorer(session_processes):
    process, url = start_explorer(session_processes)
    yield url
    process.send_signal(signal.SIGINT)


@pytest.fixture(scope="module")
def browser():
    with chromium(WIDTH) as driver:
        yield driver


@pytest.fixture
def page(browser, explorer, request):
    """The explorer in a fresh state (?fresh: this tab's memory not read), waited for until its first answers
    are in."""
    browser.get(explorer + "?fresh")
    wait_for(browser, "return !!(window.symnnExplore && symnnExplore.panel && symnnExplore.numbers "
                      "&& symnnExplore.collapse)")
    yield browser
    folder = screenshot_folder()
    if folder is not None:
        full_page_screenshot(browser, folder / f"explore-{request.node.name}.png", WIDTH)
        browser.set_window_size(WIDTH, 900)


def wait_for(browser, script: str, timeout: float = 20.0, *args):
    """Poll ``script`` (JavaScript returning a value) until it is truthy; fail with its last value otherwise."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = browser.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for: {script} (last value {value!r})")


def settled(browser):
    """Wait until the page has no change waiting to be sent (the form waits 300 ms after the last keystroke)
    and no request out; twice, since an answer may set off the next request."""
    for _ in range(2):
        wait_for(browser, "return symnnExplore.waiting === 0 && symnnExplore.requests === 0")
        time.sleep(0.05)


def build(browser, sizes: str, activations: list[str], bias: bool = True) -> None:
    """Type the sizes and choose each layer's activation, as a student would."""
    field = browser.find_element(By.ID, "sizes")
    field.clear()
    field.send_keys(sizes)
    box = browser.find_element(By.ID, "bias")
    if box.is_selected() != bias:
        box.click()
    for j, name in enumerate(activations, start=1):
        Select(browser.find_element(By.ID, f"act-{j}")).select_by_value(name)
    wait_for(browser, "return symnnExplore.panel && symnnExplore.panel.sizes.join(',') === arguments[0] && "
                      "JSON.stringify(symnnExplore.spec.activations) === arguments[1]", 20, sizes,
             json.dumps(activations, separators=(",", ":")))
    settled(browser)


def text(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def test_all_linear_3_4_1_collapses_to_w_prime(page):
    build(page, "3,4,1", ["linear", "linear"], bias=False)
    wait_for(page, "return document.getElementById('collapse-verdict').textContent.includes('It collapses')")
    lines = page.execute_script("return document.getElementById('collapsed-lines').textContent")
    for k in (1, 2, 3):
        assert f"w{k}′" in lines  # w′_k as MathML: w, subscript k, a prime
    assert "w4′" not in lines
    wait_for(page, "return document.querySelector('#collapse-body details.proof')")
    proof = page.find_element(By.CSS_SELECTOR, "#collapse-body details.proof").text
    assert "checked" in proof and "✓" in proof


def test_sigmoid_shows_the_counterexample(page):
    build(page, "3,4,1", ["sigmoid", "sigmoid"])
    wait_for(page, "return document.getElementById('collapse-verdict').textContent.includes('does not collapse')")
    explained = text(page, "counterexample")
    assert "f(x + y) + f(0) = f(x) + f(y)" in explained and "no w′ and b′" in explained
    assert "sigmoid" in text(page, "collapse-verdict")


def test_a_slider_changes_the_numbers(page):
    build(page, "3,4,1", ["sigmoid", "sigmoid"])
    before = text_of(page, '[data-z="1-1"]')
    slider = page.find_element(By.ID, "w1-1-1")
    page.execute_script("arguments[0].value = 2.5; arguments[0].dispatchEvent(new Event('input'))", slider)
    wait_for(page, "return document.querySelector('[data-z=\"1-1\"]').textContent !== arguments[0]", 10, before)
    settled(page)
    state = page.execute_script("return {p: symnnExplore.params, x: symnnExplore.inputs}")
    W1, b1 = np.array(state["p"]["weights"][0]), np.array(state["p"]["biases"][0])
    assert W1[0, 0] == 2.5
    z = np.array(state["x"]) @ W1 + b1  # z^[1] = W^[1]ᵀ x + b^[1], worked out here
    shown = [float(text_of(page, f'[data-z="{i}-1"]')) for i in range(1, 5)]
    assert np.allclose(shown, z, rtol=1e-5, atol=1e-6)
    a1 = 1 / (1 + np.exp(-z))
    W2, b2 = np.array(state["p"]["weights"][1]), np.array(state["p"]["biases"][1])
    output = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
    assert float(text_of(page, '[data-a="1-2"]')) == pytest.approx(output[0], rel=1e-5)
    assert "L" in text(page, "loss-value")  # with the target y₁ = 1: the loss, every δ and gradient follow


def text_of(browser, selector: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, selector).text


def draw(browser, picture) -> None:
    browser.find_element(By.ID, "clear-grid").click()
    cells = browser.find_elements(By.CSS_SELECTOR, "#grid .pixel")
    for number, value in enumerate(np.array(picture).ravel()):
        if value:
            cells[number].click()


def test_drawing_a_one_is_read_as_a_one(page):
    Select(page.find_element(By.ID, "classes")).select_by_value("2")
    wait_for(page, "return symnnExplore.digits && symnnExplore.digits.classes === 2")
    draw(page, LECTURE_ONE)
    wait_for(page, "return document.getElementById('prediction').textContent === '1'")
    assert "z" in text(page, "digit-formula")
    draw(page, LECTURE_ZERO)
    wait_for(page, "return document.getElementById('prediction').textContent === '0'")
    pictures = page.find_elements(By.CSS_SELECTOR, "#weight-pictures .weight-picture .cells span")
    assert len(pictures) == 35


def test_ten_digits_read_a_drawn_seven(page):
    Select(page.find_element(By.ID, "classes")).select_by_value("10")
    wait_for(page, "return symnnExplore.digits && symnnExplore.digits.classes === 10")
    page.find_element(By.CSS_SELECTOR, '#glyphs button[data-glyph="7"]').click()
    wait_for(page, "return document.getElementById('prediction').textContent === '7'")
    assert len(page.find_elements(By.CSS_SELECTOR, "#weight-pictures .weight-picture")) == 10


def train_xor(browser, hidden: str) -> dict:
    build(browser, "2,4,1", [hidden, "sigmoid"])
    Select(browser.find_element(By.ID, "dataset")).select_by_value("xor")
    epochs = browser.find_element(By.ID, "epochs")
    epochs.clear()
    epochs.send_keys("400")
    browser.execute_script("document.getElementById('train').dataset.pace = '0'")
    browser.find_element(By.ID, "train").click()
    wait_for(browser, "return symnnExplore.training && symnnExplore.training.done", 60)
    return browser.execute_script("return {contour: symnnExplore.contour, text: "
                                  "document.getElementById('progress-text').textContent, "
                                  "explain: document.getElementById('playground-explain').textContent}")


def straightness(segments) -> float:
    """How far the boundary's points stray from the best straight line through them (total least squares)."""
    points = np.array([point for segment in segments for point in segment])
    centred = points - points.mean(axis=0)
    return float(np.linalg.svd(centred, compute_uv=False)[-1] / np.sqrt(len(points)))


def test_xor_linear_hidden_units_draw_a_straight_line_and_tanh_does_not(page):
    linear = train_xor(page, "linear")
    assert linear["contour"], "the linear network drew no boundary"
    assert straightness(linear["contour"]) < 0.01
    assert "straight" in linear["explain"] and "z" in linear["explain"]
    assert "epoch 400 of 400" in linear["text"]
    tanh = train_xor(page, "tanh")
    assert straightness(tanh["contour"]) > 0.1
    assert "bend" in tanh["explain"]
    right = int(re.search(r"(\d+) % right", tanh["text"]).group(1))
    assert right >= 90, tanh["text"]


def test_no_horizontal_overflow_at_1280_px(page):
    page.find_element(By.CSS_SELECTOR, '[data-preset="demand"]').click()
    wait_for(page, "return symnnExplore.panel && symnnExplore.panel.sizes.join(',') === '4,3,1'")
    settled(page)
    page.find_element(By.CSS_SELECTOR, 'g.node[data-node="n1-2"]').click()
    wait_for(page, "return document.getElementById('unit-title').textContent.includes('awareness')")
    measured = page.execute_script("""
        const panels = [...document.querySelectorAll('.panel')];
        return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                wide: panels.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.id)};""")
    assert measured["page"] <= measured["view"], measured
    assert measured["wide"] == [], measured


def test_bad_input_is_a_message_on_the_page(page):
    field = page.find_element(By.ID, "sizes")
    field.clear()
    field.send_keys("3,x,1")
    wait_for(page, "return !document.getElementById('network-error').hidden")
    assert "must be positive integers separated by commas" in text(page, "network-error")
    field.clear()
    field.send_keys("3,4,1")
    Select(page.find_element(By.ID, "act-1")).select_by_value("formula")
    page.find_element(By.ID, "formula-1").send_keys("__import__('os').system('true')")
    wait_for(page, "return !document.getElementById('network-error').hidden && "
                   "document.getElementById('network-error').textContent.length > 0")
    message = text(page, "network-error")
    assert "Traceback" not in message and len(message) < 600


def test_tabs_do_not_share_a_network(page):
    build(page, "3,4,1", ["linear", "linear"])
    first, url = page.current_window_handle, page.current_url
    page.switch_to.new_window("tab")
    try:
        page.get(url)
        wait_for(page, "return !!(window.symnnExplore && symnnExplore.panel)")
        build(page, "2,3,1", ["tanh", "sigmoid"])
        assert text(page, "network-title").startswith("Network(2→3→1")
    finally:
        page.close()
        page.switch_to.window(first)
    page.find_element(By.CSS_SELECTOR, 'g.node[data-node="n1-2"]').click()
    wait_for(page, "return document.getElementById('unit-title').textContent.startsWith('Unit 2 of layer 1')")
    assert text(page, "network-title").startswith("Network(3→4→1")
    assert "linear" in text(page, "unit-title")
    page.get(url.split("?")[0])  # a reload keeps this tab's network (sessionStorage)
    wait_for(page, "return !!(window.symnnExplore && symnnExplore.panel)")
    assert text(page, "network-title").startswith("Network(3→4→1")


def test_another_host_is_warned_about_and_ctrl_c_stops_the_server_cleanly(processes):
    process, url = start_explorer(processes, "--host", "0.0.0.0")
    assert url.startswith("http://0.0.0.0:")
    with urllib.request.urlopen(url.replace("0.0.0.0", "127.0.0.1"), timeout=10) as answer:
        assert b"symnn explore" in answer.read()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert "stopped" in process.stdout.read()
    warning = process.stderr.read()
    assert "warning: listening on 0.0.0.0, which other machines may reach" in warning and "no login" in warning
    assert "Traceback" not in warning


def test_retyping_the_sizes_keeps_each_layers_activation(page):
    page.find_element(By.CSS_SELECTOR, '[data-preset="xor"]').click()  # 2-4-1: tanh, sigmoid
    wait_for(page, "return symnnExplore.panel && symnnExplore.panel.sizes.join(',') === '2,4,1'")
    field = page.find_element(By.ID, "sizes")
    field.clear()
    field.send_keys("2,8,8,1")  # passes through "2" and "2,8" (one layer) on the way
    wait_for(page, "return symnnExplore.panel && symnnExplore.panel.sizes.join(',') === '2,8,8,1'")
    settled(page)
    assert page.execute_script("return symnnExplore.spec.activations") == ["tanh", "tanh", "sigmoid"]


def test_changing_the_network_while_it_trains_stops_the_training_quietly(page):
    build(page, "2,4,1", ["tanh", "sigmoid"])
    epochs = page.find_element(By.ID, "epochs")
    epochs.clear()
    epochs.send_keys("3000")
    page.execute_script("document.getElementById('train').dataset.pace = '40'")  # about 1.6 s
    page.find_element(By.ID, "train").click()
    wait_for(page, "return symnnExplore.training && symnnExplore.training.epochs")
    Select(page.find_element(By.ID, "act-1")).select_by_value("linear")
    wait_for(page, "return JSON.stringify(symnnExplore.spec.activations) === '[\"linear\",\"sigmoid\"]'")
    settled(page)
    time.sleep(0.5)
    assert page.find_element(By.ID, "playground-error").is_displayed() is False
    assert text(page, "progress-text") == "not trained yet"
    assert page.execute_script("return symnnExplore.training") is None
