"""``symnn backprop``: the backpropagation rules of a network, or one worked step with the user's numbers.

Numbers are read as JSON (never evaluated): ``--weights`` is the list of matrices W^{[1]}, …,
W^{[L]}, each with one row per input k and one number per unit i (so ``weights[0][k-1][i-1]`` is
w_{ki}^{[1]}); ``--biases`` one entry per layer, a number shared by the layer's units or a list
of one per unit; ``--inputs`` and ``--targets`` lists (a bare number for one). Numbers may be
JSON numbers or strings such as "1/3"; ``@FILE`` reads the JSON from a file.

JSON output (``--format json``): ``network``, ``loss``, ``verified`` (bool), ``report`` (one line),
``steps`` (each ``lhs``, ``relation``, ``rhs`` in LaTeX, ``reason``, ``holds``, ``check``) and, for
a worked example, ``values`` (every z, a and δ), ``gradients`` and ``updated`` (symbol → decimal text).
"""

from __future__ import annotations

import json
from pathlib import Path

from symnn.core.network import Network
from symnn.core.printing import latex
from symnn.errors import EXIT_FAILURE, EXIT_OK, InvalidArgumentError
from symnn.math.backprop import Backprop, parameter_values
from symnn.render.html import derivation_html
from symnn.render.text import report_text

# a JSON argument (or file) longer than this is refused before it is parsed
MAX_JSON_CHARACTERS = 200_000


def read_json_argument(text: str | None, option: str):
    """The JSON of ``--weights`` and friends (or of the file after '@'), numbers kept as their text."""
    if text is None:
        return None
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise InvalidArgumentError(f"{option} @{path}: no such file")
        if path.stat().st_size > MAX_JSON_CHARACTERS:
            raise InvalidArgumentError(f"{option} @{path}: larger than {MAX_JSON_CHARACTERS:,} bytes")
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as error:
            raise InvalidArgumentError(f"{option} @{path}: cannot read it as UTF-8 text ({error})") from None
    if len(text) > MAX_JSON_CHARACTERS:
        raise InvalidArgumentError(f"{option}: longer than {MAX_JSON_CHARACTERS:,} characters")
    try:
        # decimals stay text, so 0.15 is exactly 3/20 (a float would be 0.1499999999999999944…)
        return json.loads(text, parse_float=str, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InvalidArgumentError(f"{option} must be JSON such as [[0.15, 0.25], [0.2, 0.3]]: {error.msg} "
                                   f"at character {error.pos}") from None


def _no_constant(name: str):
    raise InvalidArgumentError(f"{name} is not a number a worked example can use")


def cmd_backprop(args, sizes, activation) -> int:
    network = Network(sizes, activation=activation, bias=not args.no_bias)
    bp = Backprop(network, args.loss)
    numbers = {"--weights": args.weights, "--inputs": args.inputs, "--targets": args.targets}
    if not network.has_bias and args.biases is not None:
        raise InvalidArgumentError("--biases given for a network built with --no-bias")
    if network.has_bias:
        numbers["--biases"] = args.biases
    given = [name for name, value in numbers.items() if value is not None]
    if given and len(given) < len(numbers):
        missing = [name for name, value in numbers.items() if value is None]
        raise InvalidArgumentError(f"a worked example needs {', '.join(numbers)}; missing: {', '.join(missing)}")
    if given:
        weights = read_json_argument(args.weights, "--weights")
        biases = read_json_argument(args.biases, "--biases")
        x = read_json_argument(args.inputs, "--inputs")
        y = read_json_argument(args.targets, "--targets")
        derivation = bp.worked_example(weights, biases, x, y, lr=args.lr, digits=args.digits)
    else:
        derivation = bp.derivation()
    report = derivation.verify()
    if args.format == "latex":
        print(derivation.document(), end="")
    elif args.format == "markdown":
        print(derivation.markdown())
    elif args.format == "html":
        print(derivation_html(derivation, report), end="")
    elif args.format == "json":
        numbers = (weights, biases, x, y, args.lr) if given else None
        print(json.dumps(_json(bp, derivation, report, numbers), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(derivation.text())
        print(report_text(report))
    return EXIT_OK if report.ok else EXIT_FAILURE


def _json(bp: Backprop, derivation, report, numbers) -> dict:
    data = {
        "network": repr(bp.network), "loss": bp.loss, "title": derivation.title,
        "verified": report.ok, "report": report.report(),
        "steps": [{"lhs": latex(s.step.lhs), "relation": s.step.relation, "rhs": latex(s.step.rhs),
                   "reason": s.step.reason, "holds": s.holds, "check": s.check.method} for s in report.steps],
    }
    if numbers:
        weights, biases, x, y, lr = numbers
        values = parameter_values(bp, weights, biases, x, y)
        data["values"] = {str(symbol): _decimal(value) for symbol, value in bp.numbers(values).items()
                          if symbol not in values}
        data["gradients"] = {str(symbol): _decimal(value) for symbol, value in bp.gradient_values(values).items()}
        data["updated"] = {str(symbol): _decimal(value) for symbol, value in bp.updated(values, lr).items()}
    return data


def _decimal(value) -> str:
    """A value as decimal text: exact rationals in full (3/20 → "0.15"), others to 30 significant digits."""
    return str(value) if value.is_Integer else str(value.evalf(30))


__all__ = ["cmd_backprop", "read_json_argument"]
