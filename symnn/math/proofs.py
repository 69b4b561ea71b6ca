"""Proofs as Derivations: the collapse of an all-affine network and the merge of affine runs.

Each proof has a block-form step that holds for every size, and, where the
network is small enough to print, the elementwise steps in the lecture's form.
"""

from __future__ import annotations

from sympy import Add, Float, Integer, MatAdd, Matrix, Mul, Rational, Sum, Symbol, ceiling

from symnn.core import notation
from symnn.core.guards import node_count
from symnn.core.network import Network
from symnn.core.printing import latex
from symnn.math.affine import block_identity
from symnn.math.derivation import Derivation
from symnn.config import current

# Elementwise steps are printed only for networks up to the proof_parameters setting
# (and proof_outputs outputs); larger ones get the block form alone.


def _affine_sentence(network: Network) -> str:
    parts = []
    for layer in network.layers:
        if layer.activation.is_vector:
            continue  # the softmax output, said in _softmax_sentence
        s, t = layer.activation.affine_coefficients
        parts.append(f"layer {layer.index}: $g(z) = {latex(layer.activation.expr)}$ "
                     f"($s = {latex(s)}$, $t = {latex(t)}$)")
    if not parts:  # one softmax layer: nothing below it
        return "The network has no hidden layer: its scores $z_i^{[1]}$ are linear in $x$ as they stand."
    which = "below the softmax output " if network.layers[-1].activation.is_vector else ""
    return (f"Every activation {which}is affine, $g(z) = s z + t$, decided from $g$ itself ($g'' = 0$): "
            + "; ".join(parts) + ".")


def _model_tex(net: Network) -> str:
    """w'·x + b' for one output, W'^T x + b' for several; without b' when the network has no biases."""
    model = "w' \\cdot x" if net.sizes[-1] == 1 else "W'^T x"
    return model + (" + b'" if net.has_bias else "")


def _softmax_sentence(net: Network) -> str:
    L = net.depth
    return (f" The output layer is softmax, $a_i^{{[{L}]}} = e^{{z_i^{{[{L}]}}}} / \\sum_m e^{{z_m^{{[{L}]}}}}$: a function "
            f"of the scores $z^{{[{L}]}}$, so it is enough that they collapse.")




def collapse_proof(result) -> Derivation:
    """f(x) = (W^{[1]}⋯W^{[L]})^T x + b' in block form, then w'_k and b' written out where affordable.

    Small networks (the proof_parameters setting) get the lecture's elementwise form: each
    unit in terms of the layer below, then every coefficient w'_k, then the linear model;
    larger ones the block form, the first coefficient written out, and where the rest are.
    ``result`` is a symnn.math.collapse.Collapse (which calls this for its ``proof``).
    """
    original, net = result.network, result.scores  # the same network unless its output is softmax
    softmax = result.link is not None
    L = net.depth
    proof = Derivation(
        f"{original!r} collapses to " + ("multinomial logistic regression" if softmax else "a linear model"),
        intro=_affine_sentence(original) + (_softmax_sentence(original) if softmax else ""),
        conclusion=(f"So the network computes one linear model ${_model_tex(net)}$: its hidden layers add nothing a "
                    "single layer could not." if not softmax else
                    f"So the network computes multinomial logistic regression, "
                    f"$a^{{[{L}]}} = \\operatorname{{softmax}}({_model_tex(net)})$: one linear layer of scores under the "
                    + ("softmax; its hidden layers add nothing a single layer could not." if L > 1 else
                       "softmax, which is what it was built as.")),
    )
    lhs, rhs = block_identity(net, symbolic=True)
    if L > 1 or not softmax:  # (one layer: z^{[1]} = W^{[1]T} x + b^{[1]} needs no multiplying out)
        proof.step(lhs, rhs, "multiply out, with $(AB)^T = B^T A^T$; this holds whatever the layer sizes "
                   "$n_0, \\ldots, n_L$ ($W^{[j]}$ is $n_{j-1} \\times n_j$)"
                   + (f": these are the scores $z^{{[{L}]}}$" if softmax else ""))
    if softmax:
        z_block = notation.matrix("z", net.block_sizes(True)[-1], 1, L)
        proof.define(notation.matrix("a", net.block_sizes(True)[-1], 1, L), result.link(z_block),
                     "the output layer: softmax of the scores")
    settings = current()
    if net.n_params > settings.proof_parameters:
        _first_entry(proof, result)
        return proof
    for layer in net.layers[:-1]:
        for i in range(1, layer.n_out + 1):
            proof.define(layer.a_symbol(i), layer.unit_a(i), f"unit {i} of layer {layer.index}")
    last = net.layers[-1]
    for i in range(1, min(result.n_outputs, settings.proof_outputs) + 1):
        output_symbol = last.z_symbol(i) if softmax else last.a_symbol(i)
        proof.define(output_symbol, last.unit_z(i) if softmax else last.unit_a(i),
                     f"{'score' if softmax else 'output'} {i}, from the "
                     + ("layer below" if L > 1 else "inputs"))
        ws, bp = result.symbols(i)
        inputs = net.inputs()
        for line in result.definitions(i):
            what = "the constant" if line.lhs == bp else f"${latex(inputs[ws.index(line.lhs)])}$"
            proof.define(line.lhs, line.rhs, f"the coefficient of {what}")
        proof.step(output_symbol, result.model(i), "substitute the layers below, multiply out and collect each $x_k$")
    if softmax:
        shown = min(result.n_outputs, settings.proof_outputs)
        for i in range(1, shown + 1):
            proof.define(last.a_symbol(i), original.layers[-1].g_of_z(i),
                         "softmax of the collapsed scores" if i == 1 else "")
    if result.n_outputs > settings.proof_outputs:
        first, last = settings.proof_outputs + 1, result.n_outputs
        which = f"Output {first} follows" if first == last else f"Outputs {first} to {last} follow"
        proof.conclusion += f" {which} the same pattern (all of $W'$ is `collapse(...).W` in Python)."
    return proof


