"""A network diagram in TikZ for the LaTeX derivations: units a_i^{[j]} in columns, edges labelled w_{ki}^{[j]}."""

from __future__ import annotations

from symnn.errors import InvalidArgumentError
from symnn.core.network import Network
from symnn.core.printing import SymnnLatexPrinter

MAX_UNITS = 8


def network_tikz(network: Network) -> str:
    """A ``tikzpicture`` of a small network (at most 8 units a layer); edges into unit 1 are labelled."""
    if max(network.sizes) > MAX_UNITS:
        raise InvalidArgumentError(f"the diagram draws at most {MAX_UNITS} units per layer; {network!r} has more")
    printer = SymnnLatexPrinter()
    lines = ["\\begin{tikzpicture}[x=3.2cm, y=1.25cm, unit/.style={circle, draw, minimum size=10mm, inner sep=0pt},"
             " weight/.style={fill=white, inner sep=1pt, font=\\scriptsize}]"]
    top = max(network.sizes)
    for j, size in enumerate(network.sizes):
        caption = "input" if j == 0 else f"layer {j}: {network.layer(j).activation.name.replace('_', ' ')}"
        lines.append(f"  \\node[font=\\small] at ({j}, {(top + 1) / 2 + 0.2:.2f}) {{{caption}}};")
        for i in range(1, size + 1):
            symbol = network.a(0, i) if j == 0 else network.layer(j).a_symbol(i)
            lines.append(f"  \\node[unit] (n{j}-{i}) at ({j}, {(size + 1) / 2 - i:.2f}) {{${printer.doprint(symbol)}$}};")
    for layer in network.layers:
        j = layer.index
        label_all = layer.n_in * layer.n_out <= 6
        for k in range(1, layer.n_in + 1):
            for i in range(1, layer.n_out + 1):
                label = ""
                if label_all or i == 1:
                    label = f" node[weight, pos=0.3] {{${printer.doprint(layer.weight(k, i))}$}}"
                lines.append(f"  \\draw[->, gray] (n{j - 1}-{k}) --{label} (n{j}-{i});")
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines)
