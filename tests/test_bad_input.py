"""Hostile and broken input, one place: every case is refused with a SymnnError, nothing runs, nothing is lost.

Each test would fail if its guard were removed.
"""

import ast
import os
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings, strategies as st
from sympy import Rational

import symnn
from symnn import Activation, Network, Params, compile, guards
from symnn.core.parsing import MAX_DEPTH, MAX_LENGTH, UnsafeExpressionError, parse_activation

PACKAGE = Path(symnn.__file__).parent
Z = symnn.activations.z

# What the README promises a formula may use, written out here (not read from the parser).
README_FUNCTIONS = {"exp", "log", "sqrt", "tanh", "sinh", "cosh", "sin", "cos", "atan", "asinh", "Abs", "Max", "Min",
                    "Heaviside", "sign", "abs", "max", "min"}
README_NAMES = {"z", "pi", "E"}
ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant, ast.Load,
                 ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.UAdd, ast.USub)
WHITELIST = "allowed: the variable z, numbers, + - * / **, the functions"

# --- 1. formulas from text ----------------------------------------------------------------

INJECTIONS = [  # (payload, what the refusal names)
    ("__import__('os').system('touch {marker}')", "only plain function names may be called"),
    ("().__class__.__mro__[1].__subclasses__()", "only plain function names may be called"),
    ("exec('open(\"{marker}\", \"w\")')", "unknown function 'exec'"),
    ("eval('1')", "unknown function 'eval'"),
    ("lambda: open('{marker}', 'w')", "'Lambda' is not allowed"),
    ("[open('{marker}', 'w') for z in (1,)]", "'ListComp' is not allowed"),
    ("z.__class__", "'Attribute' is not allowed"),
    ("z[0]", "'Subscript' is not allowed"),
    ("exp(z, evaluate=False)", "exp() takes no keyword arguments"),
    ("exp(*[z])", "exp() takes plain arguments, not *unpacking"),
    ("open('{marker}', 'w')", "unknown function 'open'"),
    ("getattr(z, '__class__')", "unknown function 'getattr'"),
    ("'text'", "'text' is not a number"),
    ("b'bytes'", "b'bytes' is not a number"),
    ("z if z else 1", "'IfExp' is not allowed"),
    ("z == 1", "'Compare' is not allowed"),
    ("(z := 1)", "'NamedExpr' is not allowed"),
    ("{'a': 1}", "'Dict' is not allowed"),
    ("f'{z}'", "'JoinedStr' is not allowed"),
    ("Symbol('x')", "unknown function 'Symbol'"),
    ("sympify('__import__(\"os\")')", "unknown function 'sympify'"),
    ("x + 1", "unknown name 'x'"),
]


