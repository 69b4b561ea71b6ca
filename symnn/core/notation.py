"""Every name in symnn: the lecture's symbols x, a, w, b, z, w', b' and how they print.

Symbol names are plain Python identifiers (so lambdify stays clean); the
lecture's forms come from the printing methods here:

=========  ==============  ===================  ===========
symbol     name            ``str``              LaTeX
=========  ==============  ===================  ===========
x_k        ``x_1``         ``x1``               ``x_{1}``
a_i^[j]    ``a_3_L0``      ``a3[0]``            ``a_{3}^{[0]}``
w_ki^[j]   ``w_2_1_L1``    ``w21[1]``           ``w_{21}^{[1]}``
w_ki^[j]   ``w_12_3_L1``   ``w12,3[1]``         ``w_{12,3}^{[1]}``
b_i^[j]    ``b_1_L2``      ``b1[2]``            ``b_{1}^{[2]}``
z_i^[j]    ``z_1_L1``      ``z1[1]``            ``z_{1}^{[1]}``
w'_k       ``wp_1``        ``w'1``              ``w'_{1}``
b'         ``bp``          ``b'``               ``b'``
=========  ==============  ===================  ===========

Two indices print without a comma while each is one character, with one
otherwise. A layer or index may also be a label such as ``"j"`` or ``"k"``
(the lecture's general formulas). An input or unit may carry a name; the name
then replaces the index when printed (``x_{\\text{price}}``, ``x_price``).
"""

from __future__ import annotations

import re
from typing import NamedTuple, Union

from sympy import Function, Integer, MatrixSymbol, S, Symbol
from sympy.printing.pretty.pretty_symbology import sub as _UNICODE_SUB
from sympy.printing.pretty.pretty_symbology import sup as _UNICODE_SUP
from sympy.printing.pretty.stringpict import prettyForm

from symnn.errors import InvalidNamesError

Index = Union[int, str]

# Printing order inside sums and products: weights, then biases, then the
# quantities they multiply — the order the lecture writes ``w_{11} a_1 + ... + b_1``.
_ROLE_RANK = {"w": 0, "wp": 0, "b": 1, "bp": 1, "x": 2, "a": 2, "z": 2, "delta": 2, "y": 3}
_ROLE_LETTER = {"w": "w", "wp": "w'", "b": "b", "bp": "b'", "x": "x", "a": "a", "z": "z", "delta": "δ", "y": "y"}
# letters that are not their own LaTeX (the backprop error δ)
_LATEX_LETTER = {"delta": r"\delta"}

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9 '\-]*$")
NAME_MAX_LENGTH = 40
_LABEL_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]*([+-][1-9][0-9]*)?$")  # k, j, j+1, j-1


class SymbolInfo(NamedTuple):
    """What a notation symbol stands for; two equal infos give the identical symbol."""

    role: str
    indices: tuple
    layer: Index | None
    name: str | None


def check_name(name: str) -> str:
    """Return ``name`` if it is allowed as an input or unit name, else raise InvalidNamesError."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or len(name) > NAME_MAX_LENGTH:
        raise InvalidNamesError(
            f"name {name!r} is not allowed: use 1 to {NAME_MAX_LENGTH} characters, a letter first, "
            "then letters, digits, spaces, hyphens or apostrophes"
        )
    return name


def _optional_name(name: str | None) -> str | None:
    return None if name is None else check_name(name)


def identifier_part(name: str) -> str:
    """The identifier fragment a person's name becomes inside a symbol name (``shipping cost`` → ``shipping_cost``)."""
    return re.sub(r"[ '\-]+", "_", check_name(name)).strip("_")


def _check_index(value: Index, what: str) -> Index:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidNamesError(f"{what} must be a positive integer or a label such as 'k', not {value!r}")
    if isinstance(value, int) and value < 0:
        raise InvalidNamesError(f"{what} must be a non-negative integer or a label, not {value}")
    if isinstance(value, str) and not _LABEL_PATTERN.match(value):
        raise InvalidNamesError(f"{what} label {value!r} must be letters and digits, a letter first, "
                                f"optionally followed by + or - a number (j+1)")
    return value