# Past the elementwise size, the first entries of W' are written out when each has at most this many
# products (one per path through the hidden units), else in Σ form only
ENTRY_TERMS = 12
FIRST_ENTRIES = 3


def _first_entry(proof: Derivation, result) -> None:
    """Past the elementwise size: W' and b' in block form, W' with its first entries and ⋮, those entries
    in Σ form (written out and checked when short), and where the others are."""
    net = result.scores
    _collapsed_blocks(proof, net)
    names = "jmpqrsuv"
    if net.depth - 1 > len(names):
        return
    paths = 1
    for size in net.sizes[1:-1]:
        paths *= size
    shown = min(FIRST_ENTRIES, net.sizes[0])
    column = result.column(1) if paths <= ENTRY_TERMS else None
    indices = [Symbol(name, integer=True, positive=True) for name in names[:net.depth - 1]]
    scale = Mul(*[layer.activation.affine_coefficients[0] for layer in net.layers])
    for k in range(1, shown + 1):
        chain = [Integer(k), *indices, Integer(1)]
        entry = scale * Mul(*[notation.WeightAt(chain[j - 1], chain[j], j) for j in range(1, net.depth + 1)])
        for index, size in reversed(list(zip(indices, net.sizes[1:-1]))):
            entry = Sum(entry, (index, 1, size))
        name = result.symbols(1)[0][k - 1]
        proof.define(name, entry, f"entry $({k}, 1)$ of $W'$: one product per path from input {k} to output 1")
        if column is not None:
            proof.step(name, column[k - 1], "written out", same_line=True)
    entries = net.sizes[0] * net.sizes[-1]
    proof.conclusion += (f" The other {entries - shown:,} entries of $W'$ follow the same pattern; all of them are "
                         "`collapse(...).W` in Python, or in the JSON output of `symnn collapse`.")


def _collapsed_blocks(proof: Derivation, net: Network) -> None:
    """W' := W^{[1]}⋯W^{[L]} = [w'_{ki}] (first rows and columns, then ⋮ and ⋯) and b' in block form."""
    _, rhs = block_identity(net, symbolic=True)
    terms = list(rhs.args) if isinstance(rhs, MatAdd) else [rhs]
    x = notation.matrix("x", net.block_sizes(True)[0], 1)
    weighted = next(term for term in terms if term.has(x))
    product = weighted.args[0].arg  # (W^{[1]}⋯W^{[L]})^T x
    n_in, n_out = net.sizes[0], net.sizes[-1]
    w_prime = notation.matrix("Wp", n_in, n_out)
    proof.define(w_prime, product, f"the collapsed weights, a matrix of ${n_in}$ rows and ${n_out}$ column{'s' if n_out > 1 else ''}")
    proof.define(w_prime, _elided(lambda k, i: notation.w_prime(k, None if n_out == 1 else i), n_in, n_out),
                 "entry $(k, i)$ named " + ("$w'_k$" if n_out == 1 else "$w'_{ki}$"), same_line=True)
    biases = [term for term in terms if term is not weighted]
    if biases:
        proof.define(notation.matrix("bp", n_out, 1), MatAdd(*biases) if len(biases) > 1 else biases[0],
                     "the collapsed bias")


SHOWN_ROWS = 3  # rows (and columns) of a large W' printed before the ⋮ (⋯) and the last one


def _elided(entry, rows: int, cols: int) -> Matrix:
    """The matrix [entry(k, i)] with its middle rows and columns left out, textbook style."""
    def positions(n):
        return list(range(1, n + 1)) if n <= SHOWN_ROWS + 2 else [*range(1, SHOWN_ROWS + 1), None, n]
    row_positions, col_positions = positions(rows), positions(cols)
    lines = []
    for k in row_positions:
        lines.append([
            notation.dots("diagonal" if k is None and i is None else "vertical" if k is None else "horizontal")
            if k is None or i is None else entry(k, i)
            for i in col_positions
        ])
    return Matrix(lines)