@pytest.mark.parametrize("payload, named", INJECTIONS)
def test_injection_is_refused_naming_the_offence_and_has_no_side_effect(payload, named, tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(symnn.SymnnError) as info:  # what a user catches
        Activation.from_string(payload.replace("{marker}", str(marker)))
    assert type(info.value) is UnsafeExpressionError
    message = str(info.value)
    assert named in message
    if "keyword" not in named and "unpacking" not in named:
        assert WHITELIST in message  # and says what is allowed instead
    assert not marker.exists()


def test_injection_through_the_command_line_has_no_side_effect(cli, tmp_path):
    marker = tmp_path / "pwned"
    result = cli("network", "2,1", "--activation", f"expr:__import__('os').system('touch {marker}')")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("symnn: error: ")
    assert "only plain function names may be called" in result.stderr and WHITELIST in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize("text, fragment", [
    ("z" + "+z" * MAX_LENGTH, f"{2 * MAX_LENGTH + 1} characters; at most {MAX_LENGTH} are allowed"),
    ("exp(" * (MAX_DEPTH + 5) + "z" + ")" * (MAX_DEPTH + 5), f"nested more than {MAX_DEPTH} levels"),
    ("-" * (MAX_DEPTH + 5) + "z", f"nested more than {MAX_DEPTH} levels"),
    ("9**9**9**9", "exponents may be at most 100 in size, not 387420489"),  # 9**9 = 387420489
    ("z**(10**9)", "exponents may be at most 100 in size, not 1000000000"),
    ("(10**30)**100**100", "exponents may be at most 100"),
    ("2**100**2", "exponents may be at most 100 in size, not 10000"),
    ("(10**29*10**29*10**5)**(1/3)", "roots of numbers longer than 60 digits"),
    ("1" * 40, "at most 30 digits"),
    ("1/0", "division by zero"),
    ("Max(z)", "Max() takes at least 2 argument(s), not 1"),
    ("exp()", "exp() takes 1 argument(s), not 0"),
    ("", "the formula is empty"),
    ("z +", "'z +' is not valid arithmetic"),
    ("foo(z)", "unknown function 'foo'"),
    ("y", "unknown name 'y'"),
])
def test_bad_formulas_are_refused_quickly_saying_why(text, fragment):
    start = time.perf_counter()
    with pytest.raises(UnsafeExpressionError) as info:
        Activation.from_string(text)
    assert time.perf_counter() - start < 5
    assert fragment in str(info.value)


def test_allowed_formulas_parse_to_the_expected_expression():
    from sympy import Abs, Max, exp, log

    assert Activation.from_string("z/(1 + Abs(z))").expr == Z / (1 + Abs(Z))
    assert Activation.from_string("max(z, 0.1*z)").expr == Max(Z, Z / 10)  # decimals are exact: 0.1 = 1/10
    assert Activation.from_string("log(1 + exp(z))").expr == log(1 + exp(Z))
    assert Activation.from_string("3*z + 1").is_affine
    assert symnn.activations.get("expr:-z**2").expr == -Z**2


# A formula built from parts: its text, and its value computed by mpmath from the same parts (no parser involved).

class Undefined(Exception):
    """The formula has no (or no numerically safe) value at this point: a zero denominator, a kink, overflow."""


SCALE_LIMIT = mpmath.mpf(10) ** 8


@dataclass(frozen=True)
class Formula:
    text: str
    value: Callable  # value(t, seen): the formula at z = t; records |every intermediate| in seen

    def at(self, t):
        seen = []
        return self.value(t, seen), max([mpmath.mpf(1), *seen])


def _checked(result, seen):
    if abs(result) > SCALE_LIMIT:
        raise Undefined("too large to compare tightly")
    seen.append(abs(result))
    return result


def _away_from_zero(value):
    if abs(value) < mpmath.mpf(10) ** -30:  # exactly 0 for SymPy's rationals, maybe 1e-51 for mpmath: no verdict
        raise Undefined("at a zero")
    return value


def _div(a, b):
    return a / _away_from_zero(b)


LEAVES = [("z", lambda t: t), ("1", lambda t: mpmath.mpf(1)), ("2", lambda t: mpmath.mpf(2)),
          ("7", lambda t: mpmath.mpf(7)), ("0.5", lambda t: mpmath.mpf(1) / 2), ("0.1", lambda t: mpmath.mpf(1) / 10),
          ("pi", lambda t: mpmath.pi), ("E", lambda t: mpmath.e)]
UNARY = [
    ("-({})", lambda a: -a), ("+({})", lambda a: a), ("exp({})", mpmath.exp), ("tanh({})", mpmath.tanh),
    ("sin({})", mpmath.sin), ("cos({})", mpmath.cos), ("atan({})", mpmath.atan), ("sinh({})", mpmath.sinh),
    ("cosh({})", mpmath.cosh), ("asinh({})", mpmath.asinh), ("Abs({})", abs), ("abs({})", abs),
    ("sqrt(Abs({}))", lambda a: mpmath.sqrt(abs(a))), ("log(1 + Abs({}))", lambda a: mpmath.log(1 + abs(a))),
    ("sign({})", lambda a: mpmath.sign(_away_from_zero(a))),
    ("({})**2", lambda a: a**2), ("({})**3", lambda a: a**3), ("({})**0", lambda a: mpmath.mpf(1)),
]
BINARY = [
    ("({}) + ({})", lambda a, b: a + b), ("({}) - ({})", lambda a, b: a - b), ("({})*({})", lambda a, b: a * b),
    ("({})/({})", _div), ("Max({}, {})", max), ("min({}, {})", min),
]


def _leaf(text, f):
    return Formula(text, lambda t, seen: _checked(f(t), seen))


def _unary(template, f, inner):
    return Formula(template.format(inner.text), lambda t, seen: _checked(f(inner.value(t, seen)), seen))


def _binary(template, f, left, right):
    return Formula(template.format(left.text, right.text),
                   lambda t, seen: _checked(f(left.value(t, seen), right.value(t, seen)), seen))


formulas = st.recursive(
    st.sampled_from(LEAVES).map(lambda leaf: _leaf(*leaf)),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(UNARY), inner).map(lambda p: _unary(p[0][0], p[0][1], p[1])),
        st.tuples(st.sampled_from(BINARY), inner, inner).map(lambda p: _binary(p[0][0], p[0][1], p[1], p[2])),
    ),
    max_leaves=12,
)
POINTS = [Rational(-7, 4), Rational(-1, 2), Rational(1, 4), Rational(3, 2)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas)
def test_parsed_formula_has_the_value_of_its_parts(formula):
    note(formula.text)
    if len(formula.text) > MAX_LENGTH:
        with pytest.raises(UnsafeExpressionError, match=f"at most {MAX_LENGTH} are allowed"):
            parse_activation(formula.text, Z)
        return
    try:
        expr = parse_activation(formula.text, Z)
    except UnsafeExpressionError as error:
        # Two refusals a well-formed formula of these parts can meet: a constant too large to hold
        # (sinh(sinh(sinh(7))) has about 10^237 digits), and a denominator that is identically 0.
        if "constants may have at most" in str(error):
            assert re.fullmatch(r".+ would have about [\d.e+,]+ digits; constants may have at most 4,000", str(error))
            return
        assert str(error) == "division by zero"
        with mpmath.workdps(50):
            for point in POINTS:
                with pytest.raises(Undefined):
                    formula.at(mpmath.mpf(point.p) / point.q)
        return
    assert expr.free_symbols <= {Z}
    with mpmath.workdps(50):
        for point in POINTS:
            try:
                want, scale = formula.at(mpmath.mpf(point.p) / point.q)
            except Undefined:
                continue
            got = expr.xreplace({Z: point}).evalf(30)
            assert got.is_real and got.is_finite, (formula.text, point, got)
            assert abs(mpmath.mpf(str(got)) - want) <= mpmath.mpf(10) ** -20 * scale, (formula.text, point, got, want)


