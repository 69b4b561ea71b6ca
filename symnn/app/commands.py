"""The bodies of the ``symnn`` subcommands, ``cmd_<name>(args)``; cli.py parses and dispatches.

JSON output (``--format json``) is stable: the keys below are part of symnn's interface. It is
strict JSON: a number that is not finite is written as null, and a "note" key says which and why.

Every output has a size bound measured here, so that each command finishes in seconds or is
refused at once with the estimate: unit-by-unit equations up to the ``elementwise_parameters``
setting (block form above it; JSON refused), collapsed weights in JSON up to the
``json_collapse_size`` setting, and block-form collapse proofs up to ``proof_layers`` layers.
"""

from __future__ import annotations

import json
import math
import sys
import textwrap
import unicodedata
from html import escape
from pathlib import Path

from sympy import FiniteSet, Interval, S, Sum, Symbol, exp, oo

from symnn.app import backprop_command, catalog, documents
from symnn.app.classify import classify_digits
from symnn.app.cli import MAX_DIGITS, read_count
from symnn.app.confusion import class_accuracies
from symnn.app.explore.run import serve
from symnn.app.plots import REPORT_FIGURES, activations_figure, report_figures
from symnn.app.tour import EXPLORE_LINE, run_tour
from symnn.core import activations, guards
from symnn.core.softmax import SOFTMAX
from symnn.core.layer import Neuron
from symnn.core.network import Network
from symnn.core.printing import latex, pretty, terminal_width
from symnn.errors import (EXIT_FAILURE, EXIT_OK, ExpressionTooLarge, FailureError, InvalidArgumentError,
                          InvalidSizeError, require)
from symnn.math.collapse import NotCollapsible, collapse
from symnn.math.proofs import non_collapse_proof
from symnn.render.derivation import derivation_body
from symnn.render.html import derivation_html, page
from symnn.render.text import plain_text, report_text
from symnn.progress import terminal_bar
from symnn.config import current, settings



def run(name: str, args) -> int:
    """Run subcommand ``cmd_<name>`` with progress bars on a terminal for long symbolic work."""
    with settings(progress=terminal_bar):
        return globals()[name](args)


def output_folder(text: str) -> Path:
    """``--out DIR``: a folder (made when missing), never '' (which would mean the current folder) or a file."""
    if not text.strip():
        raise InvalidArgumentError(f"--out must name a folder, not {text!r}; write '--out .' for the current folder")
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise InvalidArgumentError(f"--out {text!r} is a file, not a folder; name a folder (it is made when missing)")
    return out


def cmd_tour(args) -> int:
    out = output_folder(args.out)
    try:
        written = run_tour(out, pdf=False if args.no_pdf else None)
    except OSError as error:  # writing the figures or the index (stdout's own failures are cli.py's)
        raise FailureError(f"cannot write into {out}: {error.strerror or error}") from None
    print(f"\nwrote {len(written)} files into {out}/:")
    for path in written:
        print(f"  {path}")
    print(f"\n{EXPLORE_LINE}")
    return EXIT_OK


