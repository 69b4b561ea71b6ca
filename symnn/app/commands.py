"""The bodies of the ``symnn`` subcommands, ``cmd_<name>(args)``; cli.py parses and dispatches.

JSON output (``--format json``) is stable: the keys below are part of symnn's interface.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from symnn.app import catalog, documents
from symnn.app.classify import classify_digits
from symnn.app.plots import activations_figure
from symnn.app.tour import run_tour
from symnn.core import activations
from symnn.core.layer import Neuron
from symnn.core.network import Network
from symnn.core.printing import latex, pretty
from symnn.errors import EXIT_FAILURE, EXIT_OK, FailureError, InvalidArgumentError, InvalidSizeError
from symnn.math.collapse import NotCollapsible, collapse
from symnn.progress import terminal_bar
from symnn.config import current, settings


def run(name: str, args) -> int:
    """Run subcommand ``cmd_<name>`` with progress bars on a terminal for long symbolic work."""
    with settings(progress=terminal_bar):
        return globals()[name](args)


def cmd_tour(args) -> int:
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


def cmd_collapse(args) -> int:
    sizes, activation = parse_sizes(args.sizes), parse_activation_list(args.activation)
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


def parse_sizes(text: str) -> list[int]:
    """``"3,4,1"`` → [3, 4, 1]; anything else is an InvalidSizeError that says what is allowed."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise InvalidSizeError(f"sizes {text!r} must be positive integers separated by commas, e.g. 3,4,1")
    return [int(p) for p in parts]


def parse_activation_list(text: str) -> str | list[str]:
    """``sigmoid`` for every layer, ``sigmoid,linear`` one per layer; formulas ``expr:…`` are separated by ``;``."""
    separator = ";" if "expr:" in text else ","
    names = [p.strip() for p in text.split(separator)]
    return names[0] if len(names) == 1 else names


def _render(obj, fmt: str) -> str:
    if fmt == "latex":
        return latex(obj)
    if fmt == "markdown":
        return "$$\n" + latex(obj) + "\n$$"
    if fmt == "json":
        lines = obj.equations()
        return json.dumps({"object": repr(obj), "equations": [
            {"lhs": str(eq.lhs), "rhs": str(eq.rhs), "latex": latex(eq)} for eq in lines]}, indent=2, ensure_ascii=False)
    return pretty(obj)


def cmd_neuron(args) -> int:
    neuron = Neuron(args.inputs, activation=args.activation, bias=not args.no_bias)
    if args.format == "text":
        print(repr(neuron))
    print(_render(neuron, args.format))
    return EXIT_OK


def cmd_network(args) -> int:
    net = Network(parse_sizes(args.sizes), activation=parse_activation_list(args.activation), bias=not args.no_bias)
    if args.format != "text":
        limit = current().elementwise_parameters
        if args.format == "json" and net.n_params > limit:
            raise InvalidArgumentError(f"{net!r} has {net.n_params} parameters: JSON lists every unit's equations "
                                       f"only up to {limit}; use --format latex for the block form")
        print(_render(net, args.format))
        return EXIT_OK
    print(str(net))
    if net.n_params > current().elementwise_parameters:
        print(f"({net.n_params} parameters: showing the block form, one line per layer)")
        print(pretty(net))
        return EXIT_OK
    for layer in net.layers:
        print(f"\nlayer {layer.index}: {layer!r}")
        print(pretty(layer))
    return EXIT_OK


def cmd_derive(args) -> int:
    if args.list:
        for name in catalog.names():
            print(f"{name:24} {catalog.build(name).title}")
        return EXIT_OK
    names = catalog.names() if args.all else args.names
    if not names:
        raise InvalidArgumentError("name a derivation (see 'symnn derive --list') or give --all")
    for name in names:
        if name not in catalog.CATALOG:
            raise InvalidArgumentError(f"unknown derivation {name!r}; known: {', '.join(catalog.names())}")
    if args.out is None:
        if args.check or args.pdf:
            raise InvalidArgumentError("--check and --pdf need --out DIR")
        return _print_derivations(names, args.format)
    out = Path(args.out)
    docs = documents.generate(names)
    if args.all:
        docs.append(documents.index(docs))
    if args.check:
        stale = documents.stale(docs, out)
        if stale:
            print(f"symnn: {len(stale)} file(s) in {out} differ from what the code generates: {', '.join(stale)}; "
                  f"run 'symnn derive --all --out {out}'", file=sys.stderr)
            return EXIT_FAILURE
        print(f"{len(docs)} files in {out} are up to date")
        return EXIT_OK
    written = documents.write(docs, out)
    for path in written:
        print(f"wrote {path}")
    if args.pdf:
        for path in written:
            if path.suffix == ".tex":
                print(f"wrote {documents.compile_pdf(path)}")
    return EXIT_OK


def _print_derivations(names: list[str], fmt: str) -> int:
    status = EXIT_OK
    for number, name in enumerate(names):
        derivation = catalog.build(name)
        report = derivation.verify()
        if number:
            print()
        if fmt == "latex":
            print(derivation.latex())
        elif fmt == "markdown":
            print(derivation.markdown())
        else:
            print(derivation.text())
            print(str(report))
        if not report.ok:
            print(f"symnn: {report.title}: {len(report.failures)} step(s) do not hold", file=sys.stderr)
            status = EXIT_FAILURE
    return status


def cmd_digits(args) -> int:
    if args.hidden is not None and args.hidden < 1:
        raise InvalidArgumentError(f"--hidden must be a positive number of hidden units, not {args.hidden}")
    report = classify_digits(args.data, hidden=args.hidden, epochs=args.epochs, seed=args.seed)
    if args.format == "json":
        print(json.dumps({
            "model": repr(report.network), "data": report.data,
            "train_size": report.train_size, "test_size": report.test_size,
            "train_accuracy": report.train_accuracy, "test_accuracy": report.test_accuracy,
            "final_loss": report.result.final_loss,
            "crosscheck": {"mode": report.crosscheck.mode, "max_abs": list(report.crosscheck.max_abs),
                           "max_rel": list(report.crosscheck.max_rel)},
            "predictions_agreeing_with_symbolic_z": report.agreeing, "held_out": report.held_out,
        }, indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    agreed = report.agreeing == report.test_size and report.crosscheck.ok(1e-12)
    if not agreed:
        print("symnn: the numeric results do not agree with the symbolic form", file=sys.stderr)
    return EXIT_OK if agreed else EXIT_FAILURE
