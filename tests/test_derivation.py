"""Derivation: every step checked, a false step caught and named, the four renderings."""

import pytest
from sympy import Float, Rational, exp, sin, cos, symbols

import symnn
from symnn import notation
from symnn.math.derivation import Derivation, Step, VerificationFailed
from symnn.render.derivation import derivation_latex, derivation_markdown, escape_text
from symnn.render.text import derivation_text

t, u = symbols("t u", real=True)


def chain():
    d = Derivation("A chain", intro="Intro with 50% & $x_1$.", conclusion="Done.")
    d.step((t + 1) ** 2, t**2 + 2 * t + 1, "expand")
    d.step(t**2 + 2 * t + 1, t * (t + 2) + 1, "factor t")
    return d


def test_true_steps_verify_and_say_how():
    report = chain().verify()
    assert report.ok
    assert [s.check.method for s in report.steps] == ["symbolic", "symbolic"]
    assert "step 1: holds — symbolic" in report.summary()


def test_a_false_step_fails_and_is_named():
    d = chain().step(t * (t + 2) + 1, t**2 + 2 * t + 2, "a slip")
    report = d.verify()
    assert not report.ok
    assert [s.number for s in report.failures] == [3]
    with pytest.raises(VerificationFailed, match=r"step 3 \(a slip\) does not hold"):
        report.raise_if_failed()


def test_a_nearly_true_identity_is_caught_at_points():
    d = Derivation("trig").step(sin(t) ** 2 + cos(t) ** 2 + t / 10**6, Rational(1), "almost")
    check = d.verify().steps[0].check
    assert not check.holds and "random rational points" in check.method


def test_transcendental_identity_checked_numerically_says_so():
    # simplify proves this one; the same identity at points would report "to 60 digits"
    d = Derivation("trig").step(sin(t) ** 2 + cos(t) ** 2, Rational(1), "Pythagoras")
    assert d.verify().steps[0].check.method == "symbolic"


def test_definitions_are_substituted_in_later_steps():
    a1, z1 = notation.a(1, 1), notation.z(1, 1)
    d = Derivation("defs")
    d.define(z1, notation.w(1, 1, 1) * notation.x(1) + notation.b(1, 1))
    d.define(a1, 2 * z1)
    d.step(a1, 2 * notation.w(1, 1, 1) * notation.x(1) + 2 * notation.b(1, 1), "distribute")
    assert d.verify().ok
    d.step(a1, z1, "wrong")
    assert not d.verify().ok


def test_given_values_are_used():
    d = Derivation("given", given={t: Rational(1, 2)})
    d.step(t + t, 1, "numbers")
    assert d.verify().ok


def test_iff_and_approx_steps():
    d = Derivation("relations")
    d.step(exp(-t) <= 1, t >= 0, "monotone", relation="iff", variable=t)
    d.step(1 / (1 + exp(-Rational(1, 2))), Float("0.6225", 4), "decimals", relation="approx",
           tolerance=Rational(5, 100000))
    assert d.verify().ok
    d.step(exp(-t) <= 1, t >= 1, "wrong set", relation="iff", variable=t)
    d.step(1 / (1 + exp(-Rational(1, 2))), Float("0.6300", 4), "wrong decimals", relation="approx",
           tolerance=Rational(5, 100000))
    assert [s.number for s in d.verify().failures] == [3, 4]


def test_bad_step_options_are_refused_saying_what_is_allowed():
    with pytest.raises(symnn.InvalidArgumentError, match=r"relation must be one of \('=', ':=', 'iff', 'approx', '<-'\), "
                                                         r"not '<='"):
        Step(t, t, "x", relation="<=")
    with pytest.raises(symnn.InvalidArgumentError, match="'iff' step needs the variable"):
        Step(t > 0, t > 0, "x", relation="iff")
    with pytest.raises(symnn.InvalidArgumentError, match=r"'approx' step needs a decimal \(sympy Float\)"):
        Step(t, 1, "x", relation="approx")


