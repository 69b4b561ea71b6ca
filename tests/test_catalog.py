"""The catalog and derivations/: every entry verifies, the committed files are current, and they compile."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest

from symnn import catalog, documents

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"


@pytest.mark.parametrize("name", catalog.names())
def test_every_catalog_entry_verifies(name):
    report = catalog.build(name).verify()
    assert report.ok, str(report)
    assert len(report.steps) >= 1


def test_catalog_follows_the_lecture_order():
    assert catalog.names() == [
        "neuron", "logistic-regression", "sigmoid-example", "layer-matrix", "linear-collapse-3-4-1",
        "collapse-block-form", "tanh-sigmoid", "sigmoid-derivative", "decision-rule", "perceptron",
        "sigmoid-non-collapse",
    ]


def test_committed_derivations_are_what_the_code_generates():
    docs = documents.generate()
    docs.append(documents.index(docs))
    assert documents.stale(docs, DERIVATIONS) == []


def test_index_has_one_line_per_entry():
    text = (DERIVATIONS / "README.md").read_text(encoding="utf-8")
    for name in catalog.names():
        assert text.count(f"[{name}.tex]({name}.tex)") == 1


def test_lecture_collapse_derivation_has_the_slides_form():
    text = (DERIVATIONS / "linear-collapse-3-4-1.tex").read_text(encoding="utf-8")
    # Output = a_1^{[2]} = Σ_{j=1}^{4} w_{j1}^{[2]} a_j^{[1]}
    assert r"a_{1}^{[2]} &= \sum_{j=1}^{4} w_{j1}^{[2]} a_{j}^{[1]}" in text
    # a_1^{[1]} = Σ_{i=1}^{3} w_{i1}^{[1]} x_i
    assert r"a_{1}^{[1]} &= \sum_{i=1}^{3} w_{i1}^{[1]} x_{i}" in text
    # f(X) = Σ_j w_j^{[2]} (Σ_i w_{ij}^{[1]} x_i) = w'_1 x_1 + w'_2 x_2 + w'_3 x_3
    assert r"\sum_{j=1}^{4} w_{j1}^{[2]} \sum_{i=1}^{3} w_{ij}^{[1]} x_{i}" in text
    assert r"&= w'_{1} x_{1} + w'_{2} x_{2} + w'_{3} x_{3} && \text{Linear model!}" in text
    assert "every step holds" in text


def test_sigmoid_example_value_agrees_with_mpmath():
    mpmath.mp.dps = 30
    z = sum(mpmath.mpf(w.p) / w.q * x for w, x in zip(catalog.SIGMOID_EXAMPLE_W, catalog.SIGMOID_EXAMPLE_X))
    z += mpmath.mpf(catalog.SIGMOID_EXAMPLE_B.p) / catalog.SIGMOID_EXAMPLE_B.q
    assert z == mpmath.mpf("0.5")
    assert abs(1 / (1 + mpmath.exp(-z)) - mpmath.mpf("0.6225")) < mpmath.mpf("0.00005")
    text = (DERIVATIONS / "sigmoid-example.tex").read_text(encoding="utf-8")
    assert r"&\approx 0.6225" in text


def run_symnn(*args, env=None):
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def test_derive_check_passes_on_main():
    result = run_symnn("derive", "--all", "--check", "--out", "derivations")
    assert result.returncode == 0, result.stderr


def test_derive_check_fails_on_a_changed_file(tmp_path):
    copy = tmp_path / "derivations"
    shutil.copytree(DERIVATIONS, copy)
    (copy / "neuron.tex").write_text("edited by hand\n", encoding="utf-8")
    (copy / "perceptron.tex").unlink()
    result = run_symnn("derive", "--all", "--check", "--out", str(copy))
    assert result.returncode == 1
    assert "neuron.tex" in result.stderr and "perceptron.tex" in result.stderr
    assert "Traceback" not in result.stderr


def test_derive_writes_one_file(tmp_path):
    result = run_symnn("derive", "decision-rule", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decision-rule.tex"]
    assert (tmp_path / "decision-rule.tex").read_text() == (DERIVATIONS / "decision-rule.tex").read_text()


def test_derive_prints_text_with_checks():
    result = run_symnn("derive", "sigmoid-derivative")
    assert result.returncode == 0, result.stderr
    assert "The derivative of the sigmoid" in result.stdout
    assert "σ(z)⋅(1 - σ(z))" in result.stdout
    assert "verified" in result.stdout


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["derive", "no-such-thing"], 2, "known: neuron"),
        (["derive"], 2, "--all"),
        (["derive", "neuron", "--check"], 2, "need --out"),
    ],
)
def test_derive_bad_usage(args, code, fragment):
    result = run_symnn(*args)
    assert result.returncode == code
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_derive_pdf_without_pdflatex_says_how_to_install(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # no pdflatex on this PATH
    result = subprocess.run([sys.executable, "-m", "symnn", "derive", "neuron", "--out", str(tmp_path), "--pdf"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert result.returncode == 1
    assert "apt-get install texlive-latex-base" in result.stderr
    assert (tmp_path / "neuron.tex").exists()  # the .tex is kept


def pdflatex_or_skip():
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run must install TeX Live")
        pytest.skip("pdflatex not installed here")
    return found


@pytest.mark.parametrize("name", catalog.names())
def test_every_derivation_compiles_with_pdflatex(name, tmp_path):
    pdflatex = pdflatex_or_skip()
    source = DERIVATIONS / f"{name}.tex"
    result = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", f"-output-directory={tmp_path}",
                             str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, documents.first_latex_error(result.stdout)
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


def test_derive_pdf_compiles(tmp_path):
    pdflatex_or_skip()
    result = run_symnn("derive", "neuron", "--out", str(tmp_path), "--pdf")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "neuron.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.pdf", "neuron.tex"]


def test_latex_error_is_reported_with_its_line(tmp_path):
    pdflatex_or_skip()
    broken = tmp_path / "broken.tex"
    broken.write_text("\\documentclass{article}\n\\begin{document}\n$x^{$\n\\end{document}\n", encoding="utf-8")
    with pytest.raises(documents.DocumentError, match="at line 3"):
        documents.compile_pdf(broken)
    assert broken.exists() and not (tmp_path / "broken.pdf").exists()


def test_readme_lists_every_derivation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in catalog.names():
        assert f"| `{name}` | {catalog.build(name).title} |" in readme
