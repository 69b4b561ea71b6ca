"""One exit code per kind of failure, and one for a missing optional dependency whichever it is."""

from __future__ import annotations

import sys

import pytest

from symnn.app import cli, documents


def run(argv, capsys):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("module, package, argv, install", [
    ("matplotlib", "matplotlib", ["activations", "--plot", "{tmp}/a.png"], "pip install 'symnn[plot]'"),
    ("sklearn", "scikit-learn", ["digits", "--data", "handwritten"], "pip install 'symnn[data]'"),
])
def test_a_missing_python_package_exits_3_naming_the_install_command(module, package, argv, install, monkeypatch,
                                                                      capsys, tmp_path):
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    code, _, err = run([a.format(tmp=tmp_path) for a in argv], capsys)
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("symnn: error: ")
    assert f"{package} is not installed" in err and install in err


def test_missing_pdflatex_exits_3_and_keeps_the_tex(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    code, _, err = run(["derive", "neuron", "--out", str(tmp_path), "--pdf"], capsys)
    assert code == 3
    assert "pdflatex is not installed" in err and "apt-get install texlive-latex-base" in err
    assert (tmp_path / "neuron.tex").exists() and not (tmp_path / "neuron.pdf").exists()


def test_bad_usage_is_2_and_a_reported_failure_is_1(capsys):
    assert run(["network", "3,x,1"], capsys)[0] == 2
    code, out, _ = run(["collapse", "2,2,1", "--activation", "sigmoid"], capsys)
    assert code == 1 and "does not collapse" in out