class NotationSymbol(Symbol):
    """A SymPy Symbol that knows which x, a, w, b, z, w' or b' it is, and prints in the lecture's notation."""

    __slots__ = ("info",)

    def __new__(cls, name: str, info: SymbolInfo, **assumptions):
        cls._sanitize(assumptions, cls)
        obj = Symbol.__xnew__(cls, name, **assumptions)
        obj.info = info
        return obj

    def __getnewargs_ex__(self):
        return ((self.name, self.info), self._assumptions_orig)

    def _hashable_content(self):
        return Symbol._hashable_content(self) + (self.info,)

    def sort_key(self, order=None):
        # Printers order the factors of a product and the terms of a sum by
        # this key, so ``w_{11} a_1 + w_{21} a_2 + b_1`` prints in the lecture's
        # order rather than alphabetically.
        return _lecture_sort_key(self.info.role, _order_string(self.info))

    def _latex(self, printer) -> str:
        return _format(self.info, "latex")

    def _sympystr(self, printer) -> str:
        return _format(self.info, "str")

    def _pretty(self, printer):
        style = "unicode" if printer._use_unicode else "str"
        return prettyForm(_format(self.info, style))


_SYMBOL_CACHE: dict[SymbolInfo, NotationSymbol] = {}


def _make(info: SymbolInfo) -> NotationSymbol:
    found = _SYMBOL_CACHE.get(info)
    if found is None:
        found = _new_symbol(_identifier(info), info)
        _SYMBOL_CACHE[info] = found
    return found


def _new_symbol(name: str, info: SymbolInfo) -> NotationSymbol:
    return NotationSymbol(name, info, real=True)


def _identifier(info: SymbolInfo) -> str:
    # lambdify names a function's arguments by ``str(symbol)`` and its body by
    # the symbol's name: so wherever the text form is itself an identifier
    # (x1, x_price) the name must be exactly that text form.
    if info.role == "x":
        return _format(info, "str")
    if info.name is not None:
        parts = [info.role, identifier_part(info.name)]
    else:
        parts = [info.role, *(str(i) for i in info.indices)]
    if info.layer is not None:
        parts.append(f"L{info.layer}")
    return "_".join(parts)


def _lecture_sort_key(role: str, order_string: str):
    # Biases get a class rank above sums and functions, so the bias is the last
    # term of ``Σ_k w_{k1} a_k + b_1`` as well as of the elementwise sum.
    # Inputs and activations rank after sums of weights too, so a collected
    # coefficient prints first: (w_{11} w_{11} + …) x_1, as w'_1 x_1.
    if role in ("b", "bp"):
        class_key = (6, 0, "Bias")
    elif role in ("x", "a", "z", "delta", "y"):
        class_key = (5, 1, "Quantity")  # after Σ (5, 0): Σ_i (Σ_j w_{ij} w_{j1}) x_i
    else:
        class_key = (2, 0, "NotationSymbol")
    return class_key, (1, (order_string,)), S.One.sort_key(), S.One


def _order_string(info: SymbolInfo) -> str:
    def key(value):
        return f"{value:08d}" if isinstance(value, int) else f"~{value}"

    layer = "" if info.layer is None else key(info.layer)
    # weights: by layer, then unit i, then input k (indices are stored as (k, i))
    indices = tuple(reversed(info.indices)) if info.role == "w" else info.indices
    return "|".join([str(_ROLE_RANK[info.role]), layer, *(key(i) for i in indices), info.role])


def _format(info: SymbolInfo, style: str) -> str:
    """Print a symbol's info as ``latex``, ``str`` or ``unicode``."""
    return format_parts(info.role, [str(i) for i in info.indices], info.layer, info.name, style)


def format_parts(role: str, indices: list[str], layer, name: str | None, style: str) -> str:
    """Print a notation symbol from already-printed index strings; used by symbols and Σ-form terms."""
    letter = _ROLE_LETTER[role]
    layer_text = None if layer is None else str(layer)
    if name is not None:
        sub = rf"\text{{{name}}}" if style == "latex" else name.replace(" ", "_")
    else:
        separator = "" if all(len(i) == 1 for i in indices) else ","
        sub = separator.join(indices)
    if style == "latex":
        text = _LATEX_LETTER.get(role, letter) + (f"_{{{sub}}}" if sub else "")
        return text + (f"^{{[{layer_text}]}}" if layer_text is not None else "")
    if style == "unicode" and name is None:
        # Unicode has sub- and superscripts for digits and a few letters only;
        # whatever has none keeps the plain form.
        scripted = [_to_script(i, _UNICODE_SUB) for i in indices]
        sub_u = separator.join(scripted) if None not in scripted else sub
        if layer_text is None:
            return letter + sub_u
        sup_u = _to_script(f"({layer_text})", _UNICODE_SUP)
        return letter + sub_u + (sup_u if sup_u is not None else f"[{layer_text}]")
    joiner = "_" if name is not None else ""
    text = letter + (joiner + sub if sub else "")
    return text + (f"[{layer_text}]" if layer_text is not None else "")


