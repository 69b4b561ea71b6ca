"""Safe parsing of user-written activations such as ``z/(1 + Abs(z))``: never eval, exec, sympify or parse_expr.

SymPy's own parser evaluates Python code, so text from users is parsed with
``ast`` and a whitelist of node types, and the SymPy expression is built here
node by node. Allowed: the variable ``z``; integers and decimals; ``+ - * / **``
and unary ``+ -``; the functions in FUNCTIONS; the constants ``pi`` and ``E``.
Refused, with a SymnnError that says why: anything else (attributes, subscripts,
lambdas, comprehensions, keywords, strings, unknown names), text longer than
MAX_LENGTH characters, nesting deeper than MAX_DEPTH, and powers whose result
would be huge (exponents beyond MAX_EXPONENT, towers such as ``9**9**9**9``).
"""

from __future__ import annotations

import ast
from numbers import Number

from sympy import (
    Abs,
    E,
    Expr,
    Float,
    Heaviside,
    Integer,
    Max,
    Min,
    Pow,
    Rational,
    asinh,
    atan,
    cos,
    cosh,
    exp,
    log,
    pi,
    sign,
    sin,
    sinh,
    sqrt,
    tanh,
)
from sympy.core.basic import Basic

from symnn.errors import UnsafeExpressionError

MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_EXPONENT = 100  # |exponent| of a power, when it is a number
MAX_INTEGER_DIGITS = 30

FUNCTIONS = {
    "exp": exp, "log": log, "sqrt": sqrt, "tanh": tanh, "sinh": sinh, "cosh": cosh, "sin": sin, "cos": cos,
    "atan": atan, "asinh": asinh, "Abs": Abs, "abs": Abs, "Max": Max, "max": Max, "Min": Min, "min": Min,
    "Heaviside": Heaviside, "sign": sign,
}
ARITY = {"Max": None, "max": None, "Min": None, "min": None, "Heaviside": (1, 2)}
CONSTANTS = {"pi": pi, "E": E}


def _allowed() -> str:
    return (f"allowed: the variable z, numbers, + - * / **, the functions {', '.join(sorted(set(FUNCTIONS)))} "
            f"and the constants {', '.join(CONSTANTS)}")


def parse_activation(text: str, variable: Expr) -> Expr:
    """The SymPy expression of ``text`` in the one variable ``z`` (given as ``variable``)."""
    if not isinstance(text, str):
        raise UnsafeExpressionError(f"an activation formula is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise UnsafeExpressionError(f"the formula has {len(text)} characters; at most {MAX_LENGTH} are allowed")
    if not text.strip():
        raise UnsafeExpressionError(f"the formula is empty; write g(z), e.g. 'z/(1 + Abs(z))'; {_allowed()}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        message = getattr(error, "msg", None) or "cannot be read"
        raise UnsafeExpressionError(f"the formula {text!r} is not valid arithmetic ({message}); {_allowed()}") from None
    return _Builder(variable).build(tree.body, 1)


class _Builder:
    def __init__(self, variable: Expr):
        self.variable = variable

    def build(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise UnsafeExpressionError(f"the formula is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            return self._number(node.value)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
            return self._binary(node.op, left, right)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise UnsafeExpressionError(f"'{type(node).__name__}' is not allowed in a formula; {_allowed()}")

    def _number(self, value) -> Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UnsafeExpressionError(f"{value!r} is not a number; {_allowed()}")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INTEGER_DIGITS:
                raise UnsafeExpressionError(f"integers may have at most {MAX_INTEGER_DIGITS} digits")
            return Integer(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise UnsafeExpressionError("numbers must be finite")
        return Rational(str(value))  # the decimal as written: 0.1 is 1/10

    def _name(self, name: str) -> Expr:
        if name == "z":
            return self.variable
        if name in CONSTANTS:
            return CONSTANTS[name]
        raise UnsafeExpressionError(f"unknown name {name!r}: the variable is z; {_allowed()}")

    @staticmethod
    def _binary(op: ast.operator, left: Expr, right: Expr) -> Expr:
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right == 0:
                raise UnsafeExpressionError("division by zero")
            return left / right
        return _power(left, right)

    def _call(self, node: ast.Call, depth: int) -> Expr:
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
        return FUNCTIONS[name](*args)


MAX_RESULT_DIGITS = 10_000
MAX_ROOT_DIGITS = 60


def _short(number) -> str:
    text = str(number)
    return text if len(text) <= 20 else text[:10] + "…" + f" ({len(text)} digits)"


def _digits(number) -> int:
    """About how many decimal digits numerator and denominator of a rational have together."""
    rational = Rational(number)
    return int((int(rational.p).bit_length() + int(rational.q).bit_length()) * 0.30103) + 1


def _power(base: Expr, exponent: Expr) -> Expr:
    """base ** exponent, refusing exponents and exact results that would take unbounded time or memory."""
    if exponent.is_Number:
        if abs(exponent) > MAX_EXPONENT:
            raise UnsafeExpressionError(f"exponents may be at most {MAX_EXPONENT} in size, not {_short(exponent)}")
        if base.is_Rational and exponent.is_Rational:
            if _digits(base) * abs(exponent) > MAX_RESULT_DIGITS:
                raise UnsafeExpressionError(f"the power would have more than {MAX_RESULT_DIGITS} digits")
            if not exponent.is_Integer and _digits(base) > MAX_ROOT_DIGITS:
                # SymPy looks for exact roots of the base, which is slow for long numbers
                raise UnsafeExpressionError(f"roots of numbers longer than {MAX_ROOT_DIGITS} digits are not allowed")
    return Pow(base, exponent)


def as_expr(value) -> Expr:
    """A SymPy expression from a SymPy object or a Python number; text is refused (use parse_activation)."""
    if isinstance(value, Basic):
        return value
    if isinstance(value, bool):
        return Integer(int(value))
    if isinstance(value, int):
        return Integer(value)
    if isinstance(value, float):
        return Float(value) if value != int(value) else Integer(int(value))
    if isinstance(value, Number):
        return Rational(str(value))
    raise UnsafeExpressionError(f"expected a SymPy expression or a number, not {type(value).__name__} "
                                "(formulas given as text go through Activation.from_string)")
