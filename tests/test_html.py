"""HTML pages: MathML in the lecture's notation, pages that need nothing from the internet, rendered in a real Chromium.

The MathML strings are written from the lecture's notation; the browser tests load
every catalog page and the collapse proofs of a few user networks in headless
Chromium (Debian's chromium + chromedriver, driven by selenium) at 1280 px and at
400 px (a phone) and check that MathML is laid out, no TeX shows, nothing overflows
sideways, and save a screenshot of each page at each width.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sympy import Derivative, Float, Integer, Max, Piecewise, Rational, Subs, Sum, Symbol, exp, transpose

import symnn
from symnn import Network
from symnn.app import catalog
from symnn.core import notation
from symnn.core.activations import Activation, get, z
from symnn.render.html import derivation_html, index_html, page, prose
from symnn.render.mathml import mathml
from symnn.render.texmath import tex_mathml, tex_mathml_pieces
from tests.chromium import chromium, screenshot_folder, viewport

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


def test_a_nested_sum_is_one_sigma_per_index_outermost_first():
    j, m = Symbol("j"), Symbol("m")
    body = notation.WeightAt(1, j, 1) * notation.WeightAt(j, m, 2) * notation.WeightAt(m, 1, 3)
    # SymPy lists the innermost index first; the page reads Σ_{j=1}^{4} Σ_{m=1}^{4} w_{1j} w_{jm} w_{m1}, as the
    # LaTeX does (\sum_{j=1}^{4} \sum_{m=1}^{4} …)
    printed = content(Sum(body, (m, 1, 4), (j, 1, 4)))
    sigma = '<munderover><mo>&#8721;</mo><mrow><mi>{}</mi><mo>=</mo><mn>1</mn></mrow><mn>4</mn></munderover>'
    assert printed.startswith(f"<mrow>{sigma.format('j')}<mrow>{sigma.format('m')}<mrow><msubsup><mi>w</mi>")
    assert printed.count("&#8721;") == 2


def test_the_nested_sums_of_a_large_collapse_proof_read_as_its_latex():
    proof = symnn.collapse(Network([30, 4, 4, 1], activation="linear", bias=False)).proof
    html = proof.html()
    # the first three entries of W' in Σ form, w'_k = Σ_j Σ_m w_{kj}^{[1]} w_{jm}^{[2]} w_{m1}^{[3]}: two Σ each
    limits = re.findall(r"<munderover><mo>&#8721;</mo><mrow><mi>([a-z])</mi><mo>=</mo><mn>1</mn></mrow>"
                        r"<mn>4</mn></munderover>", html)
    assert limits == ["j", "m"] * 3
    assert [re.findall(r"\\sum_\{([a-z])=1\}\^\{4\}", line) for line in proof.latex().splitlines()
            if "\\sum" in line] == [["j", "m"]] * 3


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
    # a small decimal: −4.606022866 · 10^{−7}, both signs U+2212
    assert content(Float("-4.606022866e-7", 10)) == (
        "<mrow><mo>&#8722;</mo><mrow><mn>4.606022866</mn><mo>&#xB7;</mo><msup><mn>10</mn><mrow><mo>&#8722;</mo>"
        "<mn>7</mn></mrow></msup></mrow></mrow>")
    assert "-" not in content(Float("2.5e12", 10))


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
    # w_{11}^{[2]} σ(… + … + …), a term of the next layer: opened after σ, its terms pieces of a group
    inner = Network([4, 1], activation="sigmoid").z(1)[0]
    [weighted] = pieces(notation.w(1, 1, 2) * get("sigmoid")(inner), printer)
    assert isinstance(weighted, list) and len(weighted) == 5
    assert weighted[0].startswith(f"<msubsup><mi>w</mi><mrow><mn>1</mn><mn>1</mn></mrow>{LAYER.format(2)}</msubsup>"
                                  "<mo>&InvisibleTimes;</mo><mrow><mi>&#963;</mi><mo>&#8289;</mo></mrow><mo")


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


def test_inline_math_breaks_where_tex_breaks_it():
    # after a relation or a binary operation outside brackets, the operator ending its piece
    assert tex_mathml_pieces("a = b + c") == ['<mi>a</mi><mo form="infix">=</mo>', '<mi>b</mi><mo form="infix">+</mo>',
                                             "<mi>c</mi>"]
    assert len(tex_mathml_pieces("x = (-1/5, -5/3)")) == 2  # nothing inside the parentheses, signs are no breaks
    assert len(tex_mathml_pieces(r"\left(a + b\right) - c")) == 2
    assert len(tex_mathml_pieces(r"\sum_{j=1}^{L} a_j")) == 1  # the = of a limit is no break
    assert "".join(tex_mathml_pieces("a = b + c")).replace(' form="infix"', "") == tex_mathml("a = b + c")


def test_prose_keeps_punctuation_on_the_line_of_its_formula():
    html = prose("so $f(x) = y$. Then ($z$) and `collapse(...).W`, and $a$ b")
    assert html.count("<math") == 4  # f(x) = | y | z | a
    assert re.search(r'<span class="nowrap"><math[^>]*><mi>y</mi></math>\.</span> Then ', html)
    assert re.search(r'<span class="nowrap">\(<math[^>]*><mi>z</mi></math>\)</span>', html)
    assert "<code>collapse(...).W</code>," in html
    assert html.endswith("and <math " + XMLNS + "><mi>a</mi></math> b")  # nothing touches it: no span
    # a browser breaks a line after a hyphen: a network's sizes and a command's options stay together
    assert prose("the 3-4-1 network, 2 - 1") == 'the <span class="nowrap">3-4-1</span> network, 2 - 1'
    assert prose("symnn tour --out DIR") == 'symnn tour <span class="nowrap">--out</span> DIR'


def test_given_values_keep_their_commas():
    derivation = catalog.build("sigmoid-example")
    html = derivation.html()
    given = re.search(r'<p class="given">(.*?)</p>', html).group(1)
    assert given.count('<span class="nowrap"><math') == len(derivation.given)
    assert given.count("</math>,</span>") == len(derivation.given) - 1 and given.endswith("</math>.</span>")


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

# a desktop window, and a phone (or a narrow window): neither may scroll sideways
WIDTHS = (1280, 400)

USER_NETWORKS = {
    "collapse-2-3-3-2": lambda: Network([2, 3, 3, 2], activation="linear", bias=False),
    "collapse-3-4-1-bias": lambda: Network([3, 4, 1], activation="linear"),
    "collapse-4-4-4-2": lambda: Network([4, 4, 4, 2], activation="linear"),
    "collapse-35-1": lambda: Network([35, 1], activation="linear"),
    "collapse-30-4-4-1": lambda: Network([30, 4, 4, 1], activation="linear", bias=False),  # W' in Σ form
    "collapse-named": lambda: Network([4, 3, 1], activation="linear", input_names=["price", "shipping cost",
                                                                                   "marketing", "material"]),
    "collapse-affine": lambda: Network([2, 2, 1], activation=Activation.from_expr(3 * z + 1)),
}

# What a page shows: every <math> element with its box, and the numbers that say whether it fits.
MEASURE = """
const maths = Array.from(document.querySelectorAll('math'));
const boxes = maths.map(m => m.getBoundingClientRect());
const block = document.querySelector('math[display="block"]');
const scrolling = Array.from(document.querySelectorAll('.lhs, .rhs')).filter(e => e.scrollWidth > e.clientWidth + 1);
const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1;
return {
  maths: maths.length,
  empty: boxes.filter(r => !(r.width > 0 && r.height > 0)).length,
  blockDisplay: block ? getComputedStyle(block).display : null,
  text: document.body.innerText,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  height: document.documentElement.scrollHeight,
  clipped: scrolling.length,
  // a side that scrolls sideways must do so in its own box, and only for one formula no line break can narrow
  unbreakable: scrolling.filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) &&
    Array.from(e.querySelectorAll('math')).some(m => m.getBoundingClientRect().width > e.clientWidth + 1)).length,
  cutReasons: Array.from(document.querySelectorAll('.reason')).filter(
    r => !inside(r.getBoundingClientRect(), r.parentElement.getBoundingClientRect())).length,
  headings: Array.from(document.querySelectorAll('h1, h2, h3')).map(h => h.tagName + ' ' + h.innerText),
};
"""


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, with a fresh profile; quit (and the profile removed) at the end."""
    with chromium(WIDTHS[0]) as driver:
        yield driver


