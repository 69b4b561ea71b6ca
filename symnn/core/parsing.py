"""Safe parsing of user-written activations such as ``z/(1 + Abs(z))``: never eval, exec, sympify or parse_expr.

SymPy's own parser evaluates Python code, so text from users is parsed with
``ast`` and a whitelist of node types, and the SymPy expression is built here
node by node. Allowed: the variable ``z``; integers and decimals; ``+ - * / **``
and unary ``+ -``; the functions in FUNCTIONS; the constants ``pi`` and ``E``.
Refused, with an UnsafeExpressionError that says why:
anything else (attributes, subscripts, lambdas, comprehensions, keywords,
strings, unknown names), text longer than MAX_LENGTH characters, nesting deeper
than MAX_DEPTH, and anything whose size would make SymPy slow.

Size rules. The danger is not the text, which is short, but numbers it denotes
(``9**9**9**9``) and SymPy calls that evaluate them (an assumption query on
``exp(exp(exp(99)))`` asks mpmath for a number with 10^42 digits). Each node is
checked as it is built, bottom-up, so every check evaluates only parts that
already passed:

1. Exponents. In ``b**e`` every constant part of ``e`` is at most MAX_EXPONENT in
   size: ``e`` itself when it is a number or has no ``z`` (``2**(pi*10**29)``),
   otherwise the constant term and factor of each sum and product in it
   (``2**(10**29*z)``, ``2**(z + 10**29)``). Symbolic exponents are thus refused
   exactly like numeric ones. The base ``E`` is the exception: ``E**e`` is
   ``exp(e)``, whose argument is bounded only by rule 2 (``exp(-200*z)``, a
   steep sigmoid's, is fine; SymPy never expands e^c into digits).
2. Magnitudes. Every constant (a part without ``z``) is a finite number of at
   most MAX_RESULT_DIGITS decimal digits. The growing operations — powers of
   constants, exp, sinh, cosh, and sin, cos of complex constants — are checked
   from their arguments' values *before* SymPy builds them (building
   ``Max(exp(10**3000), 1)`` alone takes SymPy seconds); every other constant
   result is checked after. Magnitudes are evaluated at CHECK_DIGITS digits.
3. Exact numbers. Integers have at most MAX_INTEGER_DIGITS digits; exact powers
   of rationals at most MAX_RESULT_DIGITS; roots of numbers longer than
   MAX_ROOT_DIGITS are refused (SymPy looks for exact roots).

Because of rule 2, evaluating any constant of an accepted formula is cheap, so
SymPy's own checks (comparisons in Max, assumption queries) cannot stall on it.
4. Every constant is real: ``sqrt(-1)*z``, ``log(-1)*z``, ``(-8)**(1/3)*z`` are refused
   (activations must be real for real z).

The formula budget. Three limits on what a formula can make SymPy do, read
from the tree without evaluating anything (``check_budget``, milliseconds):
at most MAX_EXP_NESTING exp-like functions inside each other (EXP_LIKE, and
powers with z in the exponent), polynomial degree at most MAX_DEGREE once
expanded (estimated from the tree: ``(z**2+z+1)**50*(z**3-z+1)**33`` has 199),
at most MAX_PIECES pieces from PIECEWISE_HEADS (a Max or Min of n arguments
counts n − 1).

``check_expression`` applies rules 1, 2 and 4 and the budget to a whole expression
built elsewhere; every Activation record runs it, so a g given as a SymPy object
obeys the same rules (and has at most MAX_NODES nodes).
Any Python or SymPy exception while building is turned into an
UnsafeExpressionError naming the formula.
"""

from __future__ import annotations

import ast
import operator
from numbers import Number
from typing import Callable, Iterator

import mpmath
from sympy import (
    Abs,
    E,
    Expr,
    Float,
    Heaviside,
    Integer,
    Max,
    Min,
    Piecewise,
    Pow,
    Rational,
    asinh,
    atan,
    cos,
    cosh,
    exp,
    log,
    pi,
    postorder_traversal,
    sign,
    sin,
    sinh,
    sqrt,
    tanh,
)
from sympy.core.basic import Basic

from symnn.core.guards import node_count
from symnn.errors import SymnnError, UnsafeExpressionError

MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_EXPONENT = 100  # size of any constant part of an exponent (rule 1)
MAX_INTEGER_DIGITS = 30
# decimal digits of any constant (rule 2) and of exact powers (rule 3); below Python's limit of 4300 digits
# for printing an integer, so that every accepted formula prints
MAX_RESULT_DIGITS = 4_000
MAX_ROOT_DIGITS = 60
MAX_NODES = 1000  # nodes of a g(z) given as a SymPy object (text is bounded by MAX_LENGTH already)
CHECK_DIGITS = 15  # precision of the magnitude checks: only the order of magnitude matters
REAL_TOLERANCE = 2.0**-40  # a constant is real when |imaginary part| is at most this times its size

