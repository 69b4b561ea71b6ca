"""The ``symnn`` command: parse the arguments, then run one subcommand of symnn.app.commands.

This module imports only the standard library and symnn.errors, so ``--help`` and
``--version`` answer without loading SymPy; the subcommands' module is imported
when one runs (inside the Ctrl-C and error handling, so an interrupt during that
import is one line too).

Exit codes: 0 success, 1 a reported failure, 2 bad usage (argparse or a SymnnError
raised by the input), 3 a missing optional dependency, 130 interrupted. Errors are
one line on stderr, never a traceback (``--debug`` shows it); argparse's refusals
too (``symnn: error: … (see 'symnn SUB --help')``). A reader that goes away
(``symnn … | head``) ends the output quietly; a full disk is a one-line failure.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
from typing import Sequence

from symnn.config import current
from symnn.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, FailureError, SymnnError

# The names `symnn.activations.names()` returns, written out so that `--help` needs no SymPy
# (tests/test_cli.py checks that the two agree).
ACTIVATION_NAMES = ("linear", "sigmoid", "tanh", "relu", "step", "leaky_relu", "softplus")


FORMATS = ["text", "latex", "markdown", "json"]

# Whole numbers on the command line (sizes, --inputs, --hidden, --epochs, --seed): ASCII digits only
# (str.isdigit also accepts '²' and '٣', which int() then refuses or reads), at most this many.
MAX_DIGITS = 9
# `digits --epochs`: training 35-16-1 on the 2 000 variants takes about 5 ms per epoch here
# (100 000 epochs: about 8 minutes, with a progress bar and Ctrl-C).
MAX_EPOCHS = 100_000

EXAMPLES = {
    "tour": "example: symnn tour --out symnn-out",
    "collapse": "examples: symnn collapse 3,4,1 --no-bias\n          symnn collapse 2,2,1 --activation sigmoid\n"
                "          symnn collapse 2,3,3,2 --no-bias --format html",
    "activations": "example: symnn activations --plot activations.png",
    "neuron": "example: symnn neuron --inputs 3 --activation sigmoid --format latex",
    "network": "example: symnn network 3,4,1 --activation linear",
    "digits": "examples: symnn digits --data handwritten --hidden 8\n"
              "          symnn digits --classes 10 --data variants --plot digits-out",
    "backprop": "examples: symnn backprop 2,2,1 --activation sigmoid --loss bce\n"
                "          symnn backprop 2,2,2 --activation sigmoid --loss squared_error \\\n"
                "            --weights '[[[0.15, 0.25], [0.2, 0.3]], [[0.4, 0.5], [0.45, 0.55]]]' \\\n"
                "            --biases '[0.35, 0.6]' --inputs '[0.05, 0.1]' --targets '[0.01, 0.99]' --lr 0.5",
    "explore": "examples: symnn explore\n          symnn explore --port 8000 --no-browser",
    "derive": "examples: symnn derive linear-collapse-3-4-1\n          symnn derive --all --out derivations --pdf\n"
              "          symnn derive --all --format html --out pages",
}


def read_count(text: str) -> int | None:
    """``text`` as a whole number written with the ASCII digits 0-9 (spaces around allowed), else None.

    No sign, no '_', no other digits, at most MAX_DIGITS of them: int() alone would take '+3',
    '1_000' and '٣', and str.isdigit() takes '²', which int() refuses.
    """
    text = text.strip(" \t")
    if not re.fullmatch(r"[0-9]{1,%d}" % MAX_DIGITS, text):
        return None
    return int(text)


def _number(what: str, low: int, high: int, why: str = ""):
    """An argparse type: a whole number from ``low`` to ``high``, refused with a message that says so."""

    def parse(text: str) -> int:
        value = read_count(text)
        if value is None and re.fullmatch(r"\s*-[0-9]{1,%d}\s*" % MAX_DIGITS, text):
            value = int(text)  # a negative number: name it as a number below
        if value is None or not low <= value <= high:
            shown = repr(text) if value is None else str(value)
            raise argparse.ArgumentTypeError(f"must be {what} from {low} to {high}, not {shown}{why}")
        return value

    return parse


class _Parser(argparse.ArgumentParser):
    """argparse with one-line refusals: ``symnn: error: <message> (see 'symnn SUB --help')``, exit 2.

    ``--help`` is unchanged. An unknown option is named even when a required argument is missing
    too (argparse would only say "the following arguments are required: COMMAND").
    """

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but an unknown option is refused by the subcommand it was given to."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self._subcommand(parsed).error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def _subcommand(self, parsed) -> argparse.ArgumentParser:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action.choices.get(getattr(parsed, action.dest, None), self)
        return self

    def parse_known_args(self, args=None, namespace=None):
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str):
        if message.startswith("the following arguments are required"):
            unknown = self._unknown_options(getattr(self, "_given", []))
            if unknown:
                message = f"unrecognized arguments: {' '.join(unknown)}"
        say_error(f"symnn: error: {' '.join(message.splitlines())} (see '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)

    def _unknown_options(self, given: list[str]) -> list[str]:
        """The words of ``given`` that look like options this parser does not know."""
        known = list(self._option_string_actions)
        unknown = []
        for word in given:
            if word == "--":
                break
            if not word.startswith("-") or word == "-" or re.fullmatch(r"-[0-9.]+", word):
                continue
            name = word.split("=", 1)[0]
            if name in known or (name.startswith("--") and any(k.startswith(name) for k in known)):
                continue
            unknown.append(word)
        return unknown


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symnn",
        description="See exactly what a neural network computes, in the lecture's notation.",
    )
    parser.add_argument("--version", action="version", version=f"symnn {_version()}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    scalar = ", ".join(ACTIVATION_NAMES)
    valid = scalar + " (and softmax for the output layer)"

    tour = sub.add_parser("tour", help="walk through the lecture; write derivations and figures",
                          epilog=EXAMPLES["tour"])
    tour.add_argument("--out", default="symnn-out", metavar="DIR", help="output folder (default symnn-out)")
    tour.add_argument("--no-pdf", action="store_true", help="do not compile the derivations even if pdflatex is there")
    tour.set_defaults(run="cmd_tour")

    neuron = sub.add_parser("neuron", help="one neuron's z and a", epilog=EXAMPLES["neuron"])
    neuron.add_argument("--inputs", type=_number("a positive integer", 1, 10**MAX_DIGITS - 1), default=3,
                        help="number of inputs x_k (default 3)")
    neuron.add_argument("--activation", default="sigmoid", help=f"g(z): {scalar} (default sigmoid)")
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
    collapse.add_argument("--format", choices=[*FORMATS, "html"], default="text",
                          help="text (default), latex, markdown, json, or html: a standalone page with MathML "
                               "(the proof, or the counterexample for a network that does not collapse)")
    collapse.set_defaults(run="cmd_collapse")

    backprop = sub.add_parser("backprop", help="backpropagation's rules for a network, or one step with your numbers",
                              epilog=EXAMPLES["backprop"], formatter_class=argparse.RawDescriptionHelpFormatter)
    backprop.add_argument("sizes", help="layer sizes n_0,n_1,…,n_L, e.g. 2,2,1")
    backprop.add_argument("--activation", default="sigmoid",
                          help=f"one activation for all layers or one per layer: {valid} (default sigmoid)")
    backprop.add_argument("--loss", default="auto", choices=["auto", "bce", "squared_error", "mse", "cross_entropy", "ce"],
                          help="auto (default): cross_entropy after a softmax output, else bce; "
                               "bce: binary cross-entropy; squared_error (also mse): ½(a − y)² per "
                               "output, summed over the outputs (averaged over a batch's samples); "
                               "cross_entropy (also ce): −Σ_i y_i log a_i, for a softmax output")
    backprop.add_argument("--no-bias", action="store_true", help="build the network without biases")
    backprop.add_argument("--weights", metavar="JSON", help="W^[1], …, W^[L] as JSON, each one row per input k of "
                          "one number per unit i (or @FILE); with --inputs, --targets (and --biases): a worked example")
    backprop.add_argument("--biases", metavar="JSON", help="one entry per layer: a number shared by its units, "
                          "or a list of one per unit")
    backprop.add_argument("--inputs", metavar="JSON", help="the sample's x, one number per input")
    backprop.add_argument("--targets", metavar="JSON", help="the sample's y, one number per output")
    backprop.add_argument("--lr", default="0.5", help="learning rate η of the worked step (default 0.5)")
    backprop.add_argument("--digits", type=_number("a whole number from 2 to 30", 2, 30), default=9,
                          help="significant figures printed (default 9; computed to 60 digits)")
    backprop.add_argument("--format", choices=["text", "latex", "markdown", "json", "html"], default="text",
                          help="text (default), latex (a standalone document), markdown, json, or html (a page)")
    backprop.set_defaults(run="cmd_backprop")

    acts = sub.add_parser("activations", help="table of g, g′, range and whether affine", epilog=EXAMPLES["activations"])
    acts.add_argument("--plot", metavar="FILE", help="also draw g and g′ of each into a PNG (needs matplotlib)")
    acts.add_argument("--format", choices=FORMATS, default="text")
    acts.set_defaults(run="cmd_activations")

    derive = sub.add_parser("derive", help="write the verified derivations of the lecture",
                            epilog=EXAMPLES["derive"], formatter_class=argparse.RawDescriptionHelpFormatter)
    derive.add_argument("names", nargs="*", metavar="NAME", help="derivations to write (see --list)")
    derive.add_argument("--all", action="store_true",
                        help="every derivation, plus an index README.md (index.html with --format html)")
    derive.add_argument("--list", action="store_true", help="list the derivations and their titles")
    derive.add_argument("--out", metavar="DIR",
                        help="write NAME.tex files (NAME.html with --format html) into DIR instead of printing")
    derive.add_argument("--pdf", action="store_true", help="also compile each .tex with pdflatex (needs --out)")
    derive.add_argument("--check", action="store_true",
                        help="exit 1 if the files in DIR differ from what the code generates now (needs --out)")
    derive.add_argument("--format", choices=["text", "latex", "markdown", "html"], default="text",
                        help="how to print without --out (default text); with --out, html writes HTML pages")
    derive.set_defaults(run="cmd_derive")

    digits = sub.add_parser("digits", help="train, test and cross-check a 7×5 digit classifier (0 vs 1, or all ten)",
                            epilog=EXAMPLES["digits"], formatter_class=argparse.RawDescriptionHelpFormatter)
    digits.add_argument("--classes", choices=["2", "10"], default="2",
                        help="2: the lecture's 0 and 1 with one sigmoid output (default); 10: every digit, "
                             "a softmax output trained on the cross-entropy")
    digits.add_argument("--data", choices=["lecture", "variants", "handwritten"], default="lecture",
                        help="the lecture's images (ten in their style with --classes 10), seeded variants "
                             "(5%% pixel flips), or real handwriting (needs scikit-learn)")
    digits.add_argument("--hidden", type=_number("a positive number of hidden units", 1, current().hidden_units,
                                                 "; the symbolic cross-check of a 35-H-1 or 35-H-10 network grows with H²"),
                        default=None, metavar="H",
                        help=f"a hidden layer of H sigmoid units (35-H-1, or 35-H-10 with --classes 10) instead of a "
                             f"single layer (H from 1 to {current().hidden_units}, the hidden_units setting)")
    digits.add_argument("--epochs", type=_number("a positive number of epochs", 1, MAX_EPOCHS), default=None,
                        help=f"training epochs, 1 to {MAX_EPOCHS} (default: by --data for two digits, "
                             "train's default for ten)")
    digits.add_argument("--seed", type=_number("a whole number", 0, 10**MAX_DIGITS - 1), default=0,
                        help="seed of the data, the split and the initial weights (0 to 999999999; default 0)")
    digits.add_argument("--format", choices=["text", "json"], default="text")
    digits.add_argument("--plot", metavar="DIR", help="also write confusion.png, weights.png (the first layer's "
                        "weights on the 7×5 grid), training.png and examples.png (a test image of each digit "
                        "as it is read) into DIR (needs matplotlib)")
    digits.set_defaults(run="cmd_digits")

    explore = sub.add_parser("explore", help="a local web page: build a network, click a unit, see its formulas, "
                             "train it, draw a digit (needs symnn[explore])", epilog=EXAMPLES["explore"],
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    explore.add_argument("--port", type=_number("a port number", 0, 65535), default=0,
                         help="port to listen on (default 0: a free one)")
    explore.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default 127.0.0.1, this machine only; any other is warned about)")
    explore.add_argument("--no-browser", action="store_true", help="print the URL but do not open a browser")
    explore.set_defaults(run="cmd_explore")
    return parser


def _version() -> str:
    # imported here, inside main's Ctrl-C handling, and only when a parser is built
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symnn")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def entry() -> None:
    """The ``symnn`` program (and ``python -m symnn``): run ``main`` and exit with its code.

    An interrupt that lands inside code Python itself compiles at import time can leave the
    interpreter set to re-raise SIGINT at exit, whatever the program did with it; after
    Ctrl-C the process therefore ends with os._exit(130), output flushed, so the exit code
    is the documented one.
    """
    code = main()
    if code == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(EXIT_INTERRUPTED)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv, debug)
    except KeyboardInterrupt:
        if debug:
            raise
        _close_progress_bars()  # so the message starts on a line of its own, not after a half-drawn bar
        say_error("symnn: interrupted")
        return EXIT_INTERRUPTED


def _replace_unencodable(stream) -> None:
    """A terminal that cannot show →, σ or w₁₁ gets '?' in their place rather than a crash."""
    try:
        stream.reconfigure(errors="replace")
    except (AttributeError, ValueError, OSError):  # not a TextIOWrapper (a test's capture, a pipe wrapper)
        pass


def _run(argv: Sequence[str] | None, debug: bool) -> int:
    _replace_unencodable(sys.stdout)
    _replace_unencodable(sys.stderr)
    output = _Output(sys.stdout)
    sys.stdout = output
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # --help, --version, or a refusal already printed on one line
            output.flush()
            return stop.code if isinstance(stop.code, int) else EXIT_USAGE
        commands = importlib.import_module("symnn.app.commands")
        code = commands.run(args.run, args)
        output.flush()  # a full disk shows here, while it can still be reported
        return code
    except BrokenPipeError:  # stderr's reader went away (symnn … 2>&1 | head): not an error of ours
        _silence(sys.__stderr__)
        return EXIT_OK
    except KeyboardInterrupt:
        raise
    except Exception as error:
        if debug:
            raise
        if not isinstance(error, SymnnError):  # a bug of ours: still one line, the traceback with --debug
            say_error(f"symnn: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)")
            return EXIT_FAILURE
        kind = "failed" if error.exit_code == EXIT_FAILURE else "error"
        say_error(f"symnn: {kind}: {error}")
        return error.exit_code
    finally:
        sys.stdout = output.stream


class _Output:
    """Standard output for the length of one command.

    When the reader goes away (EPIPE: ``symnn tour | head -1``) the rest of the output is dropped and
    the command goes on (the tour still writes its files); nothing is said and the exit code is the
    command's. Any other failure to write (ENOSPC: ``> /dev/full``) is a one-line FailureError. Either
    way the file descriptor is pointed at /dev/null, so the interpreter's last flush at exit cannot
    print "Exception ignored … BrokenPipeError" (the remedy the Python documentation gives).
    """

    def __init__(self, stream):
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except OSError as error:
                self._failed(error)
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except OSError as error:
                self._failed(error)

    def _failed(self, error: OSError) -> None:
        self.gone = True
        _silence(self.stream)
        if not (isinstance(error, BrokenPipeError) or error.errno in (errno.EPIPE, errno.ECONNRESET)):
            raise FailureError(f"cannot write to standard output: {error.strerror or error}") from None

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _silence(stream) -> None:
    """Point ``stream``'s file descriptor at /dev/null, so what is still buffered in it goes nowhere quietly."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (pytest's capture, a StringIO)
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, descriptor)
        finally:
            os.close(devnull)
    except OSError:
        pass


def say_error(line: str) -> None:
    """One line on stderr; if stderr's reader has gone away too, nothing (and no noise at exit)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:
        _silence(sys.stderr)


def _close_progress_bars() -> None:
    """Clear any tqdm bar still drawn (an interrupt leaves it open), without importing tqdm if it is not loaded."""
    tqdm = sys.modules.get("tqdm")
    bars = getattr(getattr(tqdm, "tqdm", None), "_instances", None)
    for bar in list(bars or ()):
        try:
            bar.close()  # symnn's bars have leave=False: closing erases the line
        except Exception:  # a bar half-way through drawing: not worth a traceback while stopping
            pass
