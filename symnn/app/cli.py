"""The ``symnn`` command: parse the arguments, then run one subcommand of symnn.app.commands.

This module imports only the standard library and symnn.errors, so ``--help`` and
``--version`` answer without loading SymPy; the subcommands' module is imported
when one runs (inside the Ctrl-C and error handling, so an interrupt during that
import is one line too).

Exit codes: 0 success, 1 a reported failure, 2 bad usage (argparse or a SymnnError
raised by the input), 3 a missing optional dependency, 130 interrupted. Errors are
one line on stderr, never a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from symnn.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, SymnnError

# The names `symnn.activations.names()` returns, written out so that `--help` needs no SymPy
# (tests/test_cli.py checks that the two agree).
ACTIVATION_NAMES = ("linear", "sigmoid", "tanh", "relu", "step", "leaky_relu", "softplus")


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
    parser.add_argument("--version", action="version", version=f"symnn {_version()}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    valid = ", ".join(ACTIVATION_NAMES)

    tour = sub.add_parser("tour", help="walk through the lecture; write derivations and figures",
                          epilog=EXAMPLES["tour"])
    tour.add_argument("--out", default="symnn-out", metavar="DIR", help="output folder (default symnn-out)")
    tour.add_argument("--no-pdf", action="store_true", help="do not compile the derivations even if pdflatex is there")
    tour.set_defaults(run="cmd_tour")

    neuron = sub.add_parser("neuron", help="one neuron's z and a", epilog=EXAMPLES["neuron"])
    neuron.add_argument("--inputs", type=int, default=3, help="number of inputs x_k (default 3)")
    neuron.add_argument("--activation", default="sigmoid", help=f"g(z): {valid} (default sigmoid)")
    neuron.add_argument("--no-bias", action="store_true", help="leave out the bias b")
    neuron.add_argument("--format", choices=FORMATS, default="text")
    neuron.set_defaults(run="cmd_neuron")

    network = sub.add_parser("network", help="every unit's z and a of a network", epilog=EXAMPLES["network"])
    network.add_argument("sizes", help="layer sizes n_0,n_1,…,n_L, e.g. 3,4,1")
    network.add_argument("--activation", default="linear",
                         help=f"one activation for all layers or one per layer, comma-separated: {valid}, "
                              "or a formula 'expr:z/(1 + Abs(z))' (several separated by ';') (default linear)")
    network.add_argument("--no-bias", action="store_true", help="build the network without biases")
    network.add_argument("--format", choices=FORMATS, default="text")
    network.set_defaults(run="cmd_network")

    collapse = sub.add_parser("collapse", help="collapse an all-linear network to w'·x + b', or show why not",
                              epilog=EXAMPLES["collapse"], formatter_class=argparse.RawDescriptionHelpFormatter)
    collapse.add_argument("sizes", help="layer sizes n_0,n_1,…,n_L, e.g. 3,4,1")
    collapse.add_argument("--activation", default="linear",
                          help=f"one activation for all layers or one per layer: {valid} (default linear)")
    collapse.add_argument("--no-bias", action="store_true", help="build the network without biases")
    collapse.add_argument("--format", choices=FORMATS, default="text")
    collapse.set_defaults(run="cmd_collapse")

    acts = sub.add_parser("activations", help="table of g, g′, range and whether affine", epilog=EXAMPLES["activations"])
    acts.add_argument("--plot", metavar="FILE", help="also draw g and g′ of each into a PNG (needs matplotlib)")
    acts.add_argument("--format", choices=FORMATS, default="text")
    acts.set_defaults(run="cmd_activations")

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
    derive.set_defaults(run="cmd_derive")

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
    digits.set_defaults(run="cmd_digits")
    return parser


def _version() -> str:
    # imported here, inside main's Ctrl-C handling, and only when a parser is built
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symnn")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv)
    except KeyboardInterrupt:
        if debug:
            raise
        print("symnn: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse already printed its usage message
        return int(stop.code or 0)
    try:
        commands = importlib.import_module("symnn.app.commands")
        return commands.run(args.run, args)
    except BrokenPipeError:  # the reader went away (symnn … | head): not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        raise
    except Exception as error:
        if args.debug:
            raise
        if not isinstance(error, SymnnError):  # a bug of ours: still one line, the traceback with --debug
            print(f"symnn: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)",
                  file=sys.stderr)
            return EXIT_FAILURE
        kind = "failed" if error.exit_code == EXIT_FAILURE else "error"
        print(f"symnn: {kind}: {error}", file=sys.stderr)
        return error.exit_code
