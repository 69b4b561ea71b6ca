"""The catalog and derivations/: every entry verifies, the committed files are current, and they compile.

One generation of the whole catalog per session (``generated_documents``) serves the committed-files
test and the ``derive --all`` tests; the README's main job (``tour``) writes every document again in a
real process and compiles each with pdflatex, which the compile tests read.
"""

import os
import re
import shutil
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from symnn import catalog, documents

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
LECTURE_ORDER = [
    "neuron", "logistic-regression", "sigmoid-example", "layer-matrix", "linear-collapse-3-4-1",
    "collapse-block-form", "tanh-sigmoid", "sigmoid-derivative", "decision-rule", "perceptron",
    "sigmoid-non-collapse",
    # backpropagation, after the lecture's slides: the chain rule, a network, the block form, ReLU, linear nets
    "chain-rule-neuron", "backprop-3-4-1", "backprop-block-form", "relu-gradient", "linear-network-gradient",
    "backprop-worked-example",
    # softmax, toward ten classes
    "softmax-derivative", "softmax-cross-entropy", "softmax-two-classes", "collapse-softmax", "backprop-softmax",
]


@pytest.mark.parametrize("name", LECTURE_ORDER)
def test_every_catalog_entry_verifies(name):
    report = catalog.build(name).verify()
    assert report.ok, str(report)
    assert len(report.steps) >= 1


def test_catalog_follows_the_lecture_order():
    assert catalog.names() == LECTURE_ORDER


def test_committed_derivations_are_what_the_code_generates(generated_documents):
    assert sorted(p.name for p in DERIVATIONS.iterdir()) == sorted(d.filename for d in generated_documents)
    for document in generated_documents:
        assert (DERIVATIONS / document.filename).read_text(encoding="utf-8") == document.text, document.filename


def test_every_generated_document_says_every_step_holds(generated_documents):
    for document in generated_documents[:-1]:
        assert "\\textbf{Checked by symnn.}" in document.text, document.filename
        assert "DO NOT HOLD" not in document.text and "FAILS" not in document.text, document.filename
        assert f"{document.steps} step{'s' if document.steps != 1 else ''} checked: " in document.text, document.filename


def test_index_has_one_line_per_entry():
    text = (DERIVATIONS / "README.md").read_text(encoding="utf-8")
    for name in LECTURE_ORDER:
        assert text.count(f"[{name}.tex]({name}.tex)") == 1


def _as_typed(latex: str) -> str:
    """LaTeX as a person types it: optional braces round one character dropped, \\left/\\right plain."""
    text = latex.replace("\\left(", "(").replace("\\right)", ")").replace("\\right.", "")
    text = re.sub(r"([_^])\{(\w)\}", r"\1\2", text)
    return re.sub(r"\s+", " ", text).replace("( ", "(").replace(" )", ")").strip()


# The slide's three equations, written from the lecture (its ``\sum_{i=1}^3``, ``w_{i1}^{[1]}``, ``\cdot``)
SLIDE = [
    r"a_1^{[1]} = g(w_1^{[1]} \cdot X) = \sum_{i=1}^3 w_{i1}^{[1]} \cdot x_i",
    r"\text{Output} = a_1^{[2]} = g(w^{[2]} \cdot a^{[1]}) = \sum_{j=1}^4 w_{j1}^{[2]} \cdot a_j^{[1]}",
    r"f(X) = a_1^{[2]} = \sum_{j=1}^4 w_j^{[2]} \cdot \left(\sum_{i=1}^3 w_{ij}^{[1]} \cdot x_i \right) "
    r"= w'_1 \cdot x_1 + w'_2 \cdot x_2 + w'_3 \cdot x_3",
]


def test_lecture_collapse_derivation_has_the_slides_form():
    text = (DERIVATIONS / "linear-collapse-3-4-1.tex").read_text(encoding="utf-8")
    lines = [_as_typed(line.split("&&")[0].replace("&", "").rstrip(" \\")) for line in text.splitlines()]
    for equation in SLIDE:
        assert _as_typed(equation) in lines, equation
    assert "Checked by symnn." in text and "DO NOT HOLD" not in text


