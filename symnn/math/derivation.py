"""Derivation: a titled, ordered list of steps, each lhs = rhs with a reason, each verified by symnn.

A step is data (SymPy objects and a sentence); the layout as LaTeX, Markdown or
terminal text is symnn.render.derivation's, which these methods call.
``verify()`` checks every step and says for each how it was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sympy import Basic, Float, MatrixBase, Sum, Symbol

from symnn.config import current
from symnn.core.printing import Shows
from symnn.errors import InvalidArgumentError, VerificationFailed
from symnn.math.equality import Check, check_approximately, check_equal, check_equivalent
from symnn.render.text import derivation_text, plain_text
from symnn.render.derivation import (
    APPROX,
    DEFINES,
    EQUALS,
    IFF,
    RELATIONS,
    UPDATE,
    derivation_document,
    derivation_latex,
    derivation_markdown,
)
from symnn.render.html import derivation_html


@dataclass(frozen=True)
class Step:
    """One line: ``lhs relation rhs`` because ``reason``.

    relation is ``"="`` (checked), ``":="`` (a definition: later steps are
    checked with lhs replaced by rhs), ``"iff"`` (two conditions on ``variable``
    with the same solutions) or ``"approx"`` (rhs a decimal within ``tolerance``).
    ``order="none"`` prints sums in the order they were built (for shown arithmetic);
    ``mul_symbol="dot"`` writes products with ·, as the lecture does; ``same_line`` continues the
    previous step's line (a = b = c on one line, as on a slide). ``oracle``, a function returning a
    Check, decides the step instead (backpropagation's δ = ∂L/∂z is checked against sympy.diff of the
    whole loss, which no substitution of definitions can do).
    """

    lhs: Any
    rhs: Any
    reason: str
    relation: str = EQUALS
    variable: Symbol | None = None
    tolerance: Any = None
    order: str | None = None
    mul_symbol: str | None = None
    same_line: bool = False
    oracle: Any = field(default=None, compare=False, repr=False)  # () -> Check, for what substitution cannot check

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise InvalidArgumentError(f"step relation must be one of {RELATIONS}, not {self.relation!r}")
        if self.relation == IFF and self.variable is None:
            raise InvalidArgumentError("an 'iff' step needs the variable its conditions are about")
        if self.relation == APPROX and not isinstance(self.rhs, Float) and self.oracle is None:
            raise InvalidArgumentError("an 'approx' step needs a decimal (sympy Float) on the right")


@dataclass(frozen=True)
class StepCheck:
    """How one step was checked."""

    number: int
    step: Step
    check: Check

    @property
    def holds(self) -> bool:
        return self.check.holds


@dataclass(frozen=True)
class Verification:
    """The per-step record of ``Derivation.verify()``."""

    title: str
    steps: tuple[StepCheck, ...]

    @property
    def ok(self) -> bool:
        return all(s.holds for s in self.steps)

    @property
    def failures(self) -> list[StepCheck]:
        return [s for s in self.steps if not s.holds]

    def raise_if_failed(self) -> "Verification":
        if not self.ok:
            first = self.failures[0]
            raise VerificationFailed(
                f"{plain_text(self.title)}: step {first.number} ({plain_text(first.step.reason)}) does not hold: "
                f"{first.check.detail}"
            )
        return self

    def summary(self) -> list[str]:
        """One line per step: its number, whether it holds, and how that was decided."""
        return [f"step {s.number}: {'holds' if s.holds else 'FAILS'} — {s.check.method}" for s in self.steps]

    def report(self) -> str:
        """One line for the whole derivation: how many steps, and how each kind was checked, such as
        "12 steps checked: 7 by definition, 4 symbolically, 1 evaluated exactly at 4 random rational points
        (a check, not a proof)"."""
        counts: dict[str, list] = {}
        for s in self.steps:
            counts.setdefault(s.check.kind, []).append(s.check.method)
        parts = []
        if "definition" in counts:
            parts.append(f"{len(counts['definition'])} by definition")
        if "proof" in counts:
            parts.append(f"{len(counts['proof'])} symbolically")
        for kind, words in (("points", "(a check, not a proof)"), ("decimal", "")):
            for method in sorted(set(counts.get(kind, []))):
                number = counts[kind].count(method)
                parts.append(f"{number} {method}" + (f" {words}" if words else ""))
        failed = len(self.failures)
        head = f"{len(self.steps)} step{'s' if len(self.steps) != 1 else ''} checked"
        tail = "" if not failed else f"; {failed} DO NOT HOLD (steps {', '.join(str(f.number) for f in self.failures)})"
        return f"{head}: {', '.join(parts)}{tail}"

    def marks(self) -> list[str]:
        """Per step, what stands beside it: nothing for a definition, a check mark for a proved step,
        the words for a step only sampled or evaluated, and FAILS for one that does not hold."""
        out = []
        for s in self.steps:
            if not s.holds:
                out.append("FAILS")
            elif s.check.kind == "definition":
                out.append("")
            elif s.check.kind == "proof":
                out.append("✓")
            elif s.check.kind == "points":  # no check mark: that is for proofs
                out.append(f"checked {s.check.method.replace('evaluated ', '')}, not proved")
            else:
                out.append(s.check.method)
        return out

    def __str__(self) -> str:
        # one line for the whole derivation, then only the steps that fail (summary() lists every step)
        head = f"{plain_text(self.title)}: {'verified' if self.ok else 'NOT verified'}"
        failing = [f"  step {s.number} FAILS ({plain_text(s.step.reason)}): {s.check.detail}" for s in self.failures]
        return "\n".join([head, "  " + plain_text(self.report()), *failing])


