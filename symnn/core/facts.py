"""Facts about a g(z) that no lookup gives: real and defined (sampled), range and affinity (SymPy, time-bounded).

``check_real_valued`` runs when an Activation record is built: it evaluates g at
SAMPLE_POINTS with mpmath at two precisions (no SymPy, milliseconds) and refuses
a g that is not real where it is finite, or is undefined at more than
MAX_UNDEFINED_POINTS of them. The open-ended facts — the range (SymPy's
function_range) and whether g is affine (expansion, simplify) — run under
``within_time`` and are None (unknown) when SymPy fails or runs out of time.
"""

from __future__ import annotations

import contextvars
import ctypes
import inspect
import sys
import threading
from functools import lru_cache
from typing import Callable, TypeVar

import mpmath
from sympy import (
    Abs, And, Basic, Expr, Heaviside, Max, Min, Not, Number, NumberSymbol, Or, Piecewise, Pow, Rational, S, asinh,
    atan, cos, cosh,
    diff, exp, log, nan, piecewise_fold, preorder_traversal, sign, simplify, sin, sinh, tanh,
)
from sympy.calculus.util import function_range
from sympy.core.relational import Relational

from symnn.config import current
from symnn.core.notation import activation_variable
from symnn.core.parsing import REAL_RULE
from symnn.errors import UnsafeExpressionError

z = activation_variable()
T = TypeVar("T")

# Where g is sampled for being real and defined: both signs, small and large |z|, none special (no
# integer, no multiple of pi, not 0), so that a g with finitely many bad points is unlikely to hit one.
SAMPLE_POINTS = tuple(Rational(p) for p in (
    "-293/10", "-97/10", "-53/10", "-29/10", "-17/10", "-83/100", "-37/100", "-11/100",
    "13/100", "41/100", "77/100", "13/10", "23/10", "41/10", "79/10", "301/10"))
# g may be undefined (a pole, 0/0, log 0) at at most this many of them: "defined on the reals except at
# finitely many points", as far as 16 samples can tell
MAX_UNDEFINED_POINTS = 2
SAMPLE_BITS = (53, 113)  # two precisions: a value that grows with the precision is a division by a cancelled 0
BLOW_UP = mpmath.mpf(2) ** 20  # … it grew by more than this factor from 53 to 113 bits
NON_REAL = mpmath.mpf(2) ** -30  # a value is not real when |Im| exceeds this times |value| at both precisions
HUGE = mpmath.mpf(2) ** 20000  # exp, sin … of larger arguments are not evaluated (argument reduction cost)
# A power beyond this is not evaluated either: mpmath works b^p out with log b to the bits of p, which costs
# seconds (π^(2^4000): 0.3 s, ^(2^6000): 0.9 s, ^(2^11800): 4.9 s; sampling z**exp(cosh(z)) or
# pi**exp(cosh(z)) took 10 s); ^(2^1000) takes 10 ms
POWER_LIMIT = mpmath.mpf(2) ** 1000
# Where SymPy's range is checked against g's own values (SymPy 1.14 says 2**z has an empty range)
RANGE_POINTS = tuple(Rational(p) for p in ("-30", "-7", "-1", "-1/3", "0", "1/5", "1", "5/2", "30"))


# --- real and defined, by sampling ---------------------------------------------------

# The sampler signals with built-in exceptions (exceptions of symnn's own live in symnn.errors):
# ZeroDivisionError: g is undefined here (a pole, log 0, no piece applies); OverflowError: an argument too
# large to reduce, NotImplementedError: a head the sampler does not know (this point tells nothing);
# ValueError: Max, Min, sign, Heaviside or a comparison got a non-real argument.
_Undefined, _Skip, _NonReal = ZeroDivisionError, OverflowError, ValueError

_CONTEXTS = {}


def _context(bits: int) -> mpmath.ctx_mp.MPContext:
    if bits not in _CONTEXTS:
        context = mpmath.MPContext()
        context.prec = bits
        _CONTEXTS[bits] = context
    return _CONTEXTS[bits]


_FUNCTIONS = {exp: "exp", log: "log", sin: "sin", cos: "cos", tanh: "tanh", sinh: "sinh", cosh: "cosh",
              atan: "atan", asinh: "asinh"}
_REDUCED = (exp, sin, cos, sinh, cosh, tanh, atan)  # their cost grows with the size of the argument
SATURATED = 1000