# Every refusal says why: the whitelist, a limit, or a division by zero.
REASONS = re.compile(r"allowed: the variable z|at most \d+|at least \d+|takes \d+|more than \d+|division by zero|"
                     r"not \*unpacking|no keyword arguments|must be finite|only plain function names|"
                     r"roots of numbers longer than \d+")


def check_parse_or_refusal(text: str) -> None:
    """Text parses to an expression in z that used only README-listed names, or is refused saying why."""
    start = time.perf_counter()
    try:
        activation = Activation.from_string(text)
    except symnn.SymnnError as error:
        assert isinstance(error, UnsafeExpressionError), (text, error)
        message = str(error)
        assert "\n" not in message and REASONS.search(message), (text, message)
        if len(text) <= MAX_LENGTH and text.strip():
            try:
                ast.parse(text.strip(), mode="eval")
            except (SyntaxError, ValueError):
                assert "is not valid arithmetic" in message, (text, message)
    else:
        tree = ast.parse(text.strip(), mode="eval")  # accepted text is Python arithmetic…
        assert all(isinstance(node, ALLOWED_NODES) for node in ast.walk(tree)), text
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)}
        assert names - called <= README_NAMES and called <= README_FUNCTIONS, text  # …of whitelisted names only
        assert activation.expr.free_symbols <= {Z}
    assert time.perf_counter() - start < 5, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_fuzzed_text_parses_to_whitelisted_arithmetic_or_is_refused_saying_why(text):
    check_parse_or_refusal(text)


