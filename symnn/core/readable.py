"""How a student reads an activation in a table: g(z) and g′(z) as Unicode and LaTeX (display only)."""

from __future__ import annotations

from typing import NamedTuple


class Readable(NamedTuple):
    """g(z) and g′(z) written as a student reads them (``σ(z)(1 − σ(z))``), as Unicode and LaTeX, for tables.

    Display text only, written by hand for the built-in activations; nothing computes with it.
    """

    g: str
    derivative: str
    g_latex: str
    derivative_latex: str