def _to_script(text: str, table: dict) -> str | None:
    out = []
    for ch in text:
        mapped = table.get(ch)
        if mapped is None:
            return None
        out.append(mapped)
    return "".join(out)


# --- factories: the only place symbols are made -----------------------------

def x(k: Index, name: str | None = None) -> NotationSymbol:
    """Input ``x_k`` (the same quantity as ``a_k^{[0]}``), optionally named (``price``)."""
    return _make(SymbolInfo("x", (_check_index(k, "input index k"),), None, _optional_name(name)))


def a(i: Index, layer: Index, name: str | None = None) -> NotationSymbol:
    """Activation ``a_i^{[j]}`` of unit i in layer j."""
    return _make(SymbolInfo("a", (_check_index(i, "unit index i"),), _check_index(layer, "layer"),
                            _optional_name(name)))


def z(i: Index, layer: Index, name: str | None = None) -> NotationSymbol:
    """Pre-activation ``z_i^{[j]}`` of unit i in layer j."""
    return _make(SymbolInfo("z", (_check_index(i, "unit index i"),), _check_index(layer, "layer"),
                            _optional_name(name)))


def w(k: Index, i: Index, layer: Index) -> NotationSymbol:
    """Weight ``w_{ki}^{[j]}`` from unit k of layer j−1 to unit i of layer j."""
    return _make(SymbolInfo("w", (_check_index(k, "input index k"), _check_index(i, "unit index i")),
                            _check_index(layer, "layer"), None))


def scratch_w(k: int, i: int, layer: int) -> NotationSymbol:
    """A weight symbol made outside the symbol cache, for self-checks that must leave nothing behind."""
    return _new_symbol(f"w_{k}_{i}_L{layer}", SymbolInfo("w", (k, i), layer, None))


def weight_grid(n_in: int, n_out: int, layer: Index) -> list[list[NotationSymbol]]:
    """All of W^{[j]}: rows k = 1..n_in, columns i = 1..n_out (checked once, made in bulk for big layers)."""
    _check_index(layer, "layer")
    for count in (n_in, n_out):
        _check_index(count, "layer size")
    cache, grid = _SYMBOL_CACHE, []
    for k in range(1, n_in + 1):
        row = []
        for i in range(1, n_out + 1):
            info = SymbolInfo("w", (k, i), layer, None)
            symbol = cache.get(info)
            if symbol is None:
                symbol = cache[info] = _new_symbol(f"w_{k}_{i}_L{layer}", info)
            row.append(symbol)
        grid.append(row)
    return grid


def b(i: Index, layer: Index) -> NotationSymbol:
    """Bias ``b_i^{[j]}`` of unit i in layer j."""
    return _make(SymbolInfo("b", (_check_index(i, "unit index i"),), _check_index(layer, "layer"), None))


def delta(i: Index, layer: Index) -> NotationSymbol:
    """The error ``δ_i^{[j]}`` = ∂L/∂z_i^{[j]} of unit i in layer j, as backpropagation passes it down."""
    return _make(SymbolInfo("delta", (_check_index(i, "unit index i"),), _check_index(layer, "layer"), None))


def y(i: Index | None = None) -> NotationSymbol:
    """The target ``y`` of a one-output network; ``y_i`` for output i of several."""
    return _make(SymbolInfo("y", () if i is None else (_check_index(i, "output index i"),), None, None))


def w_prime(k: Index, i: Index | None = None) -> NotationSymbol:
    """Weight ``w'_k`` of a collapsed (all-linear) network; ``w'_{ki}`` for output i of several."""
    indices = (_check_index(k, "input index k"),) + (() if i is None else (_check_index(i, "output index i"),))
    return _make(SymbolInfo("wp", indices, None, None))


def b_prime(i: Index | None = None) -> NotationSymbol:
    """Bias ``b'`` of a collapsed network; ``b'_i`` for output i of several."""
    return _make(SymbolInfo("bp", () if i is None else (_check_index(i, "output index i"),), None, None))


# --- the Σ form: terms whose indices may be summation variables --------------

def _as_python_index(value):
    if isinstance(value, Integer):
        return int(value)
    return value.name