@pytest.fixture(scope="module")
def screenshots() -> Path | None:
    """Where each rendered page's full-page screenshot goes, for looking at them (see tests/chromium.py)."""
    return screenshot_folder()


def render(browser, path: Path, screenshots: Path | None, width: int = WIDTHS[0], label: str = "") -> dict:
    """Load ``path`` in a viewport ``width`` px wide, measure it, and save a full-page screenshot beside the others
    (named ``label`` or the file's, then the width)."""
    viewport(browser, width, 900)
    browser.get(path.resolve().as_uri())
    measured = browser.execute_script(MEASURE)
    if screenshots is not None:
        viewport(browser, width, min(measured["height"], 10000))
        browser.save_screenshot(str(screenshots / f"{label or path.stem}-{width}.png"))
    return measured


def assert_renders(measured: dict, name: str) -> None:
    width = measured["innerWidth"]
    assert measured["maths"] > 0, f"{name}: no MathML"
    assert measured["blockDisplay"] == "block math", f"{name}: Chromium does not lay out MathML"
    assert measured["empty"] == 0, f"{name}: {measured['empty']} <math> elements have an empty box"
    text = measured["text"]
    tex = re.findall(r"\\[A-Za-z]+|\$|&[A-Za-z]+;|</?m[a-z]+", text)
    assert not tex, f"{name}: raw TeX or markup shows on the page: {tex[:5]}"
    assert measured["scrollWidth"] <= width, f"{name}: {measured['scrollWidth']} px wide in a {width} px window"
    assert measured["cutReasons"] == 0, f"{name}: {measured['cutReasons']} reasons run out of their line at {width} px"
    if width >= 1000:
        assert measured["clipped"] == 0, f"{name}: {measured['clipped']} equations need a scroll bar"
    else:  # on a phone a matrix or a cases table wider than the screen scrolls in its own box, nothing else
        assert measured["clipped"] == measured["unbreakable"], (
            f"{name}: {measured['clipped'] - measured['unbreakable']} equations at {width} px scroll although "
            "they could break")


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


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [*catalog.names(), *USER_NETWORKS, "merge-linear-linear-sigmoid"])
def test_page_renders_in_chromium_without_overflow(browser, pages, screenshots, name, width):
    html = pages[name].read_text(encoding="utf-8")
    assert_offline(html)
    assert_renders(render(browser, pages[name], screenshots, width), f"{name} at {width} px")


