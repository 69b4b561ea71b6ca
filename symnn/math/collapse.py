"""Collapse of all-affine networks to one linear model w'·x + b', with proof, and why others do not collapse.

With affine g^{[j]}(z) = s_j z + t_j the network is
f(x) = (A_1 ⋯ A_L)^T x + Σ_j (A_{j+1} ⋯ A_L)^T c_j — the lecture's "Linear model!"
(see symnn.math.affine). Under a softmax output the same holds for the scores z^{[L]}: an
all-linear network with a softmax output is multinomial logistic regression softmax(W'^T x + b').
For any other network ``collapse`` raises NotCollapsible with an exact counterexample
(symnn.math.witness), of the scores z^{[L]} under a softmax output.
"""

from __future__ import annotations

from functools import cached_property

from sympy import Add, Eq, Expr, Matrix, MatrixExpr, Mul, S

from symnn.core import notation
from symnn.core.network import Network
from symnn.core.printing import Shows
from symnn.errors import InvalidArgumentError, NotCollapsible
from symnn.math import exact
from symnn.math.affine import Composition, block_identity, require_affine
from symnn.math.derivation import Derivation
from symnn.math.equality import Check, check_equal
from symnn.math.proofs import collapse_proof
from symnn.math.witness import Witness, find_witness, score_difference_witness
from symnn.config import Progress, current

__all__ = ["Collapse", "NotCollapsible", "Witness", "block_identity", "collapse", "find_witness"]


def scores_network(network: Network) -> Network:
    """The network with its softmax output layer made linear: its outputs are the scores z^{[L]}."""
    activations = [*network.activations[:-1], "linear"]
    names = {layer.index: layer.unit_names for layer in network.layers if layer.unit_names}
    return Network(network.sizes, activation=activations, bias=network.has_bias, input_names=network.input_names,
                   unit_names=names or None)