def test_latex_fragment_chains_and_gives_reasons():
    assert derivation_latex(chain()) == (
        "\\begin{align*}\n"
        r"\left(t + 1\right)^{2} &= t^{2} + 2 t + 1 && \text{expand} \\" "\n"
        r" &= t \left(t + 2\right) + 1 && \text{factor t}" "\n"
        "\\end{align*}"
    )


def test_document_is_standalone_and_lists_checks():
    text = chain().document()
    assert text.startswith("\\documentclass{article}")
    assert "\\usepackage{amsmath,amssymb}" in text
    assert "Intro with 50\\% \\& $x_1$." in text
    # one line for the document, a mark beside each proved step
    assert "\\textbf{Checked by symnn.} 2 steps checked: 2 symbolically." in text
    assert "\\text{expand~$\\checkmark$}" in text and "\\text{factor t~$\\checkmark$}" in text
    assert text.rstrip().endswith("\\end{document}")


def test_a_sampled_step_says_so_beside_it_and_in_the_report():
    d = Derivation("sampled", seed=1).step(sin(t) ** 2 + cos(t) ** 2, Rational(1), "Pythagoras")
    with symnn.settings(symbolic_nodes=1):  # every expression counts as large: checked at points only
        report = d.verify()
        document = d.document()
    method = report.steps[0].check.method
    assert report.steps[0].check.kind == "points" and "random rational points" in method
    assert report.report() == f"1 step checked: 1 {method} (a check, not a proof)"
    assert "not proved" in report.marks()[0] and "✓" not in report.marks()[0]
    assert "not proved" in document
    d2 = Derivation("def").define(t, u + 1, "name it").step(t - 1, u, "use it")
    assert d2.verify().report() == "2 steps checked: 1 by definition, 1 symbolically"
    assert d2.verify().marks() == ["", "✓"]


def test_a_failing_step_is_named_in_the_report():
    d = chain().step(t * (t + 2) + 1, t**2 + 2 * t + 2, "a slip")
    report = d.verify().report()
    assert report.startswith("3 steps checked: 2 symbolically") and report.endswith("; 1 DO NOT HOLD (steps 3)")
    assert "SOME STEPS DO NOT HOLD" in d.document()


def test_markdown_and_text():
    md = derivation_markdown(chain())
    assert md.startswith("## A chain")
    assert r"$$ \left(t + 1\right)^{2} = t^{2} + 2 t + 1 $$" in md
    text = derivation_text(chain())
    assert text.splitlines()[0] == "A chain"
    assert "(factor t)" in text and "Intro with 50% & x₁." in text  # the math segment in Unicode


def test_escape_text():
    assert escape_text("a_b & 100% #1 {x} ~^\\") == (
        r"a\_b \& 100\% \#1 \{x\} \textasciitilde{}\textasciicircum{}\textbackslash{}")
    assert escape_text("keep $w_{11}^{[1]}$ math") == "keep $w_{11}^{[1]}$ math"
    assert escape_text("σ ≥ θ") == r"$\sigma$ $\geq$ $\theta$"


def test_tikz_diagram_of_a_small_network():
    from symnn import Network
    from symnn.render.tikz import network_tikz

    text = network_tikz(Network([3, 4, 1]))
    assert text.startswith("\\begin{tikzpicture}") and text.endswith("\\end{tikzpicture}")
    assert "{$a_{4}^{[1]}$}" in text and "{$x_{3}$}" in text
    assert "{$w_{21}^{[1]}$} (n1-1);" in text  # edges into unit 1 are labelled
    assert text.count("\\draw[") == 3 * 4 + 4 * 1 + 4 + 1  # weights, then one bias arrow per unit
    with pytest.raises(symnn.SymnnError, match="at most 8"):
        network_tikz(Network([35, 1]))
