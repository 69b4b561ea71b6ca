"""The ``symnn`` command: print neurons and networks in the lecture's notation.

Exit codes: 0 success, 1 a reported failure, 2 bad usage (argparse or a SymnnError
raised by the input). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import __version__, activations, commands
from .errors import FailureError, InvalidArgumentError, InvalidSizeError, SymnnError
from .layer import Neuron
from .network import Network
from .printing import ELEMENTWISE_PARAMETER_LIMIT, latex, pretty

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


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
        import json

        lines = obj.equations()
        return json.dumps({"object": repr(obj), "equations": [
            {"lhs": str(eq.lhs), "rhs": str(eq.rhs), "latex": latex(eq)} for eq in lines]}, indent=2, ensure_ascii=False)
    return pretty(obj)


def _cmd_neuron(args) -> int:
    neuron = Neuron(args.inputs, activation=args.activation, bias=not args.no_bias)
    if args.format == "text":
        print(repr(neuron))
    print(_render(neuron, args.format))
    return EXIT_OK


def _cmd_network(args) -> int:
    net = Network(parse_sizes(args.sizes), activation=parse_activation_list(args.activation), bias=not args.no_bias)
    if args.format != "text":
        if args.format == "json" and net.n_params > ELEMENTWISE_PARAMETER_LIMIT:
            raise InvalidArgumentError(f"{net!r} has {net.n_params} parameters: JSON lists every unit's equations "
                                       f"only up to {ELEMENTWISE_PARAMETER_LIMIT}; use --format latex for the block form")
        print(_render(net, args.format))
        return EXIT_OK
    print(str(net))
    if net.n_params > ELEMENTWISE_PARAMETER_LIMIT:
        print(f"({net.n_params} parameters: showing the block form, one line per layer)")
        print(pretty(net))
        return EXIT_OK
    for layer in net.layers:
        print(f"\nlayer {layer.index}: {layer!r}")
        print(pretty(layer))
    return EXIT_OK


def _cmd_derive(args) -> int:
    from pathlib import Path

    from . import catalog, documents

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
    from . import catalog

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


def _cmd_digits(args) -> int:
    import json

    from .classify import classify_digits

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


FORMATS = ["text", "latex", "markdown", "json"]

EXAMPLES = {
    "tour": "example: symnn tour --out symnn-out",
    "collapse": "examples: symnn collapse 3,4,1 --no-bias\n          symnn collapse 2,2,1 --activation sigmoid",
    "activations": "example: symnn activations --plot activations.png",
    "neuron": "example: symnn neuron --inputs 3 --activation sigmoid --format latex",
    "network": "example: symnn network 3,4,1 --activation linear",
    "digits": "example: symnn digits --data handwritten --hidden 8",
    "derive": "examples: symnn derive linear-collapse-3-4-1\n          symnn derive --all --out derivations --pdf",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symnn",
        description="See exactly what a neural network computes, in the lecture's notation.",
    )
    parser.add_argument("--version", action="version", version=f"symnn {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    valid = ", ".join(activations.names())

    tour = sub.add_parser("tour", help="walk through the lecture; write derivations and figures",
                          epilog=EXAMPLES["tour"])
    tour.add_argument("--out", default="symnn-out", metavar="DIR", help="output folder (default symnn-out)")
    tour.add_argument("--no-pdf", action="store_true", help="do not compile the derivations even if pdflatex is there")
    tour.set_defaults(run=commands.cmd_tour)

    neuron = sub.add_parser("neuron", help="one neuron's z and a", epilog=EXAMPLES["neuron"])
    neuron.add_argument("--inputs", type=int, default=3, help="number of inputs x_k (default 3)")
    neuron.add_argument("--activation", default="sigmoid", help=f"g(z): {valid} (default sigmoid)")
    neuron.add_argument("--no-bias", action="store_true", help="leave out the bias b")
    neuron.add_argument("--format", choices=FORMATS, default="text")
    neuron.set_defaults(run=_cmd_neuron)

    network = sub.add_parser("network", help="every unit's z and a of a network", epilog=EXAMPLES["network"])
    network.add_argument("sizes", help="layer sizes n_0,n_1,…,n_L, e.g. 3,4,1")
    network.add_argument("--activation", default="linear",
                         help=f"one activation for all layers or one per layer, comma-separated: {valid}, "
                              "or a formula 'expr:z/(1 + Abs(z))' (several separated by ';') (default linear)")
    network.add_argument("--no-bias", action="store_true", help="build the network without biases")
    network.add_argument("--format", choices=FORMATS, default="text")
    network.set_defaults(run=_cmd_network)

    collapse = sub.add_parser("collapse", help="collapse an all-linear network to w'·x + b', or show why not",
                              epilog=EXAMPLES["collapse"], formatter_class=argparse.RawDescriptionHelpFormatter)
    collapse.add_argument("sizes", help="layer sizes n_0,n_1,…,n_L, e.g. 3,4,1")
    collapse.add_argument("--activation", default="linear",
                          help=f"one activation for all layers or one per layer: {valid} (default linear)")
    collapse.add_argument("--no-bias", action="store_true", help="build the network without biases")
    collapse.add_argument("--format", choices=FORMATS, default="text")
    collapse.set_defaults(run=lambda args: commands.cmd_collapse(
        args, parse_sizes(args.sizes), parse_activation_list(args.activation)))

    acts = sub.add_parser("activations", help="table of g, g′, range and whether affine", epilog=EXAMPLES["activations"])
    acts.add_argument("--plot", metavar="FILE", help="also draw g and g′ of each into a PNG (needs matplotlib)")
    acts.add_argument("--format", choices=FORMATS, default="text")
    acts.set_defaults(run=commands.cmd_activations)

    derive = sub.add_parser("derive", help="write the verified derivations of the lecture",
                            epilog=EXAMPLES["derive"], formatter_class=argparse.RawDescriptionHelpFormatter)
    derive.add_argument("names", nargs="*", metavar="NAME", help="derivations to write (see --list)")
    derive.add_argument("--all", action="store_true", help="every derivation, plus an index README.md")
    derive.add_argument("--list", action="store_true", help="list the derivations and their titles")
    derive.add_argument("--out", metavar="DIR", help="write NAME.tex files into DIR instead of printing")
    derive.add_argument("--pdf", action="store_true", help="also compile each .tex with pdflatex (needs --out)")
    derive.add_argument("--check", action="store_true",
                        help="exit 1 if the files in DIR differ from what the code generates now (needs --out)")
    derive.add_argument("--format", choices=["text", "latex", "markdown"], default="text",
                        help="how to print without --out (default text)")
    derive.set_defaults(run=_cmd_derive)

    digits = sub.add_parser("digits", help="train, test and cross-check a 7×5 digit classifier (0 vs 1)",
                            epilog=EXAMPLES["digits"])
    digits.add_argument("--data", choices=["lecture", "variants", "handwritten"], default="lecture",
                        help="the lecture's two images, seeded variants (5%% pixel flips), or real handwriting "
                             "(needs scikit-learn)")
    digits.add_argument("--hidden", type=int, default=None, metavar="H",
                        help="a 35-H-1 network instead of the single neuron")
    digits.add_argument("--epochs", type=int, default=None, help="training epochs (default depends on --data)")
    digits.add_argument("--seed", type=int, default=0)
    digits.add_argument("--format", choices=["text", "json"], default="text")
    digits.set_defaults(run=_cmd_digits)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse already printed its usage message
        return int(stop.code or 0)
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader went away (symnn … | head): not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("symnn: interrupted", file=sys.stderr)
        return 130
    except FailureError as error:
        if args.debug:
            raise
        print(f"symnn: failed: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except SymnnError as error:
        if args.debug:
            raise
        print(f"symnn: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a bug of ours: still one line, the traceback with --debug
        if args.debug:
            raise
        print(f"symnn: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)",
              file=sys.stderr)
        return EXIT_FAILURE