def dumps(data) -> str:
    """Strict JSON (NaN or Infinity raise ValueError: a bug, never output), indented, Unicode kept."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def finite_or_none(value: float, name: str, notes: list[str]) -> float | None:
    """``value`` when finite; None (JSON null) otherwise, with a note saying which value it was."""
    if isinstance(value, float) and not math.isfinite(value):
        notes.append(f"{name} is {value} (not a finite number), written as null")
        return None
    return value


def collapse_json_size(network: Network) -> tuple[int, int]:
    """(entries, weight factors) of W' written out: n_0 · n_L entries, each Π of the hidden sizes products
    of one weight per layer."""
    sizes = network.sizes
    return sizes[0] * sizes[-1], guards.collapse_terms(sizes) * network.depth


def _collapse_json(result, check) -> dict:
    """{"network", "collapses": true, "model", "weights": [[...]], "bias": [...] | null, "verified", "method"};
    "model" is "linear" (f = W'^T x + b') or "softmax" (f = softmax(W'^T x + b'), multinomial logistic regression)."""
    W, b = result.W, result.b
    return {
        "network": repr(result.network),
        "collapses": True,
        "model": "linear" if result.link is None else result.link.name,
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
        "of": "score differences" if witness is not None and witness.scores else "outputs",
        "witness": None if witness is None else {
            "x": [str(v) for v in witness.x], "y": [str(v) for v in witness.y], "output": witness.output,
            **({"minus": witness.minus} if witness.scores else {}),  # f = z_output − z_minus under softmax
            "difference": str(witness.difference.evalf(30)),
            "weights": {str(k): str(v) for k, v in witness.params.items()},
        },
    }


def cmd_collapse(args) -> int:
    sizes, activation = parse_sizes(args.sizes), parse_activation_list(args.activation)
    _refuse_deep(sizes, f"collapsing a network of {len(sizes) - 1} layers")
    network = Network(sizes, activation=activation, bias=not args.no_bias)
    try:
        result = collapse(network)
    except NotCollapsible as error:
        if args.format == "json":
            print(dumps(_witness_json(network, error)))
        elif args.format == "html":  # a page: the counterexample as a derivation, the reason said first
            print(non_collapse_page(network, error), end="")
        elif args.format in ("latex", "markdown"):  # the counterexample as a derivation, in the format asked for
            print(("% " if args.format == "latex" else "") + f"{network!r} does not collapse: {error}")
            if error.witness is not None:
                proof = non_collapse_proof(network, error.witness)
                print(derivation_body(proof, proof.verify().marks()) if args.format == "latex" else proof.markdown())
        else:  # wrapped to the terminal, with the witness's numbers as a student reads them
            width = terminal_width()
            print(textwrap.fill(f"{network!r} does not collapse: {error}", width))
            if error.witness is not None:
                w = error.witness
                point = lambda values: "(" + ", ".join(pretty(v) for v in values) + ")"  # noqa: E731
                of = f" (f = z_{w.output}^[{network.depth}] − z_{w.minus}^[{network.depth}])" if w.scores else ""
                print(textwrap.fill(f"witness{of}: x = {point(w.x)}, y = {point(w.y)}; f(x + y) + f(0) − f(x) − f(y) "
                                    f"≈ {pretty(w.difference.evalf(10))} ≠ 0", width, subsequent_indent="  "))
        return EXIT_FAILURE
    if args.format == "json":
        entries, factors = collapse_json_size(network)
        # writing W' out and checking it cost about 50 µs per weight factor and 80 µs per entry here (an
        # entry is a sum of products of one weight per layer): 100-20-10 (1 000 entries, 40 000 factors)
        # 2.4 s, 250-100-1 4.1 s, 500-100 4.8 s, 200-50-10 (2 000; 200 000) 12.6 s, 784-64-10 173 s
        limit = current().json_collapse_size
        if entries + factors > limit:
            raise ExpressionTooLarge(
                f"{network!r} collapses, but its W' written out would have {entries:,} entries with about "
                f"{factors:,} weight factors, more than --format json writes out (entries + factors up to "
                f"{limit:,}, the json_collapse_size setting, about 4 s here); use --format text or latex for the block-form proof, "
                "or symnn.collapse(...).column(i) from Python")
        check = result.verify()  # once: at random points it takes as long as writing W' out
        print(dumps(_collapse_json(result, check)))
        return EXIT_OK if check.holds else EXIT_FAILURE
    # the block-form proof is checked by multiplying out L matrix symbols, about L³: 40 layers take 2.4 s
    # here (LaTeX 3.9 s), 60 take 6.2 s, 100 23 s
    if network.depth > current().proof_layers:
        raise ExpressionTooLarge(
            f"{network!r} collapses, but its block-form proof spans {network.depth} layers, more than the "
            f"{current().proof_layers} --format {args.format} checks (the proof_layers setting) (the check grows with the cube of the depth: about 4 s "
            f"at 40 layers here, 23 s at 100); use --format json, which checks the collapse at exact random points")
    proof = result.proof
    report = proof.verify()
    if args.format == "latex":
        print(proof.latex())
    elif args.format == "html":
        print(derivation_html(proof, report), end="")
    elif args.format == "markdown":
        print(proof.markdown())
    else:
        print(proof.text())
        print(report_text(report))
    return EXIT_OK if report.ok else EXIT_FAILURE


def non_collapse_page(network: Network, error: NotCollapsible) -> str:
    """The HTML page of ``collapse --format html`` for a network that does not collapse: the witness as a
    checked derivation, or (when none was found) the reason alone."""
    reason = str(error)
    note = reason[:1].upper() + reason[1:] + "."
    if error.witness is None:
        title = f"{network!r} does not collapse"
        return page(title, f"<h1>{escape(title)}</h1>\n<p>{escape(note)}</p>")
    proof = non_collapse_proof(network, error.witness)
    return derivation_html(proof, proof.verify(), note=note)


def activation_rows() -> list[dict]:
    """One row per activation: name, g, g′, range, affine; softmax last, for the output layer (its g′ is the
    Jacobian ∂a_i/∂z_m = a_i([i = m] − a_m))."""
    rows = []
    for name in activations.names():
        act = activations.get(name)
        rows.append({"name": name, "g": act.expr, "derivative": act.derivative, "range": act.range,
                     "affine": act.is_affine})
    i, m, classes = (Symbol(name, integer=True, positive=True) for name in ("i", "m", "K"))
    z_i, z_m, a_i, a_m = (Symbol(name) for name in ("z_i", "z_m", "a_i", "a_m"))
    rows.append({"name": SOFTMAX.name, "g": exp(z_i) / Sum(exp(z_m), (m, 1, classes)),
                 "derivative": SOFTMAX.jacobian(i, m, a_i, a_m), "range": SOFTMAX.range, "affine": False})
    return rows


def cmd_activations(args) -> int:
    """The table of activations: name, g(z), g′(z), range, affine; as math a student reads in the terminal."""
    rows = activation_rows()
    if args.plot is not None:
        if not args.plot.strip():
            raise InvalidArgumentError("--plot needs a file name ending in .png, not an empty one")
        print(f"wrote {activations_figure(args.plot)}", file=sys.stderr)
    if args.format == "json":
        print(dumps([{"name": r["name"], "g": str(r["g"]), "derivative": str(r["derivative"]),
                      "g_text": _readable(r)[0], "derivative_text": _readable(r)[1],
                      "range": range_data(r["range"]), "affine": r["affine"]} for r in rows]))
    elif args.format == "latex":
        print("\\begin{tabular}{lllll}\nname & $g(z)$ & $g'(z)$ & range & affine \\\\ \\hline")
        for r in rows:
            print(f"{_latex_text(r['name'])} & ${_readable_latex(r)[0]}$ & ${_readable_latex(r)[1]}$ & "
                  f"${_range_latex(r['range'])}$ & {'yes' if r['affine'] else 'no'} \\\\")
        print("\\end{tabular}")
    elif args.format == "markdown":
        print("| name | g(z) | g′(z) | range | affine |\n|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['name']} | ${_readable_latex(r)[0]}$ | ${_readable_latex(r)[1]}$ | ${_range_latex(r['range'])}$ | "
                  f"{'yes' if r['affine'] else 'no'} |")
    else:
        print(activation_table(rows, terminal_width()))
    return EXIT_OK


def activation_table(rows: list[dict], width: int) -> str:
    """Aligned columns name, g(z), g′(z), range, affine (padded by display width); where they are wider
    than ``width``, one short block per activation instead."""
    header = ("name", "g(z)", "g′(z)", "range", "affine")
    table = [header] + [(r["name"], *_readable(r), range_text(r["range"]), "yes" if r["affine"] else "no")
                        for r in rows]
    widths = [max(display_width(row[c]) for row in table) for c in range(len(header))]
    if sum(widths) + 2 * (len(widths) - 1) <= width:
        lines = ["  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths)).rstrip()
                 for row in table]
    else:
        lines = []
        for name, g, derivative, values, affine in table[1:]:
            lines += [name, f"  g(z)  = {g}", f"  g′(z) = {derivative}", f"  range {values}, affine: {affine}"]
    return "\n".join(lines)


def _readable(row: dict) -> tuple[str, str]:
    """g and g′ as the lecture writes them: the record's hand-written forms, else one-line Unicode math."""
    readable = activations.get(row["name"]).readable
    if readable is not None:
        return readable.g, readable.derivative
    return _one_line(row["g"]), _one_line(row["derivative"])