class _Sampler:
    """g at one point with one mpmath context, each distinct subexpression once."""

    def __init__(self, context, point: Rational):
        self.ctx, self.point, self.values = context, context.mpf(point.p) / point.q, {}

    def value(self, node: Basic):
        if node not in self.values:
            self.values[node] = self._value(node)
        return self.values[node]

    def _value(self, node: Basic):
        ctx = self.ctx
        if node == z:
            return self.point
        if node.is_Rational:
            return ctx.mpf(node.p) / node.q
        if node.is_Float:
            return ctx.mpf(node._mpf_)
        if isinstance(node, Expr) and node.is_number:  # a constant: its parts passed the parser's checks
            real, imag = node.evalf(ctx.dps + 5).as_real_imag()
            return ctx.mpc(self._number(real), self._number(imag))
        if node.is_Add:
            return ctx.fsum(self.value(arg) for arg in node.args)
        if node.is_Mul:
            return ctx.fprod(self.value(arg) for arg in node.args)
        if node.is_Pow:
            base, power = self.value(node.base), self.value(node.exp)
            if base == 0:
                if ctx.re(power) <= 0:
                    raise _Undefined
                return ctx.zero
            if abs(power) > HUGE or abs(power * ctx.log(base)) > HUGE:
                raise _Skip
            if abs(power) > POWER_LIMIT and abs(base) != 1:
                raise _Skip
            return ctx.power(base, power)
        if type(node) in _FUNCTIONS:
            argument = self.value(node.args[0])
            if type(node) is tanh and ctx.im(argument) == 0 and abs(argument) > SATURATED:
                return ctx.sign(argument)  # 1 − tanh|x| < 2e^(−2|x|): ±1 at any precision used here
            if type(node) in _REDUCED and abs(argument) > HUGE or abs(argument) > HUGE ** 2:
                raise _Skip
            if type(node) is log and argument == 0:
                raise _Undefined
            return getattr(ctx, _FUNCTIONS[type(node)])(argument)
        if isinstance(node, Abs):
            return abs(self.value(node.args[0]))
        if isinstance(node, (Max, Min)):
            values = [self._real(arg) for arg in node.args]
            return max(values) if isinstance(node, Max) else min(values)
        if isinstance(node, sign):
            value = self._real(node.args[0])
            return ctx.mpf((value > 0) - (value < 0))
        if isinstance(node, Heaviside):
            value = self._real(node.args[0])
            if value == 0:
                return self.value(node.args[1]) if len(node.args) > 1 else ctx.mpf(1) / 2
            return ctx.mpf(int(value > 0))
        if isinstance(node, Piecewise):
            for piece, condition in node.args:
                if self._holds(condition):
                    return self.value(piece)
            raise _Undefined  # no piece covers this point
        raise NotImplementedError

    def _number(self, number: Basic):
        if number.is_Float:
            return self.ctx.mpf(number._mpf_)
        if number.is_Rational:
            return self.ctx.mpf(number.p) / number.q
        raise _Undefined  # nan, zoo: the constant has no value

    def _real(self, node: Basic):
        value = self.value(node)
        if abs(self.ctx.im(value)) > NON_REAL * abs(value):
            raise _NonReal
        return self.ctx.re(value)

    def _holds(self, condition: Basic) -> bool:
        if condition is S.true or condition is S.false:
            return bool(condition)
        if isinstance(condition, Relational):
            left, right = self._real(condition.lhs), self._real(condition.rhs)
            return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                    "==": left == right, "!=": left != right}[condition.rel_op]
        if isinstance(condition, And):
            return all(self._holds(arg) for arg in condition.args)
        if isinstance(condition, Or):
            return any(self._holds(arg) for arg in condition.args)
        if isinstance(condition, Not):
            return not self._holds(condition.args[0])
        raise NotImplementedError


def sample(expr: Expr, point: Rational) -> str | tuple:
    """'skip', 'undefined', 'non-real' or ('real', value) for g at ``point``, from two precisions."""
    values = []
    for bits in SAMPLE_BITS:
        ctx = _context(bits)
        try:
            value = _Sampler(ctx, point).value(expr)
        except _Undefined:
            return "undefined"
        except _NonReal:
            return "non-real"
        except (_Skip, NotImplementedError, ArithmeticError, MemoryError, TypeError):
            return "skip"
        if ctx.isnan(value) or ctx.isinf(value):
            return "undefined"
        values.append((ctx, value))
    (low_ctx, low), (high_ctx, high) = values
    if abs(high) > BLOW_UP * abs(low) and abs(high) > 1:
        return "undefined"  # grows with the precision: 1/(sin(z)**2 + cos(z)**2 - 1)
    if abs(high_ctx.im(high)) > NON_REAL * abs(high) and abs(low_ctx.im(low)) > NON_REAL * abs(low):
        return "non-real"
    return "real", high_ctx.re(high)