class Collapse(Shows):
    """An all-affine network as one linear model: f(x) = W'^T x + b'; under a softmax output the scores
    z^{[L]} = W'^T x + b' and f(x) = softmax(W'^T x + b'), multinomial logistic regression.

    W' is built column by column on demand: ``weights`` and ``definitions(i)`` need
    only output i's n_0 entries.
    """

    def __init__(self, network: Network, progress: Progress | None = None):
        self.network = network
        last = network.layers[-1].activation
        self.link = last if last.is_vector else None  # softmax, applied to the collapsed scores
        self.scores = scores_network(network) if self.link is not None else network
        self._composition = Composition(list(self.scores.layers), progress)
        self._bias = self._composition.bias

    @property
    def n_outputs(self) -> int:
        return self.network.sizes[-1]

    def _check_output(self, i) -> int:
        if isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= self.n_outputs:
            raise InvalidArgumentError(f"output index i must be an integer from 1 to {self.n_outputs}, not {i!r}")
        return i

    def column(self, i: int = 1) -> list[Expr]:
        """w'_{1i}, …, w'_{n_0 i}: the weights of output i, written in the network's weights."""
        return self._composition.column(self._check_output(i))

    @property
    def built_outputs(self) -> tuple[int, ...]:
        """The outputs whose w' have been built so far (W' is built column by column, on demand)."""
        return self._composition.built_columns

    @property
    def W(self) -> Matrix:
        """W' = W^{[1]} W^{[2]} ⋯ W^{[L]} (times the activations' scales), n_0 × n_L."""
        return Matrix(self._composition.matrix())

    @property
    def b(self) -> Matrix | None:
        """b' as an n_L × 1 column, or None when it is identically zero (a bias-free linear network)."""
        if all(entry == 0 for entry in self._bias):
            return None
        return Matrix(self._bias)

    def _require_one_output(self, what: str) -> None:
        if self.n_outputs != 1:
            raise InvalidArgumentError(f"the network has {self.n_outputs} outputs: use .W and .b "
                                       f"(or .column(i)) instead of .{what}")

    @property
    def weights(self) -> list[Expr]:
        """w'_1, …, w'_{n_0} for a one-output network, in input order."""
        self._require_one_output("weights")
        return self.column(1)

    @property
    def bias(self) -> Expr | None:
        """b' for a one-output network, or None when it is identically zero."""
        self._require_one_output("bias")
        return None if self.b is None else self._bias[0]

    def symbols(self, output: int = 1) -> tuple[list, Expr | None]:
        """The names w'_k (w'_{ki} with several outputs) and b' of the collapsed model."""
        several = self.n_outputs > 1
        ws = [notation.w_prime(k, output if several else None) for k in range(1, self.network.sizes[0] + 1)]
        bp = None if self.b is None else notation.b_prime(output if several else None)
        return ws, bp

    def model(self, output: int = 1) -> Expr:
        """The linear model in its own names: w'_1 x_1 + … + w'_n x_n + b' (under softmax: score z_i^{[L]})."""
        ws, bp = self.symbols(self._check_output(output))
        terms = [Mul(w, x) for w, x in zip(ws, self.network.inputs())]
        return Add(*terms, bp if bp is not None else S.Zero)

    def explicit_model(self, output: int = 1) -> Expr:
        """The linear model with w' and b' written out in the network's weights."""
        column = self.column(output)
        return Add(*[Mul(w, x) for w, x in zip(column, self.network.inputs())], self._bias[output - 1])

    def output_model(self, output: int = 1) -> Expr:
        """The network's output i in the collapsed names: the linear model, or e^{z'_i} / Σ_m e^{z'_m} under softmax."""
        if self.link is None:
            return self.model(output)
        self._check_output(output)
        return self.link.unit(output, [self.model(i) for i in range(1, self.n_outputs + 1)])

    def definitions(self, output: int = 1) -> list[Eq]:
        """w'_k = …, b' = … as equations."""
        ws, bp = self.symbols(self._check_output(output))
        lines = [Eq(w, entry, evaluate=False) for w, entry in zip(ws, self.column(output))]
        if bp is not None:
            lines.append(Eq(bp, self._bias[output - 1], evaluate=False))
        return lines

    def block_identity(self, symbolic: bool = True) -> tuple[MatrixExpr, MatrixExpr]:
        """(lhs, rhs): the layers nested in block form, and (W^{[1]}⋯W^{[L]})^T x + b' in block form (of the
        scores z^{[L]} under a softmax output)."""
        return block_identity(self.scores, symbolic)

    def verify(self, seed: int = 0, points: int = 3) -> Check:
        """Network output − (w'·x + b') is 0: symbolically where affordable, else exactly at random rational points.

        Under a softmax output the scores z^{[L]} are compared (softmax is the same function of them
        on both sides), then the outputs themselves at random rational points."""
        scores = self._verify_scores(seed, points)
        if not scores.holds or self.link is None:
            return scores

        def collapsed(values: dict, x: list) -> list:
            model = self.explicit_models(values, x)
            return self.link.column(model)

        outputs = exact.agrees_at_points(self.network, collapsed, seed, points)
        if not outputs.holds:
            return outputs
        return Check(True, f"scores: {scores.method}; outputs under softmax: {outputs.method}")

    def explicit_models(self, values: dict, x: list) -> list[Expr]:
        """The scores W'^T x + b' at exact parameter ``values`` and inputs ``x``."""
        matrix = self._composition.matrix()
        return [Add(*[Mul(row[i].xreplace(values), xk) for row, xk in zip(matrix, x)], bias.xreplace(values))
                for i, bias in enumerate(self._bias)]

    def _verify_scores(self, seed: int, points: int) -> Check:
        net = self.scores
        if net.n_params <= current().symbolic_verify_parameters:
            for i in range(1, self.n_outputs + 1):
                check = check_equal(net.output(i), self.explicit_model(i), seed=seed)
                if not check.holds:
                    return check
            return Check(True, "symbolic expansion of the network output")
        return self._verify_at_points(seed, points)

    def _verify_at_points(self, seed: int, points: int) -> Check:
        matrix = self._composition.matrix()

        def model_modulo_prime(values: dict, x: list) -> list | None:
            entries = [[exact.modular_value(entry, values) for entry in row] for row in matrix]
            biases = [exact.modular_value(bias, values) for bias in self._bias]
            if any(v is None for row in entries for v in row) or any(v is None for v in biases):
                return None
            return [(sum(row[i] * xk for row, xk in zip(entries, x)) + bias) % exact.PRIME
                    for i, bias in enumerate(biases)]

        # W' and b' are polynomials in the weights when every g has rational coefficients: test the
        # identity modulo a prime (fast, and far stronger than a few small rationals); else at rationals
        modular = exact.agrees_modulo_prime(self.scores, model_modulo_prime, seed, points)
        if modular is not None:
            return modular

        def model(values: dict, x: list) -> list:
            fractions = exact.as_fractions(values)

            def value(expr):
                found = exact.rational_value(expr, fractions)  # fast, when g's coefficients are rational
                return found if found is not None else expr.xreplace(values)

            return [Add(*[Mul(value(row[i]), xk) for row, xk in zip(matrix, x)], value(bias))
                    for i, bias in enumerate(self._bias)]

        return exact.agrees_at_points(self.scores, model, seed, points)

    @cached_property
    def proof(self) -> Derivation:
        """The collapse as a checked derivation: block form for every size, elementwise where it fits."""
        return collapse_proof(self)

    def display_pairs(self) -> list[tuple]:
        """w′ and b′ of each output (the first proof_outputs of them), then each score z_i = w′·x + b′_i and
        its softmax under a softmax output."""
        shown = range(1, min(self.n_outputs, current().proof_outputs) + 1)
        pairs = [(line.lhs, line.rhs) for i in shown for line in self.definitions(i)]
        if self.link is not None:
            last = self.network.layers[-1]
            pairs += [(last.z_symbol(i), self.model(i)) for i in shown]
            pairs += [(last.a_symbol(i), last.g_of_z(i)) for i in shown]
        return pairs

    def __repr__(self) -> str:
        model = "linear model" if self.link is None else "softmax of a linear model"
        return f"Collapse({self.network!r} → {model} in {self.network.sizes[0]} inputs)"