class _IndexedTerm(Function):
    """A notation term whose indices may be SymPy symbols (``w_{k1}^{[j]}`` under Σ_k).

    With integer indices it evaluates to the ordinary NotationSymbol, so
    ``Sum(...).doit()`` yields the elementwise form.
    """

    role = ""
    has_layer = True
    _diff_wrt = True  # ∂L/∂w_{ki}^{[j]} may be written for symbolic k, i (backpropagation's rules)

    @classmethod
    def eval(cls, *args):
        indices = args[:-1] if cls.has_layer else args
        if all(isinstance(i, Integer) for i in indices) and all(
            isinstance(v, (Integer, Symbol)) for v in args
        ):
            layer = _as_python_index(args[-1]) if cls.has_layer else None
            return _make(SymbolInfo(cls.role, tuple(int(i) for i in indices), layer, None))
        return None

    def sort_key(self, order=None):
        indices, layer = self._parts()
        # same order as the elementwise symbols: weights, biases, then inputs/activations
        index_key = "|".join(reversed(indices)) if self.role == "w" else "|".join(indices)
        return _lecture_sort_key(self.role, f"{_ROLE_RANK[self.role]}|{layer}|{index_key}")

    def _parts(self):
        args = self.args
        indices = args[:-1] if self.has_layer else args
        layer = str(args[-1]) if self.has_layer else None
        return [str(i) for i in indices], layer

    def _latex(self, printer) -> str:
        indices, layer = self._parts()
        return format_parts(self.role, indices, layer, None, "latex")

    def _sympystr(self, printer) -> str:
        indices, layer = self._parts()
        return format_parts(self.role, indices, layer, None, "str")

    def _pretty(self, printer):
        indices, layer = self._parts()
        return prettyForm(format_parts(self.role, indices, layer, None, "unicode" if printer._use_unicode else "str"))


class WeightAt(_IndexedTerm):
    """``w_{ki}^{[j]}`` with k, i, j integers or SymPy symbols; arguments (k, i, j)."""

    role = "w"
    nargs = 3


class BiasAt(_IndexedTerm):
    """``b_i^{[j]}``; arguments (i, j)."""

    role = "b"
    nargs = 2


class ActivationAt(_IndexedTerm):
    """``a_k^{[j]}``; arguments (k, j)."""

    role = "a"
    nargs = 2


class PreActivationAt(_IndexedTerm):
    """``z_m^{[j]}`` under Σ_m (softmax's denominator); arguments (m, j)."""

    role = "z"
    nargs = 2


class DeltaAt(_IndexedTerm):
    """``δ_m^{[j]}`` under Σ_m; arguments (m, j)."""

    role = "delta"
    nargs = 2


class InputAt(_IndexedTerm):
    """``x_k``; argument (k,)."""

    role = "x"
    nargs = 1
    has_layer = False


# --- the block form: matrices of any size -------------------------------------

# "w": a unit's weight vector w_i^{[j]} (column i of W^{[j]}), or w^{[j]} of a one-unit layer; "X": the
# inputs as one vector, as the lecture writes it in w_1^{[1]} · X
_MATRIX_LETTER = {"W": "W", "Wp": "W'", "b": "b", "bp": "b'", "a": "a", "z": "z", "x": "x", "w": "w", "X": "X",
                  "delta": "δ", "y": "y", "A": "A", "Delta": "Δ"}


class NotationMatrix(MatrixSymbol):
    """``W^{[j]}``, ``b^{[j]}``, ``a^{[j]}``, ``z^{[j]}``, ``x``, ``W'``, ``b'`` as MatrixSymbols of any size."""

    def _parts(self):
        name = str(self.args[0])
        role, _, layer = name.partition("_L")
        role = role.partition("_U")[0]
        return _MATRIX_LETTER[role], (layer or None)

    @property
    def unit(self) -> str | None:
        """The unit index of a weight vector w_i^{[j]}, else None."""
        return str(self.args[0]).partition("_L")[0].partition("_U")[2] or None

    def _latex(self, printer) -> str:
        letter, layer = self._parts()
        unit = f"_{{{self.unit}}}" if self.unit else ""
        letter = self.latex_letter
        return letter + unit + (f"^{{[{layer}]}}" if layer else "")

    def _sympystr(self, printer) -> str:
        letter, layer = self._parts()
        return letter + (self.unit or "") + (f"[{layer}]" if layer else "")

    def _pretty(self, printer):
        letter, layer = self._parts()
        if layer and printer._use_unicode:
            script = _to_script(f"({layer})", _UNICODE_SUP)
            if script is not None:
                return prettyForm(letter + script)
        return prettyForm(self._sympystr(printer))

    @property
    def letter(self) -> str:
        """The printed letter: ``W``, ``W'``, ``b``, ``a``, ``z``, ``x``, ``δ`` or ``y``."""
        return self._parts()[0]

    @property
    def latex_letter(self) -> str:
        """The letter as LaTeX: ``\\delta`` for δ, else the letter itself."""
        return {"δ": r"\delta", "Δ": r"\Delta"}.get(self.letter, self.letter)

    @property
    def layer(self) -> str | None:
        return self._parts()[1]