def check_real_valued(expr: Expr, describe: Callable[[], str]) -> None:
    """Refuse a g that is not real for real z, or not defined on the reals except at a few points.

    The rule as checked: at every one of SAMPLE_POINTS where g is finite it is real, and it is
    finite at all but at most MAX_UNDEFINED_POINTS of them (a constant g passes). Points whose
    evaluation would need astronomically large arguments are skipped.
    """
    undefined, total = [], len(SAMPLE_POINTS)
    for point in SAMPLE_POINTS:
        outcome = sample(expr, point)
        if outcome == "non-real":
            raise UnsafeExpressionError(
                f"{describe()} is not real at z = {float(point):g}; {REAL_RULE}, and defined at all but at "
                f"most {MAX_UNDEFINED_POINTS} of {total} sample points")
        if outcome == "undefined":
            undefined.append(point)
    if len(undefined) > MAX_UNDEFINED_POINTS:
        where = ", ".join(f"{float(p):g}" for p in undefined[:4]) + (", …" if len(undefined) > 4 else "")
        raise UnsafeExpressionError(
            f"{describe()} is undefined (a division by zero, log 0 or 0/0) at {len(undefined)} of {total} "
            f"sample points (z = {where}); {REAL_RULE}, and defined at all but at most {MAX_UNDEFINED_POINTS}")


# --- facts under a time bound ------------------------------------------------------

# Modules in whose functions a stopped fact is interrupted: the work itself, never a callback of the
# garbage collector or of a weak reference (WeakSet._remove) that happens to run in the fact's thread
STOPPABLE = ("sympy", "mpmath", "symnn")
# … nor in a generator's frame (a generator closed while the stop unwinds runs its frame again, and an
# exception raised there is only reported as ignored) nor in __del__
UNSTOPPABLE_CODE = inspect.CO_GENERATOR | inspect.CO_ASYNC_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE
GRACE_SECONDS = 0.02  # how long a stopped fact may take to reach its next traced call before the fallback


def within_time(function: Callable[[], T], seconds: float | None = None) -> T | None:
    """``function()``, or None when it raises or runs longer than ``seconds`` (default Settings.fact_seconds).

    SymPy has no way to interrupt a computation and a Python thread cannot be
    killed, so the call runs in a daemon thread with the caller's settings. That
    thread, and only it, traces its calls (``sys.settrace`` set inside the thread):
    when the time is up the caller sets a flag, and the next call of a SymPy,
    mpmath or symnn function in the thread raises SystemExit (which SymPy's
    ``except Exception`` blocks let through), so the work stops instead of computing
    on in the background. Raised from the trace function, the stop lands only in
    those frames, never in a garbage-collection or weak-reference callback. The
    tracing costs about 1.3–2× on SymPy calls (measured: 0.10–0.16 s → 0.22 s on a
    function_range + simplify). If the thread has not ended GRACE_SECONDS after the
    flag (a loop with no call, a long C call), CPython's PyThreadState_SetAsyncExc
    raises SystemExit in it as a fallback. Modules SymPy imports lazily are
    imported beforehand in the calling thread (``_prepare_range``,
    ``_prepare_simplify``), so no stop lands inside an import.
    """
    seconds = current().fact_seconds if seconds is None else seconds
    context, outcome, lock, state = contextvars.copy_context(), [], threading.Lock(), {"done": False}
    stopped = threading.Event()

    def stop_here(frame, event, arg):
        if (stopped.is_set() and not frame.f_code.co_flags & UNSTOPPABLE_CODE and frame.f_code.co_name != "__del__"
                and frame.f_globals.get("__name__", "").startswith(STOPPABLE)):
            raise SystemExit("symnn: fact out of time")
        return None  # calls only, no line events: cheaper

    def work() -> None:
        try:
            sys.settrace(stop_here)
            try:
                outcome.append(context.run(function))
            finally:
                sys.settrace(None)
                with lock:
                    state["done"] = True
        except BaseException:  # noqa: BLE001 — a failure or a stop: the fact is unknown
            pass

    thread = threading.Thread(target=work, name="symnn-fact", daemon=True)
    thread.start()
    try:
        thread.join(seconds)
    finally:  # also on Ctrl-C while waiting
        stopped.set()
        with lock:
            running = not state["done"]
        if running:
            thread.join(GRACE_SECONDS)
            with lock:
                if not state["done"]:
                    _stop(thread)
    return outcome[0] if outcome else None


def _stop(thread: threading.Thread) -> None:
    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is not None and thread.ident is not None:  # CPython; elsewhere the thread runs to its end
        set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))


@lru_cache(maxsize=None)
def _prepare_simplify() -> None:
    simplify(z + 1)  # imports sympy.physics.units (0.2 s), which simplify needs on every call


@lru_cache(maxsize=None)
def _prepare_range() -> None:
    function_range(exp(-z**2), z, S.Reals)  # imports SymPy's set handlers