def _readable_latex(row: dict) -> tuple[str, str]:
    """g and g′ in the lecture's LaTeX (\\max(z, 0), σ(z)(1 − σ(z))): the record's forms, else SymPy's LaTeX."""
    readable = activations.get(row["name"]).readable
    if readable is not None:
        return readable.g_latex, readable.derivative_latex
    return latex(row["g"]), latex(row["derivative"])


def _one_line(expr) -> str:
    """Unicode math where it fits on one line (a fraction or a Piecewise does not), plain text otherwise."""
    text = pretty(expr, num_columns=10_000)
    return text if "\n" not in text else str(expr)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining marks take none, wide (East Asian) characters two."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _latex_text(name: str) -> str:
    """A name in LaTeX text mode, its real spelling kept (leaky_relu → leaky\\_relu)."""
    return "".join("\\" + ch if ch in "_&%$#{}" else ch for ch in name)


def _range_latex(values) -> str:
    return r"\text{unknown}" if values is None else latex(values)


def _bound_text(value) -> str:
    if value in (oo, -oo):
        return "∞" if value == oo else "−∞"
    return str(value).replace("-", "−")


def range_text(values) -> str:
    """The range for reading: ℝ, (0, 1), [0, ∞), {0, 1}; unknown when symnn could not work it out."""
    if values is None:
        return "unknown"
    if values == S.Reals:
        return "ℝ"
    if isinstance(values, Interval):
        return (("(" if values.left_open else "[") + f"{_bound_text(values.start)}, {_bound_text(values.end)}"
                + (")" if values.right_open else "]"))
    if isinstance(values, FiniteSet):
        return "{" + ", ".join(_bound_text(v) for v in values.args) + "}"
    return str(values)


