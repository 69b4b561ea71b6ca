"""The bodies of ``symnn tour``, ``symnn collapse`` and ``symnn activations``; cli.py parses and dispatches.

JSON output (``--format json``) is stable: the keys below are part of symnn's interface.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import activations
from .collapse import NotCollapsible, collapse
from .errors import FailureError
from .network import Network
from .printing import latex, pretty

EXIT_OK, EXIT_FAILURE = 0, 1


def cmd_tour(args) -> int:
    from .tour import run_tour

    out = Path(args.out)
    try:
        written = run_tour(out, pdf=False if args.no_pdf else None)
    except OSError as error:
        raise FailureError(f"cannot write into {out}: {error.strerror}") from None
    print(f"\nwrote {len(written)} files into {out}/:")
    for path in written:
        print(f"  {path}")
    return EXIT_OK


def _collapse_json(result) -> dict:
    """{"network", "collapses": true, "weights": [[...]], "bias": [...] | null, "verified", "method"}."""
    check = result.verify()
    W, b = result.W, result.b
    return {
        "network": repr(result.network),
        "collapses": True,
        "weights": [[str(W[k, i]) for i in range(W.shape[1])] for k in range(W.shape[0])],
        "bias": None if b is None else [str(v) for v in b],
        "verified": check.holds,
        "method": check.method,
    }


def _witness_json(network, error: NotCollapsible) -> dict:
    """{"network", "collapses": false, "reason", "witness": {"x", "y", "output", "difference", "weights"}}."""
    witness = error.witness
    return {
        "network": repr(network),
        "collapses": False,
        "reason": str(error),
        "witness": None if witness is None else {
            "x": [str(v) for v in witness.x], "y": [str(v) for v in witness.y], "output": witness.output,
            "difference": str(witness.difference.evalf(30)),
            "weights": {str(k): str(v) for k, v in witness.params.items()},
        },
    }


def cmd_collapse(args, sizes, activation) -> int:
    network = Network(sizes, activation=activation, bias=not args.no_bias)
    try:
        result = collapse(network)
    except NotCollapsible as error:
        if args.format == "json":
            print(json.dumps(_witness_json(network, error), indent=2, ensure_ascii=False))
        else:
            print(f"{network!r} does not collapse: {error}")
            if error.witness is not None:
                w = error.witness
                print(f"witness: x = {w.x}, y = {w.y}; f(x + y) + f(0) − f(x) − f(y) ≈ {w.difference.evalf(10)} ≠ 0")
        return EXIT_FAILURE
    if args.format == "json":
        print(json.dumps(_collapse_json(result), indent=2, ensure_ascii=False))
        return EXIT_OK if result.verify().holds else EXIT_FAILURE
    proof = result.proof
    report = proof.verify()
    if args.format == "latex":
        print(proof.latex())
    elif args.format == "markdown":
        print(proof.markdown())
    else:
        print(proof.text())
        print(str(report))
    return EXIT_OK if report.ok else EXIT_FAILURE


def activation_rows() -> list[dict]:
    """One row per activation: name, g, g′, range, affine."""
    rows = []
    for name in activations.names():
        act = activations.get(name)
        rows.append({"name": name, "g": act.expr, "derivative": act.derivative, "range": act.range,
                     "affine": act.is_affine})
    return rows


def cmd_activations(args) -> int:
    rows = activation_rows()
    if args.plot:
        from .plots import activations_figure

        print(f"wrote {activations_figure(args.plot)}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps([{"name": r["name"], "g": str(r["g"]), "derivative": str(r["derivative"]),
                           "range": str(r["range"]), "affine": r["affine"]} for r in rows], indent=2))
    elif args.format == "latex":
        print("\\begin{tabular}{llll}\nname & $g(z)$ & $g'(z)$ & affine \\\\ \\hline")
        for r in rows:
            print(f"{r['name'].replace('_', '-')} & ${latex(r['g'])}$ & ${latex(r['derivative'])}$ & "
                  f"{'yes' if r['affine'] else 'no'} \\\\")
        print("\\end{tabular}")
    elif args.format == "markdown":
        print("| name | g(z) | g′(z) | range | affine |\n|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['name']} | ${latex(r['g'])}$ | ${latex(r['derivative'])}$ | ${latex(r['range'])}$ | "
                  f"{'yes' if r['affine'] else 'no'} |")
    else:
        for r in rows:
            print(f"{r['name']:11} g(z) = {_one_line(r['g'])}   g′(z) = {_one_line(r['derivative'])}   "
                  f"range {_one_line(r['range'])}   affine: {'yes' if r['affine'] else 'no'}")
    return EXIT_OK


def _one_line(expr) -> str:
    """Unicode math where it fits on one line (a fraction or a Piecewise does not), plain text otherwise."""
    text = pretty(expr)
    return text if "\n" not in text else str(expr)