def test_sigma_is_written_as_the_lecture_writes_it():
    for name in ("logistic-regression", "sigmoid-example", "neuron"):
        text = (DERIVATIONS / f"{name}.tex").read_text(encoding="utf-8")
        assert "+ 1}" not in text, name  # never 1/(e^{-z} + 1)


def test_sigmoid_example_arithmetic_agrees_with_fractions_and_mpmath():
    text = (DERIVATIONS / "sigmoid-example.tex").read_text(encoding="utf-8")
    # the numbers the document gives…
    assert (r"Given $x_{1} = 1$, $x_{2} = 1$, $x_{3} = 0$, $w_{11}^{[1]} = \frac{1}{2}$, "
            r"$w_{21}^{[1]} = \frac{1}{4}$, $w_{31}^{[1]} = 3$, $b_{1}^{[1]} = - \frac{1}{4}$.") in text
    x, w, b = [1, 1, 0], [Fraction(1, 2), Fraction(1, 4), Fraction(3)], Fraction(-1, 4)
    z = sum(wk * xk for wk, xk in zip(w, x)) + b
    assert z == Fraction(1, 2)
    # …and the results it states: z = 1/2, σ(1/2) ≈ 0.6225
    assert r" &= \frac{1}{2} && \text{add up~$\checkmark$} \\" in text
    with mpmath.workdps(30):
        sigma = 1 / (1 + mpmath.exp(-mpmath.mpf(z.numerator) / z.denominator))
        assert mpmath.nstr(sigma, 4) == "0.6225"
    assert r"&\approx 0.6225" in text


# --- symnn derive ---------------------------------------------------------------------------------

def test_derive_check_passes_on_the_committed_files(cli, generate_once):
    result = cli("derive", "--all", "--check", "--out", str(DERIVATIONS))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{len(LECTURE_ORDER) + 1} files in {DERIVATIONS} are up to date\n"


def test_derive_check_fails_naming_each_changed_or_missing_file(cli, generate_once, tmp_path):
    copy = tmp_path / "derivations"
    shutil.copytree(DERIVATIONS, copy)
    (copy / "neuron.tex").write_text("edited by hand\n", encoding="utf-8")
    (copy / "perceptron.tex").unlink()
    result = cli("derive", "--all", "--check", "--out", str(copy))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"symnn: 2 file(s) in {copy} differ from what the code generates: neuron.tex, "
                             f"perceptron.tex; run 'symnn derive --all --out {copy}'\n")
    assert (copy / "neuron.tex").read_text(encoding="utf-8") == "edited by hand\n"  # --check writes nothing
    assert not (copy / "perceptron.tex").exists()


def test_derive_all_writes_every_document_and_the_index(cli, generate_once, tmp_path):
    result = cli("derive", "--all", "--out", str(tmp_path))
    assert (result.returncode, result.stderr) == (0, "")
    names = [f"{name}.tex" for name in LECTURE_ORDER] + ["README.md"]
    assert result.stdout.splitlines() == [f"wrote {tmp_path / name}" for name in names]
    for name in names:
        assert (tmp_path / name).read_bytes() == (DERIVATIONS / name).read_bytes()


def test_derive_writes_one_file(cli, tmp_path):
    result = cli("derive", "decision-rule", "--out", str(tmp_path))
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decision-rule.tex"]
    assert (tmp_path / "decision-rule.tex").read_text() == (DERIVATIONS / "decision-rule.tex").read_text()


def test_derive_prints_text_with_checks(cli):
    result = cli("derive", "sigmoid-derivative")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "The derivative of the sigmoid"
    assert "     = σ(z)⋅(1 − σ(z))" in lines  # σ′ = σ(1 − σ)
    assert "The derivative of the sigmoid: verified" in lines