formula_pieces = st.sampled_from(["z", "1", "2", "0.5", "+", "-", "*", "/", "**", "(", ")", "exp(", "Abs(", ",",
                                  "Max(", "9", "**9", " ", "x", "pi", "__", ".", "[", "lambda"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(formula_pieces, max_size=30).map("".join))
def test_fuzzed_formula_like_text_parses_to_whitelisted_arithmetic_or_is_refused_saying_why(text):
    check_parse_or_refusal(text)


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
    # explicit W' of 784-512-512-10: 784·512·512·10 products = 2,055,208,960 terms
    with pytest.raises(guards.ExpressionTooLarge, match="2,055,208,960 terms.*block_identity"):
        symnn.collapse(Network([784, 512, 512, 10]))


def test_output_in_terms_of_x_of_a_huge_network_is_refused():
    with pytest.raises(guards.ExpressionTooLarge, match="symnn.compile"):
        Network([784, 512, 512, 10], activation="sigmoid").output(1)


def test_full_expansion_is_refused_beyond_its_limit():
    # 100-100-100-1 expanded: 100·100·100 + 100·100 + 100 + 1 = 1,010,101 monomials
    with pytest.raises(guards.ExpressionTooLarge, match="1,010,101 terms"):
        Network([100, 100, 100, 1]).expanded_output()
    assert len(Network([3, 4, 1]).expanded_output().args) == 3 * 4 + 4 + 1  # w w x terms, w b terms, b


def test_limits_are_configurable_and_restored():
    default = symnn.current_settings().expanded
    with guards.limits(expanded=10):
        with pytest.raises(guards.ExpressionTooLarge, match="limit of 10 "):
            Network([3, 4, 1]).expanded_output()
    assert symnn.current_settings().expanded == default == 200_000  # the README's figure, restored
    with pytest.raises(symnn.InvalidArgumentError, match="positive integer, not 0"):
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
    booleans = f(np.array([[True, False, True]]), params)
    by_hand = 1 / (1 + np.exp(-(np.array([1.0, 0.0, 1.0]) @ params.W(1) + params.b(1))))
    np.testing.assert_allclose(booleans[0], by_hand, rtol=1e-15)
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
    documents.write_text_atomic(target, "new content")  # and without the interruption it is written
    assert target.read_text() == "new content"


def test_unwritable_output_directory_is_a_clear_error(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("derive", "neuron", "--out", str(blocker / "sub"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"symnn: failed: cannot create output directory {blocker / 'sub'}: ")
    assert blocker.read_text() == "x"


# --- 5. the command line ---------------------------------------------------------------------

def test_ctrl_c_during_training_exits_130_with_one_line(processes, tmp_path):
    pytest.importorskip("tqdm")  # the progress bar on the terminal is how the test knows training is under way
    pty = pytest.importorskip("pty")  # POSIX terminals
    import fcntl
    import struct
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # tqdm draws nothing at width 0
    try:
        process = processes.start([sys.executable, "-m", "symnn", "digits", "--data", "variants", "--epochs", "100000"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, cwd=tmp_path)
        os.close(terminal)
        terminal = None
        seen = b""
        deadline = time.monotonic() + 120
        while b"training" not in seen:  # 100 000 epochs take hours: the bar appears and stays
            assert time.monotonic() < deadline, f"no training progress bar: {seen!r}"
            ready, _, _ = select.select([controller], [], [], 1)
            if ready:
                seen += os.read(controller, 4096)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: SIGINT to the foreground group
        out = process.stdout.read()
        assert process.wait(timeout=60) == 130
        while select.select([controller], [], [], 0.5)[0]:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(controller)
        if terminal is not None:
            os.close(terminal)
    screen = terminal_lines(seen.decode("utf-8", "replace"))
    assert screen[-1].endswith("symnn: interrupted"), screen  # the last thing on the terminal…
    assert all(line.startswith("training") for line in screen[:-1]), screen  # …after nothing but the bar
    assert seen.count(b"symnn:") == 1 and b"Traceback" not in seen and b"KeyboardInterrupt" not in seen
    assert out == b""
    assert list(tmp_path.iterdir()) == []


def terminal_lines(text: str) -> list[str]:
    """The non-blank lines a terminal shows for ``text``: a carriage return moves back and overwrites."""
    lines = []
    for raw in text.split("\n"):
        cells, column = [], 0
        for char in raw:
            if char == "\r":
                column = 0
                continue
            if column < len(cells):
                cells[column] = char
            else:
                cells.append(char)
            column += 1
        if "".join(cells).strip():
            lines.append("".join(cells).rstrip())
    return lines


def test_witness_for_a_large_network_is_found_quickly_and_reevaluates_in_numpy():
    net = Network([784, 128, 10], activation="sigmoid")
    start = time.perf_counter()
    with pytest.raises(symnn.NotCollapsible) as info:
        symnn.collapse(net)
    assert time.perf_counter() - start < 120
    witness = info.value.witness
    # A network this large gets a one-path witness: the path's parameters, every other weight 0.
    assert set(witness.params) == {p for layer in net.layers for p in (layer.weight(1, 1), layer.bias_term(1))}
    # f(x + y) + f(0) − f(x) − f(y) by hand: a^{[j]} = σ(W^{[j]T} a^{[j-1]} + b^{[j]}), in float64
    Ws = [np.zeros((n_in, n_out)) for n_in, n_out in zip(net.sizes, net.sizes[1:])]
    bs = [np.zeros(n_out) for n_out in net.sizes[1:]]
    for j, layer in enumerate(net.layers):
        Ws[j][0, 0] = float(witness.params[layer.weight(1, 1)])
        bs[j][0] = float(witness.params[layer.bias_term(1)])

    def f(x):
        a = np.asarray(x, dtype=float)
        for W, b in zip(Ws, bs):
            a = 1 / (1 + np.exp(-(a @ W + b)))
        return a[witness.output - 1]

    x, y = [float(v) for v in witness.x], [float(v) for v in witness.y]
    by_hand = f(np.add(x, y)) + f(np.zeros(784)) - f(x) - f(y)
    assert abs(by_hand) > 1e-6  # the network is not affine
    assert by_hand == pytest.approx(float(witness.difference.evalf(30)), rel=1e-9, abs=1e-12)
