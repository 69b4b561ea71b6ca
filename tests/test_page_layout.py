"""Every document symnn writes fits the page: compiled with pdflatex, no error and no Overfull \\hbox.

The bundled derivations are compiled by the tour (tests/test_catalog.py); here the documents of
networks a user builds: collapse proofs, a merge, a non-collapse witness, named inputs, an affine g.
"""

import pytest

import sympy
import symnn
from symnn.app import documents
from symnn.render.layout import latex_width, pack, sum_terms
from symnn.core.printing import SymnnLatexPrinter

from tests.test_catalog import pdflatex_or_skip

N = symnn.Network
USER_DOCUMENTS = {
    "collapse-2-3-3-2": lambda: symnn.collapse(N([2, 3, 3, 2], activation="linear", bias=False)).proof,
    "collapse-3-4-1-bias": lambda: symnn.collapse(N([3, 4, 1], activation="linear")).proof,
    "collapse-4-4-4-2": lambda: symnn.collapse(N([4, 4, 4, 2], activation="linear")).proof,
    "collapse-35-1": lambda: symnn.collapse(N([35, 1], activation="linear")).proof,
    "collapse-5-5-5-5-1": lambda: symnn.collapse(N([5, 5, 5, 5, 1], activation="linear")).proof,
    "collapse-named-inputs": lambda: symnn.collapse(N([4, 3, 1], activation="linear",
                                                      input_names=["price", "shipping", "marketing", "material"])).proof,
    "collapse-affine-3z-1": lambda: symnn.collapse(N([2, 2, 1], activation=symnn.Activation.from_string("3*z + 1"))).proof,
    "merge-linear-linear-sigmoid": lambda: symnn.merge_affine(N([3, 3, 3, 1], activation=["linear", "linear", "sigmoid"])).proof,
    "collapse-6-5-4-two-pages": lambda: symnn.collapse(N([6, 5, 4], activation="linear")).proof,
    "collapse-30-4-1-first-entries": lambda: symnn.collapse(N([30, 4, 1], activation="linear")).proof,
    "collapse-784-64-10-block-form": lambda: symnn.collapse(N([784, 64, 10], activation="linear")).proof,
    "non-collapse-35-4-1-sigmoid": lambda: _non_collapse(N([35, 4, 1], activation="sigmoid")),
    "non-collapse-784-16-1-sigmoid": lambda: _non_collapse(N([784, 16, 1], activation="sigmoid")),
}


def _non_collapse(network):
    from symnn.math.proofs import non_collapse_proof

    with pytest.raises(symnn.NotCollapsible) as caught:
        symnn.collapse(network)
    return non_collapse_proof(network, caught.value.witness)


@pytest.mark.parametrize("name", sorted(USER_DOCUMENTS))
def test_user_documents_compile_without_overfull_boxes(name, tmp_path):
    pdflatex_or_skip()
    derivation = USER_DOCUMENTS[name]()
    assert derivation.verify().ok
    tex = tmp_path / f"{name}.tex"
    tex.write_text(derivation.document(), encoding="utf-8")
    documents.compile_pdf(tex)  # raises DocumentError on a LaTeX error or a line that runs off the page


def test_too_wide_a_line_is_reported_not_hidden(tmp_path):
    pdflatex_or_skip()
    tex = tmp_path / "wide.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\n\\[" + " + ".join(["x"] * 200)
                   + "\\]\n\\end{document}\n", encoding="utf-8")
    with pytest.raises(documents.DocumentError, match=r"wide.tex: 1 line\(s\) run off the page .*pt too wide"):
        documents.compile_pdf(tex)
    assert (tmp_path / "wide.pdf").exists()  # kept, for a look


def test_long_sums_break_between_terms_only():
    expr = symnn.Network([35, 1]).z(1, 1)
    printer = SymnnLatexPrinter()
    terms = sum_terms(expr, printer)
    assert len(terms) == 36 and terms[0].latex == "w_{11}^{[1]} x_{1}" and terms[-1].latex == "b_{1}^{[1]}"
    lines = pack(terms, 300, 280)
    assert len(lines) > 1 and all(latex_width(line) <= 300 for line in lines)
    # nothing lost or cut: the lines joined are the one-line sum
    assert " ".join(lines) == printer.doprint(expr)


def test_collapse_latex_of_a_nonlinear_network_is_the_counterexample_and_fits_the_page(cli, tmp_path):
    pdflatex_or_skip()
    result = cli("collapse", "3,4,1", "--activation", "sigmoid", "--format", "latex")
    assert result.returncode == 1 and result.stderr == ""
    first, rest = result.stdout.split("\n", 1)
    assert first.startswith("% Network(3→4→1, sigmoid) does not collapse: ")
    assert "Every affine $f$ satisfies" in rest and r"f(x + y) + f(0) - f(x) - f(y) &\approx" in rest
    tex = tmp_path / "counterexample.tex"
    tex.write_text("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{amsmath,amssymb}\n"
                   "\\usepackage[a4paper,margin=2cm]{geometry}\n\\begin{document}\n" + result.stdout
                   + "\\end{document}\n", encoding="utf-8")
    documents.compile_pdf(tex)


def test_past_the_elementwise_size_a_proof_writes_out_its_first_entries_and_checks_them():
    proof = symnn.collapse(N([30, 4, 1], activation="linear")).proof
    report = proof.verify()
    # block identity; W' = W^[1] W^[2] = [w'_1; …]; b'; then w'_1..3 each defined and written out
    assert report.ok and report.report() == "10 steps checked: 6 by definition, 4 symbolically"
    w, wp = symnn.notation.w, symnn.notation.w_prime
    W = [symnn.notation.matrix("W", sympy.Symbol(f"n_{j - 1}", integer=True, positive=True),
                               sympy.Symbol(f"n_{j}", integer=True, positive=True), j) for j in (1, 2)]
    assert proof.steps[1].rhs == sympy.MatMul(*W)
    assert list(proof.steps[2].rhs) == [wp(1), wp(2), wp(3), symnn.notation.dots("vertical"), wp(30)]
    assert proof.steps[3].lhs == symnn.notation.matrix("bp", 1, 1)
    # w'_1 = Σ_j w_{1j}^{[1]} w_{j1}^{[2]}, written out from the definition of a matrix product
    assert proof.steps[5].rhs == sum(w(1, j, 1) * w(j, 1, 2) for j in range(1, 5))
    big = symnn.collapse(N([784, 64, 10], activation="linear")).proof
    # Σ form only: 64 products an entry
    assert [s.relation for s in big.steps] == ["=", ":=", ":=", ":=", ":=", ":=", ":="]
    elided = big.steps[2].rhs
    assert elided.shape == (5, 5) and elided[0, 4] == wp(1, 10) and elided[4, 0] == wp(784, 1)
    assert elided[3, 3] == symnn.notation.dots("diagonal") and elided[0, 3] == symnn.notation.dots("horizontal")
    tex = big.latex()
    assert r"W' &= W^{[1]} W^{[2]} = \left[\begin{matrix}w'_{11} & w'_{12} & w'_{13} & \cdots & w'_{1,10}" in tex
    assert r"\vdots & \vdots & \vdots & \ddots & \vdots" in tex
    assert "The other 7,837 entries of $W'$" in big.conclusion
