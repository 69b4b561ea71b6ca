"""How wide the diagram's printed things are: a label w_{21}^{[1]}, a symbol in a circle, a unit's name.

Widths are in ems, measured from Computer Modern (pdflatex: \\footnotesize w_{21}^{[1]}
is 14.7 pt wide and 11.5 pt high; \\scriptsize "affordability" is 42.6 pt), the
face of the TikZ pictures, of the PNG (mathtext "cm") and, as Latin Modern, of the
HTML pages; the tests measure all three against these numbers.
"""

from __future__ import annotations

Parts = tuple[str, str, str]  # (letter, subscript, superscript): ("w", "21", "[1]") for w_{21}^{[1]}

LABEL_EM = 0.282  # cm: 8 pt, the labels' size (TikZ \footnotesize; the PNG and the SVG alike)
LABEL_PAD = 0.07  # cm: TikZ's inner sep of 1 pt on both sides, and a little more
LABEL_HEIGHT = 0.48  # cm: 1.43 em and the padding
LETTER_EM = {"w": 0.74, "a": 0.55, "b": 0.45, "x": 0.6}  # italic; another letter or a digit 0.5
SCRIPT_EM = {",": 0.26, "[": 0.24, "]": 0.24}  # in ems of the letter; a digit or letter 0.46
SCRIPT_GAP_EM = 0.15  # the space TeX leaves between a letter and its scripts

NAME_SIZE = 0.247  # cm: 7 pt, TikZ \scriptsize
NAME_CHAR_EM = {**dict.fromkeys("ijl'", 0.34), **dict.fromkeys("frst -", 0.46), "m": 0.96, "w": 0.84, "M": 1.05,
                "W": 1.17}  # measured in cmr7, rounded up; another lowercase letter or digit 0.64, a capital 0.86
NAME_WRAP = 1.7  # cm: a name inside a box is broken between words past this width


def symbol_parts(symbol) -> Parts:
    """(letter, subscript, superscript) as printed, e.g. ("w", "21", "[1]") for w_{21}^{[1]}.

    Two indices print without a comma while both are one character (w_{21}), with one otherwise (w_{12,3}).
    """
    info = symbol.info
    indices = [str(index) for index in info.indices]
    separator = "" if all(len(index) == 1 for index in indices) else ","
    layer = "" if info.layer is None else f"[{info.layer}]"
    return symbol.name[0], separator.join(indices), layer


def script_width(script: str) -> float:
    """The width of a subscript or superscript in ems of the letter it belongs to."""
    return sum(SCRIPT_EM.get(ch, 0.46) for ch in script)


def letter_width(letter: str) -> float:
    return sum(LETTER_EM.get(ch, 0.5) for ch in letter)


def math_width(parts: Parts) -> float:
    """The width of letter_{sub}^{sup} in ems, the scripts stacked as TeX sets them (w_{21}^{[1]}: 1.84)."""
    letter, sub, sup = parts
    scripts = max(script_width(sub), script_width(sup))
    return letter_width(letter) + (SCRIPT_GAP_EM + scripts if scripts else 0.0)


def label_size(parts: Parts) -> tuple[float, float]:
    """The white box a label such as w_{21}^{[1]} needs, in cm (0.59 × 0.48)."""
    return round(math_width(parts) * LABEL_EM + LABEL_PAD, 3), LABEL_HEIGHT


def text_width(text: str, size_cm: float) -> float:
    """The width of plain text in a roman face of height ``size_cm`` (a little generous)."""
    return size_cm * sum(NAME_CHAR_EM.get(ch, 0.86 if ch.isupper() else 0.64) for ch in text)


def wrap(name: str) -> tuple[str, ...]:
    """A name broken between words into lines no wider than NAME_WRAP (a longer word keeps its line)."""
    lines: list[str] = []
    for word in name.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", NAME_SIZE) <= NAME_WRAP:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return tuple(lines)
