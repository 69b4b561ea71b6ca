"""What every matplotlib picture shares: a Figure outside pyplot, PNG bytes, atomic writes, labels' numbers.

matplotlib is the optional extra ``symnn[plot]``, imported only when a picture is made, and
figures never touch pyplot's global state (a notebook's backend is left alone).
"""

from __future__ import annotations

import io
from pathlib import Path

from symnn.app.files import write_bytes_atomic
from symnn.errors import FailureError, InvalidArgumentError, require

DPI = 120


def new_figure(**options):
    """A matplotlib Figure that belongs to no pyplot state (no window, no backend switch)."""
    require("matplotlib", "plot", "pictures")
    from matplotlib.figure import Figure

    return Figure(**options)


def check_path(path) -> Path:
    """``path`` as a Path, refused unless it names a PNG (the only format written)."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise InvalidArgumentError(f"pictures are written as PNG: give a file name ending in .png, not {path.name!r}")
    return path


def to_png(figure) -> bytes:
    """The figure as PNG bytes (for IPython.display.Image, or an HTML page)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def save_png(figure, path) -> Path:
    """The figure written to ``path`` atomically (a reader never sees half a file); a failure is one line."""
    path = check_path(path)
    data = to_png(figure)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
    except OSError as error:
        raise FailureError(f"cannot write {path}: {error.strerror}") from None
    return path


def minus(text: str) -> str:
    """Hyphens as real minus signs."""
    return text.replace("-", "\N{MINUS SIGN}")


def number(value: float, digits: int = 1) -> str:
    """A value rounded for a label, with a real minus sign and never "−0.0" (what rounds to 0 prints as 0.0)."""
    rounded = round(float(value), digits) + 0.0  # + 0.0 turns −0.0 into 0.0
    return minus(f"{rounded:.{digits}f}")


def text_colour(rgba) -> str:
    """White on a dark cell, black on a light one (by the cell's relative luminance)."""
    red, green, blue = rgba[:3]
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5 else "black"
