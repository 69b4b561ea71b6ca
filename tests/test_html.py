"""HTML pages: MathML in the lecture's notation, pages that need nothing from the internet, rendered in a real Chromium.

The MathML strings are written from the lecture's notation; the browser tests load
every catalog page and the collapse proofs of a few user networks in headless
Chromium (Debian's chromium + chromedriver, driven by selenium) at 1280 px and check
that MathML is laid out, no TeX shows, nothing overflows sideways, and save a
screenshot of each page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sympy import Derivative, Integer, Max, Piecewise, Rational, Subs, Sum, Symbol, exp, transpose

import symnn
from symnn import Network
from symnn.app import catalog
from symnn.core import notation
from symnn.core.activations import Activation, get, z
from symnn.render.html import derivation_html, page, prose
from symnn.render.mathml import mathml
from symnn.render.texmath import tex_mathml

XMLNS = 'xmlns="http://www.w3.org/1998/Math/MathML"'
LAYER = '<mrow><mo stretchy="false">[</mo><mn>{}</mn><mo stretchy="false">]</mo></mrow>'


def content(expr, **options) -> str:
    """The MathML inside <math>…</math>."""
    return mathml(expr, **options).split(">", 1)[1].rsplit("</math>", 1)[0]


# --- the notation, as the lecture writes it ------------------------------------------------

def test_weight_indices_without_comma_while_single_digits():
    assert content(notation.w(2, 1, 1)) == (
        f"<msubsup><mi>w</mi><mrow><mn>2</mn><mn>1</mn></mrow>{LAYER.format(1)}</msubsup>")


def test_weight_indices_with_comma_past_nine():
    assert content(notation.w(12, 3, 1)) == (
        '<msubsup><mi>w</mi><mrow><mn>12</mn><mo separator="true">,</mo><mn>3</mn></mrow>'
        f"{LAYER.format(1)}</msubsup>")


def test_inputs_biases_and_named_inputs():
    assert content(notation.x(1)) == "<msub><mi>x</mi><mn>1</mn></msub>"
    assert content(notation.b(1, 2)) == f"<msubsup><mi>b</mi><mn>1</mn>{LAYER.format(2)}</msubsup>"
    assert content(notation.x(1, name="shipping cost")) == "<msub><mi>x</mi><mtext>shipping cost</mtext></msub>"


def test_collapsed_weights_carry_a_full_size_prime():
    prime = '<mpadded voffset="-0.45em" height="0"><mo style="font-size: inherit">&#8242;</mo></mpadded>'
    assert content(notation.w_prime(1)) == f"<msubsup><mi>w</mi><mn>1</mn>{prime}</msubsup>"
    assert content(notation.b_prime()) == f"<msup><mi>b</mi>{prime}</msup>"


def test_sigma_form_heads_print_their_summation_indices():
    k, j = Symbol("k"), Symbol("j")
    assert content(notation.WeightAt(k, 1, j)) == (
        '<msubsup><mi>w</mi><mrow><mi>k</mi><mn>1</mn></mrow><mrow><mo stretchy="false">[</mo><mi>j</mi>'
        '<mo stretchy="false">]</mo></mrow></msubsup>')
    term = Sum(notation.WeightAt(k, 1, 1) * notation.InputAt(k), (k, 1, 3))
    printed = content(term)
    assert printed.startswith("<mrow><munderover><mo>&#8721;</mo><mrow><mi>k</mi><mo>=</mo><mn>1</mn></mrow>"
                              "<mn>3</mn></munderover>")
    assert "<mo>(</mo>" not in printed  # Σ_k w_{k1} x_k, no parentheses round a product


def test_transpose_of_a_layer_matrix_is_one_superscript():
    W = notation.matrix("W", 3, 4, 2)
    assert content(transpose(W)) == (
        '<msup><mi>W</mi><mrow><mo stretchy="false">[</mo><mn>2</mn><mo stretchy="false">]</mo>'
        "<mi>T</mi></mrow></msup>")


def test_the_slides_vectors_labels_and_dot_products():
    j = Symbol("j")
    assert content(notation.OutputWeightAt(j, 2)) == (
        '<msubsup><mi>w</mi><mi>j</mi><mrow><mo stretchy="false">[</mo><mn>2</mn><mo stretchy="false">]</mo>'
        "</mrow></msubsup>")  # w_j^{[2]}, as the lecture writes the output unit's weights
    w1, X = notation.matrix("w", 3, 1, layer=1, unit=1), notation.matrix("X", 3, 1)
    assert content(w1) == f"<msubsup><mi>w</mi><mn>1</mn>{LAYER.format(1)}</msubsup>"
    assert content(notation.label("Output")) == "<mtext>Output</mtext>"
    from sympy.matrices.expressions.dotproduct import DotProduct
    assert content(DotProduct(w1, X)) == (
        f"<mrow><msubsup><mi>w</mi><mn>1</mn>{LAYER.format(1)}</msubsup><mo>&#183;</mo><mi>X</mi></mrow>")
    assert "<mo>&#xB7;</mo>" in content(notation.w(1, 1, 1) * notation.x(1), mul_symbol="dot")


def test_same_line_steps_share_a_line_and_their_reasons():
    a, b = notation.a(1, 1), notation.z(1, 1)
    derivation = symnn.Derivation("t")
    derivation.define(a, b, "first").step(a, b + 0, "second", same_line=True)
    html = derivation.html()
    assert html.count('<div class="rel">') == 1 and "first; second" in html


def test_applied_activation_prints_its_name():
    assert content(get("sigmoid")(z)) == (
        '<mrow><mi>&#963;</mi><mo>&#8289;</mo><mrow><mo stretchy="false">(</mo><mrow><mi>z</mi></mrow>'
        '<mo stretchy="false">)</mo></mrow></mrow>')
    # a tall argument gets parentheses that grow with it: σ(½)
    assert "<mo>(</mo>" in content(get("sigmoid")(Rational(1, 2), evaluate=False))
    assert "<mi>g</mi>" in content(Activation.from_expr(3 * z + 1)(notation.z(1, 1)))


def test_sigmoid_reads_one_over_one_plus_e_to_the_minus_z():
    assert content(1 / (1 + exp(-z))) == (
        '<mfrac><mn>1</mn><mrow><mn>1</mn><mo form="infix">+</mo><msup><mi>e</mi><mrow><mo>&#8722;</mo>'
        "<mi>z</mi></mrow></msup></mrow></mfrac>")


def test_minus_signs_are_real_minus_signs():
    for expr in (notation.x(1) - notation.x(2), -notation.x(1), Integer(-3), Rational(-1, 4)):
        printed = content(expr)
        assert "&#8722;" in printed and "<mo>-</mo>" not in printed, printed


def test_sympy_heads_symnn_uses():
    assert content(Max(z, 0)).startswith("<mrow><mi>max</mi><mo>&#8289;</mo><mrow><mo stretchy=\"false\">(</mo>"
                                         "<mrow><mi>z</mi><mo>,</mo><mn>0</mn></mrow>")  # max(z, 0)
    assert content(Derivative(get("sigmoid")(z), z)).startswith(
        "<mrow><mfrac><mi>d</mi><mrow><mrow><mi>d</mi><mi>z</mi></mrow></mrow></mfrac>")
    assert "<mtext>otherwise</mtext>" in content(Piecewise((1, z >= 0), (0, True)))
    assert "<msub>" in content(Subs(Derivative(get("sigmoid")(z), z), z, 0))
    assert "&lt;" in content(z < 1)


def test_unknown_printer_options_are_refused():
    with pytest.raises(symnn.SymnnError, match="unknown MathML printer option 'colour'"):
        mathml(z, colour="red")


def test_long_lines_break_between_terms_and_inside_a_long_term_only():
    from symnn.render.mathml import SymnnMathMLPrinter
    from symnn.render.mathml_breaks import pieces

    printer = SymnnMathMLPrinter()
    z1 = Network([3, 1]).z(1)[0]  # w_{11} x_1 + w_{21} x_2 + w_{31} x_3 + b_1: one piece per term
    assert len(pieces(z1, printer)) == 4 and all(isinstance(p, str) for p in pieces(z1, printer))
    assert pieces(z1, printer)[1].startswith('<mo form="infix">+</mo>')
    long = get("sigmoid")(Network([9, 1]).z(1)[0])  # σ(… ten terms …): a group, opened by σ( and closed by )
    [group] = pieces(long, printer)
    assert isinstance(group, list) and len(group) == 10
    assert group[0].startswith("<mrow><mi>&#963;</mi>") and group[-1].endswith('<mo stretchy="false">)</mo>')
    short = get("sigmoid")(notation.z(1, 1))
    assert pieces(short, printer) == [printer.doprint(short)]


# --- TeX in sentences ----------------------------------------------------------------------

def test_tex_in_prose_becomes_mathml():
    assert tex_mathml(r"\sigma(z) \geq 0") == (
        '<mi>σ</mi><mo form="prefix" stretchy="false">(</mo><mi>z</mi><mo form="postfix" stretchy="false">)</mo>'
        "<mo>≥</mo><mn>0</mn>")
    assert tex_mathml(r"\frac{1}{2}") == "<mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac>"
    assert tex_mathml(r"\mathbf{1}") == "<mi>\U0001D7CF</mi>"
    assert tex_mathml(r"\sum_{j=1}^{L}").startswith("<munderover><mo>∑</mo>")
    assert prose("a < b and $x_1$") == f"a &lt; b and <math {XMLNS}><msub><mi>x</mi><mn>1</mn></msub></math>"
    assert prose("costs $5") == "costs $5"  # an unpaired dollar is a dollar


def test_tex_the_pages_cannot_show_is_refused_by_name():
    with pytest.raises(symnn.InvalidArgumentError, match=r"uses \\unknowncommand"):
        tex_mathml(r"\unknowncommand{x}")
    with pytest.raises(symnn.InvalidArgumentError, match="has no closing }"):
        tex_mathml(r"x_{1")


def test_every_catalog_sentence_reads():
    for name in catalog.names():
        d = catalog.build(name)
        for text in [d.title, d.intro, d.conclusion, *(s.reason for s in d.steps)]:
            prose(text)


# --- pages and files -------------------------------------------------------------------------

def assert_offline(html: str) -> None:
    """Nothing a page loads from elsewhere: no script, no style sheet or font link, no remote picture."""
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html


def test_a_page_is_standalone_with_every_step_as_display_mathml():
    derivation = catalog.build("linear-collapse-3-4-1")
    html = derivation.html()
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n")
    assert_offline(html)
    assert html.count('display="block"') >= 2 * len(derivation.steps)
    assert "<svg" in html  # the network diagram, inline
    assert "Checked by symnn." in html and derivation.verify().report() in html
    assert "$" not in re.sub(r"<[^>]+>", "", html)


def test_derive_prints_an_html_page(cli):
    result = cli("derive", "sigmoid-example", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert result.stdout == catalog.build("sigmoid-example").html()


def test_derive_all_writes_one_page_per_derivation_and_an_index(cli, tmp_path, monkeypatch):
    from symnn.app import documents

    real, made = documents.generate_html, []

    def once(names=None):  # the --check runs below compare against the same generation
        made[:] = made or real(names)
        return list(made)

    monkeypatch.setattr(documents, "generate_html", once)
    result = cli("derive", "--all", "--format", "html", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = sorted(p.name for p in tmp_path.iterdir())
    assert pages == sorted([f"{name}.html" for name in catalog.names()] + ["index.html"])
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in catalog.names():
        assert f'href="{name}.html"' in index
    assert cli("derive", "--all", "--format", "html", "--out", str(tmp_path), "--check").returncode == 0
    (tmp_path / "neuron.html").write_text("changed", encoding="utf-8")
    stale = cli("derive", "--all", "--format", "html", "--out", str(tmp_path), "--check")
    assert stale.returncode == 1 and "neuron.html" in stale.stderr


def test_pdf_of_html_is_refused(cli, tmp_path):
    result = cli("derive", "neuron", "--format", "html", "--out", str(tmp_path), "--pdf")
    assert result.returncode == 2 and "--format html" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- in a real browser -----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WIDTH = 1280
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                  "--hide-scrollbars", f"--window-size={WIDTH},900"]

USER_NETWORKS = {
    "collapse-2-3-3-2": lambda: Network([2, 3, 3, 2], activation="linear", bias=False),
    "collapse-3-4-1-bias": lambda: Network([3, 4, 1], activation="linear"),
    "collapse-4-4-4-2": lambda: Network([4, 4, 4, 2], activation="linear"),
    "collapse-35-1": lambda: Network([35, 1], activation="linear"),
    "collapse-named": lambda: Network([4, 3, 1], activation="linear", input_names=["price", "shipping cost",
                                                                                   "marketing", "material"]),
    "collapse-affine": lambda: Network([2, 2, 1], activation=Activation.from_expr(3 * z + 1)),
}

# What a page shows: every <math> element with its box, and the numbers that say whether it fits.
MEASURE = """
const maths = Array.from(document.querySelectorAll('math'));
const boxes = maths.map(m => m.getBoundingClientRect());
const block = document.querySelector('math[display="block"]');
return {
  maths: maths.length,
  empty: boxes.filter(r => !(r.width > 0 && r.height > 0)).length,
  blockDisplay: block ? getComputedStyle(block).display : null,
  text: document.body.innerText,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  height: document.documentElement.scrollHeight,
  clipped: Array.from(document.querySelectorAll('.lhs, .rhs')).filter(e => e.scrollWidth > e.clientWidth + 1).length,
};
"""


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, with a fresh profile; quit (and the profile removed) at the end."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver); "
                    ".ci/run installs them")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[test])")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="symnn-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_output=subprocess.DEVNULL), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("html-screenshots")


def viewport(browser, height: int) -> None:
    """A viewport exactly WIDTH px wide (a window's size would include whatever frame the browser draws)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False})


def render(browser, path: Path, screenshots: Path) -> dict:
    """Load ``path`` at 1280 px, measure it, and save a full-page screenshot beside the others."""
    viewport(browser, 900)
    browser.get(path.resolve().as_uri())
    measured = browser.execute_script(MEASURE)
    viewport(browser, min(measured["height"], 10000))
    browser.save_screenshot(str(screenshots / f"{path.stem}.png"))
    return measured


def assert_renders(measured: dict, name: str) -> None:
    assert measured["maths"] > 0, f"{name}: no MathML"
    assert measured["blockDisplay"] == "block math", f"{name}: Chromium does not lay out MathML"
    assert measured["empty"] == 0, f"{name}: {measured['empty']} <math> elements have an empty box"
    text = measured["text"]
    tex = re.findall(r"\\[A-Za-z]+|\$|&[A-Za-z]+;|</?m[a-z]+", text)
    assert not tex, f"{name}: raw TeX or markup shows on the page: {tex[:5]}"
    assert measured["scrollWidth"] <= measured["innerWidth"], (
        f"{name}: {measured['scrollWidth']} px wide in a {measured['innerWidth']} px window")
    assert measured["clipped"] == 0, f"{name}: {measured['clipped']} equations need a scroll bar"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Every catalog page and the collapse proofs of USER_NETWORKS, written as files."""
    folder = tmp_path_factory.mktemp("html-pages")
    written = {}
    for name in catalog.names():
        written[name] = folder / f"{name}.html"
        written[name].write_text(catalog.build(name).html(), encoding="utf-8")
    for name, network in USER_NETWORKS.items():
        written[name] = folder / f"{name}.html"
        written[name].write_text(symnn.collapse(network()).proof.html(), encoding="utf-8")
    merged = symnn.merge_affine(Network([2, 2, 2, 1], activation=["linear", "linear", "sigmoid"]))
    written["merge-linear-linear-sigmoid"] = folder / "merge-linear-linear-sigmoid.html"
    written["merge-linear-linear-sigmoid"].write_text(merged.proof.html(), encoding="utf-8")
    return written


@pytest.mark.parametrize("name", [*catalog.names(), *USER_NETWORKS, "merge-linear-linear-sigmoid"])
def test_page_renders_in_chromium_without_overflow(browser, pages, screenshots, name):
    html = pages[name].read_text(encoding="utf-8")
    assert_offline(html)
    assert_renders(render(browser, pages[name], screenshots), name)


def test_tour_index_links_every_page_and_embeds_the_figures(tour, browser, screenshots):
    index = tour.out / "index.html"
    html = index.read_text(encoding="utf-8")
    assert_offline(html)
    for name in catalog.names():
        assert f'href="derivations/{name}.html"' in html
        assert (tour.out / "derivations" / f"{name}.html").is_file()
    assert html.count('src="data:image/png;base64,') == len(list((tour.out / "figures").glob("*.png")))
    measured = render(browser, index, screenshots)
    assert measured["scrollWidth"] <= measured["innerWidth"]
    loaded = browser.execute_script("return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert loaded, "a figure of the tour index did not load"


def test_a_page_of_a_derivation_with_no_steps_checked_yet():
    derivation = symnn.Derivation("Empty", intro="Nothing yet.")
    assert page("t", "<p>x</p>").count("<main>") == 1
    assert "0 steps checked" in derivation_html(derivation, derivation.verify())
