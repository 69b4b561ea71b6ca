"""Hostile and broken input, one place: every case is refused with a SymnnError, nothing runs, nothing is lost.

Each test would fail if its guard were removed.
"""

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import symnn
from symnn import Activation, Network, Params, compile, guards
from symnn.core.parsing import MAX_DEPTH, MAX_LENGTH, UnsafeExpressionError

PACKAGE = Path(symnn.__file__).parent

# --- 1. formulas from text ----------------------------------------------------------------

INJECTIONS = [
    "__import__('os').system('touch {marker}')",
    "().__class__.__mro__[1].__subclasses__()",
    "exec('open(\"{marker}\", \"w\")')",
    "eval('1')",
    "lambda: open('{marker}', 'w')",
    "[open('{marker}', 'w') for z in (1,)]",
    "z.__class__",
    "z[0]",
    "exp(z, evaluate=False)",
    "exp(*[z])",
    "open('{marker}', 'w')",
    "getattr(z, '__class__')",
    "'text'",
    "b'bytes'",
    "z if z else 1",
    "z == 1",
    "(z := 1)",
    "{'a': 1}",
    "f'{z}'",
    "Symbol('x')",
    "sympify('__import__(\"os\")')",
    "x + 1",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_is_rejected_and_has_no_side_effect(payload, tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(UnsafeExpressionError):
        Activation.from_string(payload.replace("{marker}", str(marker)))
    assert not marker.exists()
    assert issubclass(UnsafeExpressionError, symnn.SymnnError)


def test_injection_through_the_command_line_has_no_side_effect(tmp_path):
    marker = tmp_path / "pwned"
    result = subprocess.run([sys.executable, "-m", "symnn", "network", "2,1", "--activation",
                             f"expr:__import__('os').system('touch {marker}')"], capture_output=True, text=True)
    assert result.returncode == 2 and not marker.exists()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text, fragment", [
    ("z" + "+z" * MAX_LENGTH, "characters"),
    ("exp(" * (MAX_DEPTH + 5) + "z" + ")" * (MAX_DEPTH + 5), "nested"),
    ("-" * (MAX_DEPTH + 5) + "z", "nested"),
    ("9**9**9**9", "exponents"),
    ("z**(10**9)", "exponents"),
    ("(10**30)**100**100", "exponents"),
    ("2**100**2", "exponents"),
    ("(10**29*10**29*10**5)**(1/3)", "roots"),
    ("1" * 40, "digits"),
    ("1/0", "division by zero"),
    ("Max(z)", "at least 2"),
    ("exp()", "1 argument"),
    ("", "empty"),
    ("z +", "not valid"),
    ("foo(z)", "unknown function"),
    ("y", "unknown name"),
])
def test_bad_formulas_are_refused(text, fragment):
    start = time.perf_counter()
    with pytest.raises(UnsafeExpressionError) as info:
        Activation.from_string(text)
    assert time.perf_counter() - start < 5
    if fragment:
        assert fragment in str(info.value)


def test_allowed_formulas_parse_to_the_expected_expression():
    from sympy import Abs, Max, exp, log

    z = symnn.activations.z
    assert Activation.from_string("z/(1 + Abs(z))").expr == z / (1 + Abs(z))
    assert Activation.from_string("max(z, 0.1*z)").expr == Max(z, z / 10)
    assert Activation.from_string("log(1 + exp(z))").expr == log(1 + exp(z))
    assert Activation.from_string("3*z + 1").is_affine
    assert symnn.activations.get("expr:-z**2").expr == -z**2


def parses_or_refuses_quickly(text: str) -> None:
    """Any text either parses or raises a SymnnError (never another exception), within 5 seconds."""
    start = time.perf_counter()
    try:
        Activation.from_string(text)
    except symnn.SymnnError:
        pass
    assert time.perf_counter() - start < 5


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_fuzzed_text_parses_or_raises_symnn_error_quickly(text):
    parses_or_refuses_quickly(text)


formula_pieces = st.sampled_from(["z", "1", "2", "0.5", "+", "-", "*", "/", "**", "(", ")", "exp(", "Abs(", ",",
                                  "Max(", "9", "**9", " "])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(formula_pieces, max_size=30).map("".join))
def test_fuzzed_formula_like_text_parses_or_raises_symnn_error_quickly(text):
    parses_or_refuses_quickly(text)


def test_no_eval_exec_sympify_or_parse_expr_outside_the_parser():
    forbidden = {"eval", "exec", "sympify", "parse_expr", "S", "__import__"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).as_posix() == "core/parsing.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in forbidden:
                    offenders.append(f"{path.name}:{node.lineno} calls {name}")
            if isinstance(node, ast.ImportFrom):
                offenders += [f"{path.name}:{node.lineno} imports {a.name}" for a in node.names
                              if a.name in {"sympify", "parse_expr"}]
    assert offenders == []


