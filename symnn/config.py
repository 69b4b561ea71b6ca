"""One frozen record of symnn's limits and options, scoped with ``with symnn.settings(...)``.

The values live in a ``contextvars.ContextVar``, so a change made inside a
``with`` block is seen only there (and in the thread or task that made it), and
is undone on leaving it, even after an error. Unknown names are refused with the
list of valid ones.

>>> from symnn.config import current, settings
>>> current().terms
1000000
>>> with settings(terms=10):
...     current().terms
10
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Callable, Iterable, Iterator, Optional

from symnn.errors import InvalidArgumentError, UnknownSettingError

# progress(iterable, total, description) -> iterable; None draws nothing
Progress = Callable[[Iterable, int, str], Iterable]


@dataclass(frozen=True)
class Settings:
    """Every limit and threshold symnn uses, with the reason for its default."""

    # Size guards (ExpressionTooLarge beyond these), set from costs measured on a 2-core machine so
    # that anything inside them finishes in seconds:
    terms: int = 1_000_000  # products in an explicit W' or nested expression (784-64-10's W': 501 760, ~1 s)
    expanded: int = 200_000  # monomials a full SymPy expand may produce (about a second per 100 000)
    unit_terms: int = 50_000  # terms of one unit's z (SymPy builds ~15 000 a second)
    symbols: int = 500_000  # weight and bias symbols one call may create (W, params: ~80 000 a second)
    column_terms: int = 100_000  # terms of every unit's z built in one call (a column, equations): ~25 000 a second
    depth: int = 100  # computed layers an expression nested across layers may span (SymPy recurses per layer)
    latex_nodes: int = 8_000  # nodes symnn.latex / pretty print (SymPy orders a sum's terms in quadratic time:
    #                           a 2 000-term sum, 6 000 nodes, prints in ~1 s; 4 000 terms take ~3 s)
    printed_nodes: int = 80_000  # nodes of all the lines one call prints (a deep network's 3 000 layers: 66 000, 1.5 s)
    array_bytes: int = 2_000_000_000  # one NumPy array (parameters, a batch's activations) at most 2 GB
    crosscheck_seconds: float = 10.0  # estimated time a crosscheck may take; larger batches are sampled
    # Printing: above this many parameters a network prints in block form, not unit by unit
    elementwise_parameters: int = 200
    # Proofs print their elementwise steps only for networks this small (and this many outputs)
    proof_parameters: int = 60
    proof_outputs: int = 3
    # Checking: above this many parameters collapse/merge verify at random points, not symbolically
    symbolic_verify_parameters: int = 200
    backprop_symbolic_parameters: int = 30  # networks with more are checked against sympy.diff at random points
    worked_example_parameters: int = 60  # a worked backpropagation example prints every number: at most this many
    backprop_checked_claims: int = 24
    backprop_parameters: int = 1000  # networks backprop's rules are built and checked for (35-16-10 has 746)
    backprop_layers: int = 6  # formulas Backprop.verify checks at most (a random sample beyond)
    symbolic_nodes: int = 600  # expressions larger than this are checked at points, not by simplify
    random_points: int = 4
    numeric_digits: int = 60  # precision of a check that cannot be exact
    tolerance_digits: int = 50  # |difference| ≤ 10^-tolerance_digits counts as zero at numeric_digits
    witness_tries: int = 60
    witness_full_parameters: int = 2000  # above: the non-collapse witness uses one path through the network
    # The command line (measured here): `digits --hidden` at most this (the symbolic cross-check of a 35-H-1
    # network grows with H²: H = 16 takes 4 s, 32 takes 9 s, 64 22 s); `collapse --format json` writes W' out
    # only up to this many entries + weight factors (about 4 s); text/latex collapse proofs span at most this
    # many layers (their check grows with the cube of the depth: about 4 s at 40 layers, 23 s at 100)
    hidden_units: int = 16
    json_collapse_size: int = 50_000
    proof_layers: int = 40
    # Facts about a user's g (range, affinity) give up after this long and become "unknown"
    fact_seconds: float = 1.0
    # Long work calls this with (iterable, total, description); None: no progress display
    progress: Optional[Progress] = None

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "progress":
                if value is not None and not callable(value):
                    raise InvalidArgumentError(f"setting progress must be a callable or None, not {value!r}")
            elif f.name in ("fact_seconds", "crosscheck_seconds"):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
                    raise InvalidArgumentError(f"setting {f.name} must be a number of seconds above 0 and at most "
                                               f"3600, not {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"setting {f.name} must be a positive integer, not {value!r}")


NAMES = tuple(f.name for f in fields(Settings))
_CURRENT: contextvars.ContextVar[Settings] = contextvars.ContextVar("symnn_settings", default=Settings())


def current_settings() -> Settings:
    """The settings in force here (``symnn.current_settings()``)."""
    return _CURRENT.get()


def current() -> Settings:
    """The settings in force here."""
    return _CURRENT.get()


def check_names(names: Iterable[str], valid: Iterable[str], what: str) -> None:
    """Refuse unknown option names, listing the valid ones (used for settings and printer options)."""
    valid = list(valid)
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise UnknownSettingError(f"unknown {what} {', '.join(map(repr, unknown))}; valid: {', '.join(valid)}")


@contextmanager
def settings(**changes) -> Iterator[Settings]:
    """Change settings for the ``with`` block: ``with symnn.settings(terms=10**8): ...``."""
    check_names(changes, NAMES, "setting")
    token = _CURRENT.set(replace(current(), **changes))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def report_progress(iterable: Iterable, total: int, description: str, progress: Progress | None = None,
                    large: bool = True) -> Iterable:
    """``iterable`` passed through the caller's progress callback (or the settings' one) when the work is large."""
    if progress is not None and not callable(progress):
        raise InvalidArgumentError(f"progress must be a callable (iterable, total, description) or None, not {progress!r}")
    callback = progress if progress is not None else current().progress
    if callback is None or not large:
        return iterable
    return callback(iterable, total, description)