def collapse(network: Network, progress: Progress | None = None) -> Collapse:
    """Collapse an all-affine network to f(x) = w'·x + b'; raise NotCollapsible with a witness otherwise.

    A softmax output layer is kept as the link of the collapsed scores: softmax(W'^T x + b').

    >>> from symnn import Network
    >>> result = collapse(Network([3, 4, 1], activation="linear", bias=False))
    >>> result.weights[0]
    w11[1]*w11[2] + w12[1]*w21[2] + w13[1]*w31[2] + w14[1]*w41[2]
    """
    if not isinstance(network, Network):
        raise InvalidArgumentError(f"collapse() takes a symnn Network, not {type(network).__name__}")
    if progress is not None and not callable(progress):
        raise InvalidArgumentError(f"progress must be a callable (iterable, total, description) or None, not {progress!r}")
    if not network.layers[-1].activation.is_vector:
        try:
            require_affine(network.layers)
        except NotCollapsible as error:
            raise NotCollapsible(str(error), find_witness(network)) from None
        return Collapse(network, progress)
    scores = scores_network(network)
    try:
        require_affine(network.layers[:-1])
    except NotCollapsible as error:
        witness = score_difference_witness(scores, find_witness(scores))
        message = (str(error).replace("so the network is not one linear model", f"so the differences of the scores "
                                      f"z^[{network.depth}] under the softmax are not linear in x") +
                   " (the network is not multinomial logistic regression)")
        raise NotCollapsible(message, witness) from None
    return Collapse(network, progress)