def test_block_form_page_fits_a_phone_by_breaking_its_lines(browser, pages, screenshots):
    """The page the review found 436 px wide at 400: the intro's formula wraps, each long left side has a line
    of its own, and no equation needs a scroll bar."""
    measured = render(browser, pages["collapse-block-form"], screenshots, 400)
    assert measured["scrollWidth"] <= 400 and measured["clipped"] == 0
    lines = browser.execute_script("""
        const intro = document.querySelector('.intro');
        const tops = new Set(Array.from(intro.querySelectorAll('math')).map(m => Math.round(m.getBoundingClientRect().top)));
        const long = Array.from(document.querySelectorAll('.lhs.long'));
        return {introMathLines: tops.size, long: long.length,
                stacked: long.filter(l => l.nextElementSibling.getBoundingClientRect().top
                                          > l.getBoundingClientRect().bottom - 1).length};""")
    assert lines["introMathLines"] >= 2
    assert lines["long"] == 3 and lines["stacked"] == 3  # each W^{[L]T}(…) + b^{[L]} above its = (…)


@pytest.mark.parametrize("name, args, code", [
    ("cli-collapse-2-3-3-2", ["collapse", "2,3,3,2", "--no-bias"], 0),
    ("cli-collapse-3-4-1-sigmoid", ["collapse", "3,4,1", "--activation", "sigmoid"], 1),
])
def test_collapse_page_from_the_command_line_renders(cli, browser, screenshots, tmp_path, name, args, code):
    result = cli(*args, "--format", "html")
    assert result.returncode == code, result.stderr
    path = tmp_path / f"{name}.html"
    path.write_text(result.stdout, encoding="utf-8")
    assert_offline(result.stdout)
    for width in WIDTHS:
        assert_renders(render(browser, path, screenshots, width), f"{name} at {width} px")


def test_tour_index_links_every_page_and_embeds_the_figures(tour, browser, screenshots):
    index = tour.out / "index.html"
    html = index.read_text(encoding="utf-8")
    assert_offline(html)
    for name in catalog.names():
        assert f'href="derivations/{name}.html"' in html
        assert (tour.out / "derivations" / f"{name}.html").is_file()
    assert html.count('src="data:image/png;base64,') == len(list((tour.out / "figures").glob("*.png")))
    for width in WIDTHS:
        measured = render(browser, index, screenshots, width, label="tour-index")
        assert measured["scrollWidth"] <= measured["innerWidth"]
        assert measured["headings"] == ["H1 symnn tour", "H2 Derivations", "H2 Figures"]  # each once
        loaded = browser.execute_script(
            "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        assert loaded, "a figure of the tour index did not load"


def test_derive_all_index_has_one_heading(cli, browser, screenshots, tmp_path):
    result = cli("derive", "--all", "--format", "html", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for width in WIDTHS:
        measured = render(browser, tmp_path / "index.html", screenshots, width, label="derive-index")
        assert measured["headings"] == ["H1 Derivations"]  # the list under it needs no heading of its own
        assert measured["scrollWidth"] <= measured["innerWidth"]


def test_a_page_of_a_derivation_with_no_steps_checked_yet():
    derivation = symnn.Derivation("Empty", intro="Nothing yet.")
    assert page("t", "<p>x</p>").count("<main>") == 1
    assert "0 steps checked" in derivation_html(derivation, derivation.verify())


def test_an_index_has_section_headings_only_with_figures():
    links = [("a.html", "A single neuron: $z$ and $a$", "(3 steps)")]
    alone = index_html("Derivations", "The pages.", links)
    assert alone.count("<h1>") == 1 and "<h2>" not in alone
    with_figures = index_html("symnn tour", "What the tour wrote.", links, [("activations", b"\x89PNG")])
    assert re.findall(r"<h[12]>([^<]*)</h[12]>", with_figures) == ["symnn tour", "Derivations", "Figures"]