def matrix(role: str, rows, cols, layer: Index | None = None, unit: Index | None = None) -> NotationMatrix:
    """The block-form matrix ``role_{unit}^{[layer]}`` of shape rows × cols (sizes may be SymPy symbols)."""
    if role not in _MATRIX_LETTER:
        raise InvalidNamesError(f"unknown matrix role {role!r}; allowed: {', '.join(_MATRIX_LETTER)}")
    name = role + ("" if unit is None else f"_U{_check_index(unit, 'unit')}")
    name += "" if layer is None else f"_L{_check_index(layer, 'layer')}"
    return NotationMatrix(name, rows, cols)


class TextLabel(Symbol):
    """A word standing for a quantity, printed upright: the lecture's \\text{Output}."""

    def _latex(self, printer) -> str:
        return f"\\text{{{self.name}}}"


class Dots(Symbol):
    """The ⋮, ⋯ or ⋱ standing for the entries a matrix leaves out, as in a textbook's W' = [w'_1; w'_2; ⋮]."""

    _GLYPHS = {"vertical": ("\\vdots", "⋮"), "horizontal": ("\\cdots", "⋯"), "diagonal": ("\\ddots", "⋱")}

    def _latex(self, printer) -> str:
        return self._GLYPHS[self.name][0]

    def _sympystr(self, printer) -> str:
        return "..."

    def _pretty(self, printer):
        return prettyForm(self._GLYPHS[self.name][1] if printer._use_unicode else "...")

    def _mathml_presentation(self, printer):
        element = printer.dom.createElement("mo")
        element.appendChild(printer.dom.createTextNode(self._GLYPHS[self.name][1]))
        return element


def dots(direction: str) -> Dots:
    """⋮ (``"vertical"``), ⋯ (``"horizontal"``) or ⋱ (``"diagonal"``) for the left-out entries of a matrix."""
    if direction not in Dots._GLYPHS:
        raise InvalidNamesError(f"unknown dots {direction!r}; allowed: {', '.join(Dots._GLYPHS)}")
    return Dots(direction)


def label(word: str) -> TextLabel:
    """``\\text{Output}`` as a symbol, for lines such as Output = a_1^{[2]} = …."""
    return TextLabel(check_name(word))


class OutputWeightAt(_IndexedTerm):
    """``w_j^{[L]}``: weight j into the only unit of a one-unit layer, as the lecture writes it (= w_{j1}^{[L]})."""

    role = "w"
    nargs = 2

    @classmethod
    def eval(cls, k, layer):
        if isinstance(k, Integer) and isinstance(layer, (Integer, Symbol)):
            return _make(SymbolInfo("w", (int(k), 1), _as_python_index(layer), None))
        return None


def variable(name: str) -> Symbol:
    """A plain real variable of a derivation, such as θ (``"theta"``), β_1 (``"beta_1"``) or p."""
    return Symbol(name, real=True)


def network_function(name: str = "f"):
    """The undefined function f of f(x), for statements about what a network computes."""
    return Function(name)


def activation_variable(name: str = "z") -> Symbol:
    """The plain real variable an activation g is written in (``g(z)``)."""
    return Symbol(name, real=True)


def layer_value(layer: Index):
    """A layer index as a SymPy value for the Σ and block forms: 2 → Integer(2), "j" → Symbol j."""
    _check_index(layer, "layer")
    return Integer(layer) if isinstance(layer, int) else Symbol(layer, integer=True, nonnegative=True)


def size(j: Index) -> Symbol:
    """The symbolic size n_j of layer j, for block-form identities that hold for every size."""
    return Symbol(f"n_{_check_index(j, 'layer')}", integer=True, positive=True)