def _json_number(value):
    """An exact bound for JSON: an int, else the exact rational as text ("1/3"); None (null) for ±∞."""
    if value in (oo, -oo):
        return None
    return int(value) if value.is_Integer else str(value)


def range_data(values) -> dict | None:
    """The range as data: an interval's bounds (null where infinite) and whether each end is included,
    or a finite set's values; with its text and LaTeX. None (null) when the range is unknown.

    >>> range_data(Interval.open(0, 1))["lower_closed"]
    False
    """
    if values is None:
        return None
    shown, data = values, {}
    if values == S.Reals:
        values = Interval(-oo, oo)
    if isinstance(values, Interval):
        data = {"kind": "interval", "lower": _json_number(values.start), "upper": _json_number(values.end),
                "lower_closed": not values.left_open and values.start != -oo,
                "upper_closed": not values.right_open and values.end != oo}
    elif isinstance(values, FiniteSet):
        data = {"kind": "set", "values": [_json_number(v) for v in values.args]}
    else:
        data = {"kind": "other"}
    return {**data, "text": range_text(shown), "latex": _range_latex(shown)}


def parse_sizes(text: str) -> list[int]:
    """``"3,4,1"`` → [3, 4, 1]; anything else is an InvalidSizeError that says what is allowed.

    Each size is written with the ASCII digits 0-9 only (no sign, no '²' or '٣'), at most
    MAX_DIGITS of them; whether it is positive is the Network's to say.
    """
    allowed = f"sizes {text!r} must be positive integers separated by commas, e.g. 3,4,1"
    sizes = []
    for number, part in enumerate(text.split(","), start=1):
        value = read_count(part)
        if value is not None:
            sizes.append(value)
            continue
        word = part.strip()
        if not word:
            raise InvalidSizeError(f"{allowed}; size {number} is empty")
        if word.isdigit() and word.isascii():
            raise InvalidSizeError(f"{allowed}; {word[:20]}{'…' if len(word) > 20 else ''} has {len(word)} digits, "
                                   f"more than the {MAX_DIGITS} a size may have")
        if word[0] in "+-":
            raise InvalidSizeError(f"{allowed}; {word!r} has a sign")
        if any(char.isdigit() or char.isnumeric() for char in word):
            raise InvalidSizeError(f"{allowed}; {word!r} is not written with the digits 0-9 alone")
        raise InvalidSizeError(allowed)
    return sizes


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
        return dumps({"object": repr(obj), "equations": [
            {"lhs": str(eq.lhs), "rhs": str(eq.rhs), "latex": latex(eq)} for eq in lines]})
    return pretty(obj)


def _refuse_json_beyond_elementwise(obj, fmt: str) -> None:
    """JSON lists every unit's equations, so only up to the elementwise_parameters setting (the other
    formats show the block form above it, which has no JSON form)."""
    limit = current().elementwise_parameters
    if fmt == "json" and obj.n_params > limit:
        raise InvalidArgumentError(f"{obj!r} has {obj.n_params} parameters: JSON lists every unit's equations "
                                   f"only up to {limit}; use --format latex for the block form")


def cmd_neuron(args) -> int:
    neuron = Neuron(args.inputs, activation=args.activation, bias=not args.no_bias)
    _refuse_json_beyond_elementwise(neuron, args.format)
    if args.format == "text":
        print(repr(neuron))
    print(_render(neuron, args.format))
    return EXIT_OK


def _refuse_deep(sizes: list[int], what: str) -> None:
    """A network deeper than the depth setting is refused before it is built (printing it layer by
    layer, or proving its collapse, would take minutes)."""
    guards.check(len(sizes) - 1, what, setting="depth", unit="layers",
                 alternative="use the Python API (symnn.compile) for numbers")


def cmd_network(args) -> int:
    sizes = parse_sizes(args.sizes)
    _refuse_deep(sizes, f"printing a network of {len(sizes) - 1} layers")
    net = Network(sizes, activation=parse_activation_list(args.activation), bias=not args.no_bias)
    _refuse_json_beyond_elementwise(net, args.format)
    if args.format != "text":
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