def test_parser_itself_never_calls_eval():
    tree = ast.parse((PACKAGE / "core" / "parsing.py").read_text(encoding="utf-8"))
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not calls & {"eval", "exec", "sympify", "parse_expr", "compile", "__import__"}


# --- 2. size guards ----------------------------------------------------------------------

def test_collapse_of_a_huge_network_is_refused_with_the_estimate():
    with pytest.raises(guards.ExpressionTooLarge, match="2,055,208,960 terms.*block_identity"):
        symnn.collapse(Network([784, 512, 512, 10]))


def test_output_in_terms_of_x_of_a_huge_network_is_refused():
    with pytest.raises(guards.ExpressionTooLarge, match="symnn.compile"):
        Network([784, 512, 512, 10], activation="sigmoid").output(1)


def test_full_expansion_is_refused_beyond_its_limit():
    with pytest.raises(guards.ExpressionTooLarge, match="1,010,101 terms"):
        Network([100, 100, 100, 1]).expanded_output()
    assert Network([3, 4, 1]).expanded_output().is_Add


def test_limits_are_configurable():
    with guards.limits(expanded=10):
        with pytest.raises(guards.ExpressionTooLarge, match="limit of 10 "):
            Network([3, 4, 1]).expanded_output()
    assert symnn.current_settings().expanded == 200_000  # restored on leaving the block
    with pytest.raises(symnn.SymnnError, match="positive integer"):
        with guards.limits(terms=0):
            pass


def test_printing_a_huge_expression_is_refused_but_the_network_prints_in_block_form():
    big = Network([784, 128, 10])
    assert r"W^{[1]T} x" in symnn.latex(big) and r"W^{[1]T} x" in symnn.latex(big.layer(1))
    with guards.limits(latex_nodes=1000):
        with pytest.raises(guards.ExpressionTooLarge, match="nodes"):
            symnn.latex(Network([30, 30, 1]).output(1))


# --- 3. numbers --------------------------------------------------------------------------

def test_bad_numbers():
    net = Network([3, 2], activation="sigmoid")
    params = Params.random(net)
    f = compile(net)
    with pytest.raises(symnn.BadNumbersError, match="NaN"):
        f(np.array([[np.nan, 1, 2]]), params)
    assert np.isnan(compile(net, allow_nonfinite=True)(np.array([[np.nan, 1, 2]]), params)).all()
    with pytest.raises(symnn.BadNumbersError, match=r"shape \(N, 3\)"):
        f(np.zeros((4, 5)), params)
    assert f(np.array([[True, False, True]]), params).shape == (1, 2)
    assert f(np.zeros((0, 3)), params).shape == (0, 2)
    with pytest.raises(symnn.BadNumbersError, match="W\\^\\[2\\]"):
        Params.from_arrays([np.ones((3, 2)), np.ones((3, 1))])
    with pytest.raises(symnn.BadNumbersError, match="NaN"):
        Params.from_arrays([np.full((3, 2), np.inf)])


# --- 4. files ------------------------------------------------------------------------------

def test_files_are_written_atomically_and_nothing_else_is_touched(tmp_path, monkeypatch):
    from symnn import documents

    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    target = tmp_path / "neuron.tex"
    target.write_text("old content")

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # an interruption at the worst moment

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        documents.write_text_atomic(target, "new content")
    monkeypatch.undo()
    assert target.read_text() == "old content"  # not half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.tex", "notes.txt"]  # no temporary left
    assert keep.read_text() == "mine"


def test_unwritable_output_directory_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = subprocess.run([sys.executable, "-m", "symnn", "derive", "neuron", "--out", str(blocker / "sub")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("symnn: failed: cannot create output directory")


# --- 5. the command line ---------------------------------------------------------------------

def test_debug_shows_the_traceback():
    plain = subprocess.run([sys.executable, "-m", "symnn", "network", "2,0"], capture_output=True, text=True)
    debug = subprocess.run([sys.executable, "-m", "symnn", "--debug", "network", "2,0"], capture_output=True, text=True)
    assert "Traceback" not in plain.stderr and len(plain.stderr.strip().splitlines()) == 1
    assert "Traceback" in debug.stderr and debug.returncode != 0


def test_ctrl_c_during_training_exits_cleanly(tmp_path):
    import signal

    process = subprocess.Popen([sys.executable, "-m", "symnn", "digits", "--data", "variants", "--epochs", "100000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    time.sleep(10)  # well into training: imports and data take a few seconds, 100 000 epochs take hours
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip() == "symnn: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_witness_for_a_large_network_is_found_quickly():
    start = time.perf_counter()
    with pytest.raises(symnn.NotCollapsible) as info:
        symnn.collapse(Network([784, 128, 10], activation="sigmoid"))
    witness = info.value.witness
    assert witness is not None and abs(witness.difference.evalf(30)) > 1e-20
    assert time.perf_counter() - start < 120
