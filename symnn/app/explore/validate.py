"""Request bodies → checked Python values, refused with messages that say what was wrong and what is allowed.

The explorer's rules are the command line's (sizes are read by ``parse_sizes``,
activations by the same safe parser, names by the Network), plus bounds that keep
every answer quick: a body of at most MAX_BODY_BYTES, networks of at most MAX_UNITS
units. A refusal is an InvalidArgumentError (or another SymnnError), which the server
turns into a message on the page.
"""

from __future__ import annotations

import json
import math
from typing import Any

from symnn.errors import InvalidArgumentError

MAX_BODY_BYTES = 512 * 1024  # a 64-unit network's weights as JSON take about 60 kB
MAX_UNITS = 64  # computed units (every layer but the input); the goal is ≤ 50 units within 100 ms
MAX_INPUTS = 16
MAX_LAYERS = 6
MAX_PARAMETERS = 1_200  # weights and biases (16-32-32-1 has 1,633: refused; 2-24-24-1 has 697)
MAX_TEXT = 2_000  # characters of one text field (a size list, an activation formula, names)
MAX_NUMBER = 1e6  # |a weight|, |a bias|, |an input| the Numbers panel takes
MAX_POINTS = 400  # points of a drawn data set
MAX_EPOCHS = 5_000


def parse_body(raw: bytes) -> dict:
    """The JSON object of a request body, refused if too long, not UTF-8, not JSON or not an object."""
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidArgumentError(f"the request is {len(raw):,} bytes, more than the {MAX_BODY_BYTES:,} the "
                                   "explorer reads")
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise InvalidArgumentError("the request is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise InvalidArgumentError(f"the request is not JSON: {error.msg} at character {error.pos}") from None
    except InvalidArgumentError:  # NaN or Infinity, refused by _no_constant
        raise
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise InvalidArgumentError("the request holds a number with more digits than the explorer reads") from None
    except RecursionError:
        raise InvalidArgumentError("the request nests lists too deeply") from None
    if not isinstance(data, dict):
        raise InvalidArgumentError(f"the request must be a JSON object {{...}}, not a {type(data).__name__}")
    return data


def _no_constant(name: str):
    raise InvalidArgumentError(f"{name} is not a number the explorer can use")


def text(data: dict, key: str, default: str | None = None, limit: int = MAX_TEXT) -> str:
    """A string field, at most ``limit`` characters."""
    return text_value(data.get(key, default), key, limit)


def text_value(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    """``value`` as text of at most ``limit`` characters, named ``what`` in a refusal."""
    if value is None:
        raise InvalidArgumentError(f"'{what}' is missing")
    if not isinstance(value, str):
        raise InvalidArgumentError(f"'{what}' must be text, not {_kind(value)}")
    if len(value) > limit:
        raise InvalidArgumentError(f"'{what}' is {len(value):,} characters long, more than the {limit:,} allowed")
    return value


def flag(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"'{key}' must be true or false, not {_kind(value)}")
    return value


def whole(data: dict, key: str, low: int, high: int, default: int | None = None) -> int:
    """A whole number field from ``low`` to ``high``."""
    return whole_value(data.get(key, default), key, low, high)


def whole_value(value: Any, what: str, low: int, high: int) -> int:
    """``value`` as a whole number from ``low`` to ``high``, named ``what`` in a refusal."""
    if value is None:
        raise InvalidArgumentError(f"'{what}' is missing")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgumentError(f"'{what}' must be a whole number from {low} to {high}, not {_shown(value)}")
    return value


def number(value: Any, what: str, bound: float = MAX_NUMBER) -> float:
    """A finite JSON number of size at most ``bound``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{what} must be a number, not {_shown(value)}")
    if abs(value) > bound or not math.isfinite(value):  # an int beyond float range is refused before converting
        raise InvalidArgumentError(f"{what} must be a number from {-bound:g} to {bound:g}, not {_shown(value)}")
    return float(value)


def numbers(value: Any, count: int, what: str, bound: float = MAX_NUMBER) -> list[float]:
    """A list of exactly ``count`` numbers."""
    if not isinstance(value, list):
        raise InvalidArgumentError(f"{what} must be a list of {count} numbers, not {_kind(value)}")
    if len(value) != count:
        raise InvalidArgumentError(f"{what} must list exactly {count} numbers, got {len(value)}")
    return [number(v, f"{what}[{k}]", bound) for k, v in enumerate(value)]


def matrix(value: Any, rows: int, columns: int, what: str) -> list[list[float]]:
    """A list of ``rows`` lists of ``columns`` numbers."""
    if not isinstance(value, list) or len(value) != rows:
        got = f"{len(value)} rows" if isinstance(value, list) else _kind(value)
        raise InvalidArgumentError(f"{what} must be {rows} rows of {columns} numbers (one row per input k), "
                                   f"got {got}")
    return [numbers(row, columns, f"{what}[{k}]") for k, row in enumerate(value)]


def choice(data: dict, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise InvalidArgumentError(f"'{key}' must be one of {', '.join(allowed)}, not {_shown(value)}")
    return value


def names(value: str, what: str) -> list[str] | None:
    """Comma-separated names, or None for none ("" or only spaces)."""
    if not value.strip():
        return None
    parts = [part.strip() for part in value.split(",")]
    if not all(parts):
        raise InvalidArgumentError(f"{what} {value!r} has an empty name; separate names with commas, e.g. "
                                   "price, shipping cost")
    return parts


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), type(value).__name__)


def _shown(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        shown = _kind(value)
    elif isinstance(value, int):
        shown = str(value) if abs(value) < 10**30 else f"an integer of {len(str(abs(value)))} digits"
    elif isinstance(value, float):
        shown = repr(value) if math.isfinite(value) else "a number beyond the range of a float"
    elif isinstance(value, str):
        shown = json.dumps(value, allow_nan=False)
    else:
        shown = _kind(value)
    return shown if len(shown) <= 40 else shown[:40] + "…"