@dataclass
class Derivation(Shows):
    """A titled list of steps with an introduction and a conclusion in words."""

    title: str
    steps: list[Step] = field(default_factory=list)
    intro: str = ""
    conclusion: str = ""
    given: dict = field(default_factory=dict)
    seed: int = 0
    diagram: Any = None  # a small Network drawn (TikZ) at the top of the document
    # False for pages of numbers whose intro says how every value was checked: no words beside each value
    decimal_marks: bool = True

    def step(self, lhs, rhs, reason: str, **options) -> "Derivation":
        """Append a step and return self, so steps read top to bottom."""
        self.steps.append(Step(lhs, rhs, reason, **options))
        return self

    def define(self, lhs, rhs, reason: str = "definition", **options) -> "Derivation":
        return self.step(lhs, rhs, reason, relation=DEFINES, **options)

    def verify(self) -> Verification:
        """Check every step in order, with the given values and the definitions made so far substituted in.

        Checking is deterministic (seeded), so the result for the same steps, values and settings is
        remembered: a document, its HTML page and its report check the derivation once.
        """
        try:
            # the limits decide the checks; how progress is shown (the command line's bar) does not
            key = (self.title, tuple(self.steps), tuple(self.given.items()), self.seed,
                   replace(current(), progress=None))
            hash(key)
        except TypeError:  # something unhashable in a user's step: just check it
            return self._verify()
        if key in _VERIFIED:
            _VERIFIED[key] = _VERIFIED.pop(key)  # the most recently used stay: a catalog page is asked for again
            return _VERIFIED[key]
        if len(_VERIFIED) >= VERIFIED_KEPT:
            _VERIFIED.pop(next(iter(_VERIFIED)))
        _VERIFIED[key] = self._verify()
        return _VERIFIED[key]

    def _verify(self) -> Verification:
        definitions: dict = dict(self.given)
        results = []
        for number, step in enumerate(self.steps, start=1):
            if step.oracle is not None:
                results.append(StepCheck(number, step, step.oracle()))
                continue
            if step.relation == UPDATE:  # a new value for the symbol: nothing to check, nothing to substitute
                results.append(StepCheck(number, step, Check(True, "definition")))
                continue
            if step.relation == DEFINES:
                definitions[step.lhs] = substitute(step.rhs, definitions)
                results.append(StepCheck(number, step, Check(True, "definition")))
                continue
            lhs, rhs = substitute(step.lhs, definitions), substitute(step.rhs, definitions)
            if step.relation == IFF:
                check = check_equivalent(lhs, rhs, step.variable)
            elif step.relation == APPROX:
                check = check_approximately(lhs, rhs, step.tolerance or _half_last_digit(step.rhs))
            else:
                check = check_equal(lhs, rhs, seed=self.seed + number)
            results.append(StepCheck(number, step, check))
        return Verification(self.title, tuple(results))

    # renderings; the layout is symnn.render.derivation's
    def latex(self) -> str:
        """The steps as a LaTeX ``align*`` block, each with its reason."""
        return derivation_latex(self)

    def document(self) -> str:
        """A standalone LaTeX article: the steps, and how symnn checked each one."""
        report = self.verify()
        return derivation_document(self, report.report(), self.marks_for(report), report.ok)

    def marks_for(self, report: "Verification") -> list[str]:
        """What stands beside each step: the report's marks, without the words of checked values on a page of numbers."""
        marks = report.marks()
        if self.decimal_marks:
            return marks
        return ["" if s.holds and s.check.kind == "decimal" else mark for s, mark in zip(report.steps, marks)]

    def text(self) -> str:
        """Unicode math for a terminal."""
        return derivation_text(self)

    def markdown(self) -> str:
        """Markdown with one $$ … $$ block per step."""
        return derivation_markdown(self)

    def html(self) -> str:
        """A standalone HTML page: every step as MathML with its reason and how symnn checked it."""
        return derivation_html(self, self.verify())

    def show_latex(self, printer) -> str:
        return derivation_latex(self, environment="aligned")

    def show_pretty(self, printer) -> str:
        # symnn.pretty(derivation, num_columns=60) fits 60 columns, like every other object
        return derivation_text(self, width=printer._settings.get("num_columns"))

    def _repr_latex_(self) -> str:
        return "$$" + derivation_latex(self, environment="aligned") + "$$"

    def __repr__(self) -> str:
        return f"Derivation({self.title!r}, {len(self.steps)} steps)"


# Verifications already made in this process, least recently used first (see Derivation.verify)
_VERIFIED: dict = {}
VERIFIED_KEPT = 256


def substitute(expr, definitions: dict):
    """Replace defined symbols (and matrices) by their definitions until nothing changes."""
    if not definitions or not isinstance(expr, (Basic, MatrixBase)):
        return expr
    for _ in range(len(definitions) + 1):
        replaced = expr.xreplace(definitions)
        if isinstance(replaced, Basic) and replaced.has(Sum):
            # a defined a_j inside Σ_j only appears once the sum is written out
            replaced = replaced.doit()
        if replaced == expr:
            break
        expr = replaced
    return expr


def _half_last_digit(value: Float):
    text = str(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Float(5) * Float(10) ** (-(decimals + 1))