def checked_range(expr: Expr) -> Basic | None:
    """SymPy's function_range of g over the reals, if g's real values at RANGE_POINTS lie in it; else None.

    Not attempted for a power tower such as 7**(z**7): function_range then computes integer powers
    with millions of digits in one C call that holds the interpreter and cannot be stopped."""
    if _tower(expr):
        return None
    found = function_range(expr, z, S.Reals)
    if found.has(nan):
        return None
    for point in RANGE_POINTS:
        # numerically: substituting exactly would make SymPy compute 2**(2**30) for 2**(0.5**z) at z = −30,
        # one C call that holds the interpreter for seconds and cannot be stopped
        value = expr.evalf(30, subs={z: point})
        if value.is_extended_real and value.is_finite and found.contains(value) is S.false:
            return None
    return found


def _tower(expr: Expr) -> bool:
    """Is there a power tower in ``expr``: an exponential of an exponential of z (2**(2**z), exp(exp(z))),
    or a rational base to a power of z of degree two or more (7**(z**7))?"""
    for node in preorder_traversal(expr):
        if isinstance(node, exp):
            base, exponent = None, node.args[0]
        elif node.is_Pow:
            base, exponent = node.base, node.exp
        else:
            continue
        if not exponent.has(z):
            continue
        for inner in preorder_traversal(exponent):
            if (isinstance(inner, exp) or inner.is_Pow and inner.exp.has(z)) and inner.has(z):
                return True
            if (base is not None and base.is_Rational and inner.is_Pow and inner.base.has(z)
                    and inner.exp.is_Integer and inner.exp >= 2):
                return True
    return False


# Points where a nonzero g'' or two differing pieces show that g is not affine (exact, none special)
AFFINE_POINTS = tuple(Rational(p) for p in ("-37/10", "-13/7", "-1/3", "2/9", "5/4", "11/3", "29/5"))


def _nonzero_somewhere(expr: Expr) -> bool:
    """True when ``expr`` is clearly nonzero at one of AFFINE_POINTS (Settings.numeric_digits, tolerance_digits)."""
    settings = current()
    threshold = Rational(1, 10**settings.tolerance_digits)
    for point in AFFINE_POINTS:
        # numerically, as in checked_range: exact substitution would make 99**(z**99) at z = −37/10 one
        # unstoppable integer power with 10**56 digits
        value = expr.evalf(settings.numeric_digits, subs={z: point})
        if value.is_number and value.is_finite and abs(value) > threshold:
            return True
    return False


def affinity(expr: Expr) -> bool | None:
    """Is g affine? Every piece of g must have g'' ≡ 0 and all pieces must be one function.

    False as soon as one sample point shows g'' ≠ 0 or two pieces that differ (a
    witness, cheap); True only when each of those differences is proved to be 0
    (by expansion, else by simplify); None when neither happens within the time bound.
    """
    unproved = within_time(lambda: _unproved_claims(expr))
    if unproved is None or unproved is False:
        return None if unproved is None else False
    if not unproved:
        return True
    _prepare_simplify()
    return within_time(lambda: all(simplify(claim) == 0 for claim in unproved) or None)


def _unproved_claims(expr: Expr) -> list[Expr] | bool:
    """The expressions that vanish exactly when g is affine and that expansion does not show to be 0,
    or False when one of them is nonzero at a sample point."""
    parts = pieces(expr)
    claims = [diff(part, z, 2) for part in parts] + [part - parts[0] for part in parts[1:]]
    if any(_nonzero_somewhere(claim) for claim in claims):
        return False
    return [claim for claim in claims if claim != 0 and claim.expand() != 0]


def pieces(expr: Expr) -> list[Expr]:
    """The pieces of g as a Piecewise (one piece when g has no kinks)."""
    # Max, Abs, Heaviside, sign ... all become Piecewise, so kinks show up as
    # pieces that differ rather than hiding inside a derivative that SymPy
    # would report as 0 almost everywhere.
    folded = piecewise_fold(expr.rewrite(Piecewise))
    if isinstance(folded, Piecewise):
        return [e for e, cond in folded.args if cond is not S.false]
    return [folded]


def is_piecewise_rational(activation) -> bool:
    """True when every piece of g is a rational function of z (so exact rational arithmetic applies)."""
    expr = activation.expr.rewrite(Piecewise)
    return all(_rational_with_rational_coefficients(piece) for piece in pieces(expr))


def _rational_with_rational_coefficients(piece) -> bool:
    # √2·z + π is a rational function of z, but its values at rationals are not rationals
    return (piece.is_rational_function(z) and not piece.atoms(NumberSymbol)
            and all(number.is_Rational for number in piece.atoms(Number))
            and all(power.exp.is_Integer for power in piece.atoms(Pow)))
