"""Progress bars for long work: drawn with tqdm on a terminal, silent otherwise (and when tqdm is absent).

The symbolic core never draws one: it calls the callback its caller passes (or the
``progress`` setting); the command line passes ``terminal_bar``.
"""

from __future__ import annotations

import sys
from typing import Iterable, TypeVar

T = TypeVar("T")


def progress(iterable: Iterable[T], total: int | None = None, description: str = "", enabled: bool | None = None) -> Iterable[T]:
    """``iterable`` wrapped in a tqdm bar when stderr is a terminal (or ``enabled`` is True) and tqdm is installed."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=description, leave=False, file=sys.stderr)


def terminal_bar(iterable: Iterable[T], total: int, description: str) -> Iterable[T]:
    """A progress callback (symnn.settings ``progress``) drawing a tqdm bar on a terminal, nothing elsewhere."""
    return progress(iterable, total=total, description=description)