def test_derive_list_names_every_entry_with_its_title(cli):
    lines = cli("derive", "--list").stdout.splitlines()
    assert [line.split()[0] for line in lines] == LECTURE_ORDER
    assert lines[0].split(None, 1)[1] == "A single neuron: z and a"  # the title's math read as text


@pytest.mark.parametrize(
    "args, message",
    [
        (["derive", "no-such-thing"], f"unknown derivation 'no-such-thing'; known: {', '.join(LECTURE_ORDER)}"),
        (["derive"], "name a derivation (see 'symnn derive --list') or give --all"),
        (["derive", "neuron", "--check"], "--check and --pdf need --out DIR"),
    ],
)
def test_derive_bad_usage(cli, args, message):
    result = cli(*args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"symnn: error: {message}\n")


# --- pdflatex ---------------------------------------------------------------------------------------

def pdflatex_or_skip():
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run must install TeX Live")
        pytest.skip("pdflatex not installed here")
    return found


def test_the_tour_writes_the_committed_derivations(tour):
    assert tour.result.returncode == 0, tour.result.stderr
    written = tour.out / "derivations"
    for name in [f"{name}.tex" for name in LECTURE_ORDER] + ["README.md"]:
        assert (written / name).read_bytes() == (DERIVATIONS / name).read_bytes(), name


@pytest.mark.parametrize("name", LECTURE_ORDER)
def test_every_derivation_compiles_with_pdflatex(name, tour):
    # the tour compiled each derivation (the same bytes as derivations/, see above) with pdflatex
    pdflatex_or_skip()
    assert tour.result.returncode == 0, tour.result.stderr
    pdf = (tour.out / "derivations" / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_derive_pdf_compiles(cli, tmp_path):
    pdflatex_or_skip()
    result = cli("derive", "neuron", "--out", str(tmp_path), "--pdf")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"wrote {tmp_path / 'neuron.tex'}\nwrote {tmp_path / 'neuron.pdf'}\n"
    assert (tmp_path / "neuron.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.pdf", "neuron.tex"]


def test_latex_error_is_reported_with_its_line(tmp_path):
    pdflatex_or_skip()
    broken = tmp_path / "broken.tex"
    broken.write_text("\\documentclass{article}\n\\begin{document}\n$x^{$\n\\end{document}\n", encoding="utf-8")
    with pytest.raises(documents.DocumentError, match="broken.tex: .*at line 3"):
        documents.compile_pdf(broken)
    assert broken.exists() and not (tmp_path / "broken.pdf").exists()


def test_readme_lists_every_derivation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in LECTURE_ORDER:
        assert f"| `{name}` | {catalog.build(name).title} |" in readme


def test_rendered_documents_are_remembered_only_for_the_same_source(tmp_path, monkeypatch):
    """SYMNN_DOCUMENT_CACHE: a second generation reads what the first wrote; other source code does not."""
    from symnn.app import documents

    monkeypatch.setenv("SYMNN_DOCUMENT_CACHE", str(tmp_path))
    first = documents.generate(["neuron"], kinds=("tex", "html"))
    assert len(list(tmp_path.iterdir())) == 1

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again instead of read from the cache")

    monkeypatch.setattr(documents, "_render", no_rendering)
    assert documents.generate(["neuron"], kinds=("tex", "html")) == first
    monkeypatch.setattr(documents, "source_fingerprint", lambda: "other-source")
    with pytest.raises(AssertionError, match="rendered again"):
        documents.generate(["neuron"], kinds=("tex", "html"))


def test_a_damaged_cache_file_is_rendered_anew(tmp_path, monkeypatch):
    from symnn.app import documents

    monkeypatch.setenv("SYMNN_DOCUMENT_CACHE", str(tmp_path))
    first = documents.generate(["neuron"])
    (cached,) = tmp_path.iterdir()
    cached.write_text('[{"filename": "neuron.tex"', encoding="utf-8")  # half a file
    assert documents.generate(["neuron"]) == first
    monkeypatch.delenv("SYMNN_DOCUMENT_CACHE")
    assert documents.remembered("neuron") is None
