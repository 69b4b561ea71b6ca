"""Every exception symnn raises on purpose, in one small hierarchy; messages say what was wrong and what is allowed.

Two kinds, which the command line maps to its exit codes: a usage error (bad input:
a ``ValueError``-like child, exit 2) and a failure (something ran and did not
succeed: ``FailureError``, exit 1). ``MissingDependency`` is a failure of the
machine, not of the input; it names the extra and the command that installs it
(exit 3).
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FAILURE = 1  # a reported failure: a step that does not hold, LaTeX that does not compile, …
EXIT_USAGE = 2  # bad usage: an argument or input that is not allowed
EXIT_MISSING_DEPENDENCY = 3  # an optional package or program is not installed
EXIT_INTERRUPTED = 130  # Ctrl-C


class SymnnError(Exception):
    """Base class of every error symnn raises on purpose."""

    exit_code = EXIT_USAGE


# --- bad input (exit 2) -----------------------------------------------------------

class InvalidSizeError(SymnnError, ValueError):
    """A layer size or size list is not usable (not a positive integer, empty, ...)."""


class IndexOutOfRangeError(SymnnError, IndexError):
    """A layer or unit index lies outside the network; the message names the valid range."""


class UnknownActivationError(SymnnError, ValueError):
    """An activation name is not known; the message lists the valid names."""


class InvalidActivationError(SymnnError, ValueError):
    """An activation expression or parameter is not usable."""


class UnsafeExpressionError(InvalidActivationError):
    """A formula given as text uses something outside the safe whitelist, or is too long, deep or large."""


class InvalidNamesError(SymnnError, ValueError):
    """Input or unit names have the wrong length, repeat, or use characters that are not allowed."""


class InvalidArgumentError(SymnnError, ValueError):
    """Any other argument whose value is not allowed."""


class UnknownSettingError(InvalidArgumentError, TypeError):
    """A setting or printer option that does not exist; the message lists the valid ones."""


class BadNumbersError(SymnnError, ValueError):
    """Numeric input that cannot be used: NaN or infinite values, the wrong shape, non-numbers."""


class UnsupportedModelError(SymnnError, ValueError):
    """A scikit-learn or PyTorch model whose structure symnn cannot express as a Network."""


class ExpressionTooLarge(SymnnError, ValueError):
    """An operation would build or print an expression too large to be useful; the message says what to use."""


class NotCollapsible(SymnnError, ValueError):
    """The network has a non-affine activation; ``witness`` shows f(x + y) + f(0) ≠ f(x) + f(y).

    Raised for a network that cannot be one linear model, so the command line reports it
    as a finding (exit 1), not as bad usage.
    """

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, witness: Any = None):
        super().__init__(message)
        self.witness = witness


# --- something ran and did not succeed (exit 1) ------------------------------------------

class FailureError(SymnnError):
    """Something ran and did not succeed (a check failed, LaTeX failed, a file could not be written)."""

    exit_code = EXIT_FAILURE


class DocumentError(FailureError):
    """A derivation failed verification, a file could not be written, or LaTeX failed."""


class VerificationFailed(FailureError):
    """A derivation step that does not hold; the message names the step."""


class TrainingDiverged(FailureError):
    """Gradient descent ran away (infinite or NaN weights or loss); the message names the epoch and the last finite loss."""


# --- the machine lacks something (exit 3) -------------------------------------------------

class MissingDependency(SymnnError, ImportError):
    """An optional package or program is not installed; the message names the extra and how to install it."""

    exit_code = EXIT_MISSING_DEPENDENCY

    def __init__(self, package: str, purpose: str, install: str):
        self.package, self.purpose, self.install = package, purpose, install
        super().__init__(f"{package} is not installed and is needed for {purpose}; install it with: {install}")


# import name → the name pip knows it by
DISTRIBUTIONS = {"sklearn": "scikit-learn", "torch": "PyTorch"}


def require(module: str, extra: str, purpose: str):
    """Import an optional third-party module, or raise MissingDependency naming the extra that provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        top = module.split(".")[0]
        raise MissingDependency(DISTRIBUTIONS.get(top, top), purpose, f"pip install 'symnn[{extra}]'") from error