# The formula budget (measured on this machine, Python 3.11, SymPy 1.14).
# Depth: exp(exp(exp(exp(z)))) hung past 60 s in collapse before facts had a time bound; depth 3 has values
# like e^(e^(e^30)) whose digits alone no evaluation can hold, so anything deeper is refused outright.
MAX_EXP_NESTING = 3
# Degree: (z**2+z+1)**50*(z**3-z+1)**33 (degree 199) took 21-36 s; expanding g'' of such products takes
# 0.05 s at degree 30, 0.21 s at 100, 0.69 s at 200 (function_range, which factors, runs under the time
# bound). 100 is also the largest exponent rule 1 allows, so z**100 stays possible.
MAX_DEGREE = 100
# Pieces: each kink can double the pieces of a product when SymPy folds it into a Piecewise. With facts
# bounded at 0.5 s, 4 sign factors decide in 0.31 s, 6 in more than 0.5 s; 6 Heavisides in 0.35 s, 8 in
# more than 0.5 s; Max(z,1)+...+Max(z,14) took 37 s before the bound.
MAX_PIECES = 6

FUNCTIONS = {
    "exp": exp, "log": log, "sqrt": sqrt, "tanh": tanh, "sinh": sinh, "cosh": cosh, "sin": sin, "cos": cos,
    "atan": atan, "asinh": asinh, "Abs": Abs, "abs": Abs, "Max": Max, "max": Max, "Min": Min, "min": Min,
    "Heaviside": Heaviside, "sign": sign,
}
ARITY = {"Max": None, "max": None, "Min": None, "min": None, "Heaviside": (1, 2)}
CONSTANTS = {"pi": pi, "E": E}

_LOG10_E = mpmath.log10(mpmath.e)
# log10 |f(c)| is at most this, from the value c of a constant argument (rule 2); other functions
# do not grow beyond their argument (tanh, atan, log, sqrt, Abs, …).
GROWTH: dict[type, Callable[[mpmath.mpc], mpmath.mpf]] = {
    exp: lambda c: c.real * _LOG10_E,
    sinh: lambda c: abs(c.real) * _LOG10_E,
    cosh: lambda c: abs(c.real) * _LOG10_E,
    sin: lambda c: abs(c.imag) * _LOG10_E,
    cos: lambda c: abs(c.imag) * _LOG10_E,
}


EXP_LIKE = (exp, log, sinh, cosh, tanh, sin, cos, atan, asinh)
PIECEWISE_HEADS = (Max, Min, Heaviside, sign, Abs, Piecewise)
REAL_RULE = "activations must be real for real z"


def _allowed() -> str:
    return (f"allowed: the variable z, numbers, + - * / **, the functions {', '.join(sorted(set(FUNCTIONS)))} "
            f"and the constants {', '.join(CONSTANTS)}")