def cmd_backprop(args) -> int:
    sizes = parse_sizes(args.sizes)
    _refuse_deep(sizes, f"backpropagation through a network of {len(sizes) - 1} layers")
    return backprop_command.cmd_backprop(args, sizes, parse_activation_list(args.activation))


def cmd_derive(args) -> int:
    if args.list:
        for name in catalog.names():
            print(f"{name:24} {plain_text(catalog.build(name).title)}")
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
    if args.pdf and args.format == "html":
        raise InvalidArgumentError("--pdf compiles the LaTeX files; it cannot be combined with --format html")
    out = output_folder(args.out)
    html = args.format == "html"
    docs = documents.generate_html(names) if html else documents.generate(names)
    if args.all:
        docs.append(documents.html_index(docs) if html else documents.index(docs))
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
        for pdf in documents.compile_pdfs([path for path in written if path.suffix == ".tex"]):
            print(f"wrote {pdf}")
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
        elif fmt == "html":
            print(derivation.html(), end="")
        elif fmt == "markdown":
            print(derivation.markdown())
        else:
            print(derivation.text())
            print(report_text(report))
        if not report.ok:
            print(f"symnn: {plain_text(report.title)}: {len(report.failures)} step(s) do not hold", file=sys.stderr)
            status = EXIT_FAILURE
    return status


def cmd_explore(args) -> int:
    return serve(args.host, args.port, open_browser=not args.no_browser)


def digits_json(report) -> dict:
    """The documented keys; a number that is not finite is null, and then a "note" says which.

    Ten digits (a softmax output) add "classes", "confusion" (rows the true digit, columns the
    predicted one, on the test images) and "class_accuracy" (each digit's share of right answers).
    """
    notes: list[str] = []
    check = report.crosscheck
    data = {
        "model": repr(report.network), "data": report.data,
        "train_size": report.train_size, "test_size": report.test_size,
        "train_accuracy": finite_or_none(report.train_accuracy, "train_accuracy", notes),
        "test_accuracy": finite_or_none(report.test_accuracy, "test_accuracy", notes),
        "final_loss": finite_or_none(report.result.final_loss, "final_loss", notes),
        "crosscheck": {"mode": check.mode,
                       "max_abs": [finite_or_none(v, f"crosscheck.max_abs[{i}]", notes)
                                   for i, v in enumerate(check.max_abs)],
                       "max_rel": [finite_or_none(v, f"crosscheck.max_rel[{i}]", notes)
                                   for i, v in enumerate(check.max_rel)]},
        "predictions_agreeing_with_symbolic_z": report.agreeing, "held_out": report.held_out,
    }
    if report.network.sizes[-1] > 1:  # one output unit per digit
        matrix = report.confusion
        data.update(classes=len(matrix), confusion=matrix.tolist(), class_accuracy=class_accuracies(matrix))
    if notes:
        data["note"] = "; ".join(notes)
    return data


def _plot_folder(text: str | None) -> str | None:
    """``--plot DIR``: a folder for the pictures, refused before training if it is empty or names a file."""
    if text is None:
        return None
    if not text.strip():
        raise InvalidArgumentError("--plot needs a folder for the pictures, not an empty name")
    if Path(text).suffix.lower() == ".png":
        raise InvalidArgumentError(f"--plot takes a folder, into which {', '.join(REPORT_FIGURES)} are written, "
                                   f"not a file name {text!r}")
    existing = next((part for part in (Path(text), *Path(text).parents) if part.exists()), None)
    if existing is not None and not existing.is_dir():  # a file where the folder (or one above it) would be
        raise InvalidArgumentError(f"--plot takes a folder, but {str(existing)!r} is a file; give a new or "
                                   "existing folder for the pictures")
    require("matplotlib", "plot", "pictures")  # missing: say so now, not after the training
    return text


def cmd_digits(args) -> int:
    folder = _plot_folder(args.plot)
    report = classify_digits(args.data, hidden=args.hidden, epochs=args.epochs, seed=args.seed,
                             classes=int(args.classes))
    if args.format == "json":
        print(dumps(digits_json(report)))
    else:
        print("\n".join(report.lines()))
    if folder is not None:
        for path in report_figures(report, folder):
            print(f"wrote {path}", file=sys.stderr)
    agreed = report.agreeing == report.test_size and report.crosscheck.ok(1e-12)
    if not agreed:
        print("symnn: the numeric results do not agree with the symbolic form", file=sys.stderr)
    return EXIT_OK if agreed else EXIT_FAILURE