def merge_proof(merged) -> Derivation:
    """Each run of affine layers as one affine map (block form), then the outputs compared where affordable.

    ``merged`` is a symnn.math.merge.Merged (which calls this for its ``proof``).
    """
    original = merged.original
    runs = [g for g in merged.groups if len(g) > 1]
    intro = (
        "Consecutive affine layers " + ", ".join("{" + ", ".join(map(str, g)) + "}" for g in runs)
        + f" merge into one linear layer each, giving {merged.network!r}." if runs
        else "No two consecutive layers are affine, so nothing merges."
    )
    proof = Derivation(f"Merging the affine runs of {original!r}", intro=intro)
    for group in runs:
        lhs, rhs = block_identity(original, symbolic=True, first=group[0], last=group[-1])
        proof.step(lhs, rhs, f"layers {group[0]} to {group[-1]} are one affine map")
    settings = current()
    if original.n_params <= settings.proof_parameters and runs:
        outputs = [(original.output(i), merged.output(i))
                   for i in range(1, min(original.sizes[-1], settings.proof_outputs) + 1)]
        if all(node_count(a, PRINTABLE_NODES) + node_count(b, PRINTABLE_NODES) < PRINTABLE_NODES for a, b in outputs):
            for before, after in outputs:
                proof.step(before, after, "the smaller network with the composed weights")
            return proof
    if runs:  # the outputs side by side would not fit a page: say how they were compared instead
        check = merged.verify()
        proof.conclusion = (f"The outputs of the two networks agree ({check.method})." if check.holds else
                            f"The outputs of the two networks DIFFER: {check.detail}.")
    return proof


PRINTABLE_NODES = 160  # both sides of an output comparison, so that it fits a line or two


def non_collapse_proof(network: Network, witness) -> Derivation:
    """Why ``network`` is not one linear model: its values at the witness's x, y, x + y and 0.

    An affine f has f(x + y) + f(0) = f(x) + f(y); the witness's exact weights and inputs
    break that identity. The four values are printed as numbers (the network's expressions
    would not fit a page), the difference to ten digits.
    """
    f = notation.network_function()
    x_s, y_s = notation.variable("x"), notation.variable("y")

    def point(letter, values) -> str:  # one math item per nonzero coordinate, so the line may break between them
        items = [f"${letter}_{{{k}}} = {latex(value)}$" for k, value in enumerate(values, start=1) if value != 0]
        return ", ".join(items) if items else "all coordinates 0"

    zero_note = "" if all(v != 0 for v in (*witness.x, *witness.y)) else " (every other coordinate 0)"
    L = network.depth
    i, m = witness.output, witness.minus
    scores = (f" Under the softmax output, $f = z_{{{i}}}^{{[{L}]}} - z_{{{m}}}^{{[{L}]}}$, the difference of two scores: "
              "softmax is unchanged when one function of $x$ is added to every score, so multinomial logistic "
              "regression means that every such difference is linear in $x$." if witness.scores else
              f" The values are those of output {witness.output}." if network.sizes[-1] > 1 else "")
    proof = Derivation(
        f"{network!r} does not collapse",
        intro=("Every affine $f$ satisfies $f(x + y) + f(0) = f(x) + f(y)$. Take the weights below and the "
               f"inputs $x$: {point('x', witness.x)}; and $y$: {point('y', witness.y)}{zero_note}." + scores),
        given=dict(witness.params),
        conclusion=("The two sides differ, so no choice of $w'$ and $b'$ makes this network a linear model: "
                    "its nonlinear activations are what give the hidden layers their power." if not witness.scores
                    else f"The two sides differ, so $z_{{{i}}}^{{[{L}]}} - z_{{{m}}}^{{[{L}]}}$ is not linear in $x$ and "
                    "no choice of $W'$ and $b'$ gives these probabilities: the network is not multinomial logistic "
                    "regression; its nonlinear hidden layers are what give it its power."),
    )
    for value, exact_value in ((f(x_s), witness.f_x), (f(y_s), witness.f_y), (f(x_s + y_s), witness.f_x_plus_y),
                               (f(Integer(0)), witness.f_zero)):
        proof.define(value, exact_value, "the difference of the two scores there" if witness.scores
                     else "the network's value there")
    difference = Add(f(x_s + y_s), f(Integer(0)), -f(x_s), -f(y_s), evaluate=False)
    # ten significant digits are within 10^-9 of the value only while it is below 1: a power of ten that grows
    # with its integer digits (8 227.75 to ten digits is within 10^-5)
    digits = len(str(int(ceiling(abs(witness.difference.evalf(30))))))
    tolerance = Rational(10) ** (digits - 9) if digits > 1 else Rational(1, 10**9)
    proof.step(difference, Float(witness.difference.evalf(30), 10), "its value, to ten digits: not 0",
               relation="approx", tolerance=tolerance, order="none")
    return proof