def _quoted(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def parse_activation(text: str, variable: Expr) -> Expr:
    """The SymPy expression of ``text`` in the one variable ``z`` (given as ``variable``).

    Every refusal is an UnsafeExpressionError saying why; any other failure while building is one that
    quotes ``text`` and names the Python or SymPy error.
    """
    if not isinstance(text, str):
        raise UnsafeExpressionError(f"an activation formula is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise UnsafeExpressionError(f"the formula {_quoted(text)} has {len(text)} characters; "
                                    f"at most {MAX_LENGTH} are allowed")
    if not text.strip():
        raise UnsafeExpressionError(f"the formula is empty; write g(z), e.g. 'z/(1 + Abs(z))'; {_allowed()}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        message = getattr(error, "msg", None) or "cannot be read"
        raise UnsafeExpressionError(f"the formula {_quoted(text)} is not valid arithmetic ({message}); "
                                    f"{_allowed()}") from None
    try:
        return _Builder(variable).build(tree.body, 1)
    except SymnnError:
        raise
    except Exception as error:  # noqa: BLE001 — SymPy or Python failing on an allowed input is a refusal, not a crash
        raise UnsafeExpressionError(f"the formula {_quoted(text)} cannot be built "
                                    f"({type(error).__name__}: {_short(error, 80)})") from None


class _Builder:
    """Builds the SymPy expression of an ``ast`` tree node by node, checking each node's size (rules 1–3)."""

    def __init__(self, variable: Expr):
        self.variable = variable

    def build(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise UnsafeExpressionError(f"the formula is nested more than {MAX_DEPTH} levels deep")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise UnsafeExpressionError(f"'{type(node).__name__}' is not allowed in a formula; {_allowed()}")
        result = method(node, depth)
        if not result.has(self.variable):
            _check_constant(result)
        return result

    def _Constant(self, node: ast.Constant, depth: int) -> Expr:  # noqa: N802 — named after the ast node
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UnsafeExpressionError(f"{value!r} is not a number; {_allowed()}")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INTEGER_DIGITS:
                raise UnsafeExpressionError(f"integers may have at most {MAX_INTEGER_DIGITS} digits")
            return Integer(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise UnsafeExpressionError("numbers must be finite")
        return Rational(str(value))  # the decimal as written: 0.1 is 1/10

    def _Name(self, node: ast.Name, depth: int) -> Expr:  # noqa: N802
        if node.id == "z":
            return self.variable
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise UnsafeExpressionError(f"unknown name {node.id!r}: the variable is z; {_allowed()}")

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Expr:  # noqa: N802
        if type(node.op) not in UNARY:
            raise UnsafeExpressionError(f"'{type(node.op).__name__}' is not allowed in a formula; {_allowed()}")
        return UNARY[type(node.op)](self.build(node.operand, depth + 1))

    def _BinOp(self, node: ast.BinOp, depth: int) -> Expr:  # noqa: N802
        if type(node.op) not in BINARY:
            raise UnsafeExpressionError(f"'{type(node.op).__name__}' is not allowed in a formula; {_allowed()}")
        left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
        return BINARY[type(node.op)](left, right, self.variable)

    def _Call(self, node: ast.Call, depth: int) -> Expr:  # noqa: N802
        if not isinstance(node.func, ast.Name):
            raise UnsafeExpressionError(f"only plain function names may be called ({_allowed()}), "
                                        f"not {type(node.func).__name__}")
        name = node.func.id
        if name not in FUNCTIONS:
            raise UnsafeExpressionError(f"unknown function {name!r}; {_allowed()}")
        if node.keywords:
            raise UnsafeExpressionError(f"{name}() takes no keyword arguments")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise UnsafeExpressionError(f"{name}() takes plain arguments, not *unpacking")
        arity = ARITY.get(name, (1, 1))
        count = len(node.args)
        if arity is None and count < 2 or arity is not None and not arity[0] <= count <= arity[1]:
            wanted = "at least 2" if arity is None else (str(arity[0]) if arity[0] == arity[1] else f"{arity[0]} or {arity[1]}")
            raise UnsafeExpressionError(f"{name}() takes {wanted} argument(s), not {count}")
        args = [self.build(arg, depth + 1) for arg in node.args]
        check_function(FUNCTIONS[name], args, self.variable)
        return FUNCTIONS[name](*args)


def _divide(left: Expr, right: Expr, variable: Expr) -> Expr:
    if right == 0:
        raise UnsafeExpressionError("division by zero")
    return left / right


def _power(base: Expr, exponent: Expr, variable: Expr) -> Expr:
    check_power(base, exponent, variable)
    return Pow(base, exponent)


BINARY = {ast.Add: lambda a, b, _: a + b, ast.Sub: lambda a, b, _: a - b, ast.Mult: lambda a, b, _: a * b,
          ast.Div: _divide, ast.Pow: _power}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def constant_parts(expr: Expr, variable: Expr) -> Iterator[Expr]:
    """The parts of ``expr`` without ``variable``: all of it, or the constant term and factor of each sum and product.

    ``10**29*z + 3`` has the parts 10**29 and 3; ``sin(4*z)`` has 4.
    """
    if not expr.has(variable):
        yield expr
        return
    parts = expr.args
    if expr.is_Add or expr.is_Mul:
        constant, rest = expr.as_independent(variable, as_Add=expr.is_Add)
        if constant != (0 if expr.is_Add else 1):
            yield constant
        parts = rest.args if type(rest) is type(expr) else (rest,)
    for part in parts:
        if part.has(variable):
            yield from constant_parts(part, variable)
        elif isinstance(part, Expr):
            yield part


def check_power(base: Expr, exponent: Expr, variable: Expr) -> None:
    """Refuse base**exponent, before SymPy builds it, if it breaks rules 1–3."""
    if exponent.is_Number:
        _check_exponent(exponent, exponent)
        if base.is_Rational and exponent.is_Rational:
            if _digits(base) * abs(exponent) > MAX_RESULT_DIGITS:
                raise UnsafeExpressionError(f"the power would have more than {MAX_RESULT_DIGITS} digits")
            if not exponent.is_Integer and _digits(base) > MAX_ROOT_DIGITS:
                # SymPy looks for exact roots of the base, which is slow for long numbers
                raise UnsafeExpressionError(f"roots of numbers longer than {MAX_ROOT_DIGITS} digits are not allowed")
    elif base != E:
        for part in constant_parts(exponent, variable):
            _check_exponent(part, exponent)
    if not base.has(variable) and not exponent.has(variable):
        _check_power_digits(base, exponent)


def check_function(function: type, args: list[Expr], variable: Expr) -> None:
    """Refuse function(*args), before SymPy builds it, if it would be a constant beyond rule 2 (exp(exp(99)))."""
    if function in GROWTH and not args[0].has(variable):
        _check_digits(GROWTH[function](_value(args[0])), lambda: f"{function.__name__}({_short(args[0])})")


def check_expression(expr: Expr, variable: Expr) -> None:
    """Rules 1 and 2 over an expression built elsewhere (a user's own SymPy object), each node after its children.

    Every activation record runs it, so any g symnn works with has constants that
    evaluate quickly and exponents of bounded size, whether it came as text or not.
    """
    if node_count(expr, MAX_NODES + 1) > MAX_NODES:
        raise UnsafeExpressionError(f"g(z) has more than {MAX_NODES} nodes; at most {MAX_NODES} are allowed")
    check_budget(expr, variable)
    for node in postorder_traversal(expr):
        if not isinstance(node, Expr):
            continue
        if isinstance(node, Pow):
            check_power(node.base, node.exp, variable)
        elif type(node) in GROWTH:
            check_function(type(node), list(node.args), variable)
        if not node.has(variable):
            _check_constant(node, real=True)


def check_budget(expr: Expr, variable: Expr) -> None:
    """Refuse ``expr`` when it goes beyond the formula budget: exp-like nesting, degree, pieces (see the module).

    Read from the tree alone, each node once: no expansion, no evaluation, so it takes milliseconds
    whatever the formula.
    """
    nesting, degree, pieces = _Budget(variable).measure(expr)
    if nesting > MAX_EXP_NESTING:
        raise UnsafeExpressionError(
            f"exp-like functions ({', '.join(f.__name__ for f in EXP_LIKE)}, powers with z in the exponent) "
            f"are nested {nesting} deep in g(z); at most {MAX_EXP_NESTING} levels are allowed")
    if degree > MAX_DEGREE:
        raise UnsafeExpressionError(
            f"g(z) has polynomial degree {degree} once expanded; at most {MAX_DEGREE} is allowed")
    if pieces > MAX_PIECES:
        raise UnsafeExpressionError(
            f"g(z) has {pieces} kinks or jumps (from Max, Min, Heaviside, sign, Abs, Piecewise); "
            f"at most {MAX_PIECES} are allowed")


class _Budget:
    """(exp-like nesting, degree, pieces) of an expression, computed once per distinct subexpression."""

    def __init__(self, variable: Expr):
        self.variable = variable
        self.seen: dict[Basic, tuple[int, int]] = {}
        self.max_degree = 0
        self.pieces = 0

    def measure(self, expr: Expr) -> tuple[int, int, int]:
        # iterative post-order walk: no recursion limit, whatever the depth
        stack, nesting = [(expr, False)], 0
        while stack:
            node, ready = stack.pop()
            if node in self.seen and not ready:
                self._count_pieces(node)
                continue
            if not ready:
                stack.append((node, True))
                stack.extend((arg, False) for arg in node.args if isinstance(arg, Basic))
                continue
            if node not in self.seen:
                self.seen[node] = self._node(node)
                self._count_pieces(node)
                nesting = max(nesting, self.seen[node][0])
                self.max_degree = max(self.max_degree, self.seen[node][1])
        return nesting, self.max_degree, self.pieces

    def _count_pieces(self, node: Basic) -> None:
        if isinstance(node, PIECEWISE_HEADS) and node.has(self.variable):
            self.pieces += len(node.args) - 1 if isinstance(node, (Max, Min, Piecewise)) else 1

    def _node(self, node: Basic) -> tuple[int, int]:
        """(nesting, degree) of one node from its children's."""
        if not isinstance(node, Basic) or not node.has(self.variable):
            return 0, 0
        if node == self.variable:
            return 0, 1
        children = [self.seen.get(arg, (0, 0)) for arg in node.args]
        nesting = max((c[0] for c in children), default=0)
        if isinstance(node, Pow):
            if node.exp.has(self.variable):
                return max(nesting, self.seen.get(node.exp, (0, 0))[0] + 1), 1
            if node.exp.is_Number:
                return nesting, int(mpmath.ceil(abs(mpmath.mpf(Float(node.exp, CHECK_DIGITS)._mpf_)))) * children[0][1]
            return nesting, children[0][1]
        if node.is_Add:
            return nesting, max(c[1] for c in children)
        if node.is_Mul:
            return nesting, sum(c[1] for c in children)
        if isinstance(node, EXP_LIKE):
            return nesting + 1, 1
        return nesting, 1  # another function: an atom of degree 1 for the expansion around it


def _value(constant: Expr) -> mpmath.mpc:
    """A constant as an mpmath complex at CHECK_DIGITS digits; refused when it is not a finite number."""
    try:
        real, imag = constant.evalf(CHECK_DIGITS).as_real_imag()
        if real.is_Number and imag.is_Number and real.is_finite and imag.is_finite:
            return mpmath.mpc(mpmath.mpf(Float(real)._mpf_), mpmath.mpf(Float(imag)._mpf_))
    except Exception:  # noqa: BLE001 — whatever stops evalf, the constant is not a usable number
        pass
    raise UnsafeExpressionError(f"the constant {_short(constant)} is not a finite number; constants must be finite")


def _check_constant(constant: Expr, real: bool = False) -> None:
    """Rule 2 for a constant already built: finite, at most MAX_RESULT_DIGITS digits; and rule 4 (real) if asked.

    The parser checks sizes node by node, the whole formula's constants are then checked to be real
    (``check_expression``): a size beyond the limits is the more useful reason when both apply.
    """
    value = _value(constant)
    size = abs(value)
    if real and abs(value.imag) > REAL_TOLERANCE * size:
        raise UnsafeExpressionError(f"the constant {_short(constant)} ≈ {mpmath.nstr(value, 4)} is not real; "
                                    f"{REAL_RULE}, so constants must be finite real numbers")
    if size:
        _check_digits(mpmath.log10(size), lambda: _short(constant))


def _check_digits(log10_size, describe: Callable[[], str]) -> None:
    if log10_size > MAX_RESULT_DIGITS:
        raise UnsafeExpressionError(f"{describe()} would have about {mpmath.nstr(log10_size, 3)} digits; "
                                    f"constants may have at most {MAX_RESULT_DIGITS:,}")


def _check_exponent(part: Expr, exponent: Expr) -> None:
    """Rule 1: a constant part of an exponent is at most MAX_EXPONENT in size."""
    size = abs(_value(part))
    if size > MAX_EXPONENT:
        where = "" if part == exponent else f" (a constant in the exponent {_short(exponent)})"
        raise UnsafeExpressionError(f"exponents may be at most {MAX_EXPONENT} in size, "
                                    f"not {_short(part)}{where}, about {mpmath.nstr(size, 3)}")


def _check_power_digits(base: Expr, exponent: Expr) -> None:
    """Rule 2 for base**exponent of two constants, before SymPy builds it: log10 |b^e| = Re(e·ln b)/ln 10."""
    base_value = _value(base)
    if base_value:
        _check_digits(mpmath.re(_value(exponent) * mpmath.log(base_value)) * _LOG10_E,
                      lambda: f"{_short(base)}**{_short(exponent)}")


def _short(value, limit: int = 24) -> str:
    """``value`` for a message: short text as is, long text cut, long numbers by their number of digits."""
    if isinstance(value, Rational) and _digits(value) > 20:
        return mpmath.nstr(mpmath.mpf(int(value.p)) / int(value.q), 3)
    try:
        text = str(value)
    except ValueError:  # Python refuses to print integers of more than 4300 digits
        return "an expression with very long numbers"
    return text if len(text) <= limit else text[:limit - 4] + "…"


def _digits(number) -> int:
    """About how many decimal digits numerator and denominator of a rational have together."""
    rational = Rational(number)
    return int((int(rational.p).bit_length() + int(rational.q).bit_length()) * 0.30103) + 1


def as_expr(value) -> Expr:
    """A SymPy expression from a SymPy object or a Python number; text is refused (use parse_activation)."""
    if isinstance(value, Basic):
        return value
    if isinstance(value, bool):
        return Integer(int(value))
    if isinstance(value, int):
        return Integer(value)
    if isinstance(value, float):
        return Integer(int(value)) if value.is_integer() else Float(value)
    if isinstance(value, Number) and not isinstance(value, complex):
        return Rational(str(value))
    raise UnsafeExpressionError(f"expected a SymPy expression or a real number, not {type(value).__name__} "
                                "(formulas given as text go through Activation.from_string)")
