"""The one small hierarchy of errors symnn raises; messages say what was wrong and what is allowed."""

from __future__ import annotations


class SymnnError(Exception):
    """Base class of every error symnn raises on purpose."""


class InvalidSizeError(SymnnError, ValueError):
    """A layer size or size list is not usable (not a positive integer, empty, ...)."""


class IndexOutOfRangeError(SymnnError, IndexError):
    """A layer or unit index lies outside the network; the message names the valid range."""


class UnknownActivationError(SymnnError, ValueError):
    """An activation name is not known; the message lists the valid names."""


class InvalidActivationError(SymnnError, ValueError):
    """An activation expression or parameter is not usable."""


class InvalidNamesError(SymnnError, ValueError):
    """Input or unit names have the wrong length, repeat, or use characters that are not allowed."""


class InvalidArgumentError(SymnnError, ValueError):
    """Any other argument whose value is not allowed."""


class FailureError(SymnnError):
    """Something ran and did not succeed (a check failed, LaTeX failed, a file could not be written).

    The command line exits 1 for these and 2 for bad usage.
    """


class DocumentError(FailureError):
    """A derivation failed verification, a file could not be written, or LaTeX failed."""
