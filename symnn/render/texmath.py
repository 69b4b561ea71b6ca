"""MathML for the short TeX written inside prose (``$a_k^{[i]}$`` in an intro or a reason), read by a small parser.

Titles, intros and reasons carry their math as ``$…$`` in TeX so the LaTeX
documents set it in math mode; the HTML pages show the same math as MathML.
This reads the part of TeX such sentences use (scripts, groups, ``\\frac``,
``\\text``, Greek letters, relations, ``\\sum``, spacing) and refuses anything
else by name, so no raw TeX ever reaches a page.
"""

from __future__ import annotations

from html import escape

from symnn.errors import InvalidArgumentError

_MINUS = "\u2212"
_GREEK = {name: chr(code) for name, code in [
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3F5),
    ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9), ("kappa", 0x3BA),
    ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1),
    ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3D5), ("varphi", 0x3C6), ("chi", 0x3C7),
    ("psi", 0x3C8), ("omega", 0x3C9), ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B),
    ("Xi", 0x39E), ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9)]}
_IDENTIFIERS = {**_GREEK, "infty": "\u221e", "partial": "\u2202", "ell": "\u2113", "nabla": "\u2207"}
_OPERATORS = {
    "cdot": "\u00b7", "cdots": "\u22ef", "ldots": "\u2026", "dots": "\u2026", "vdots": "\u22ee", "times": "\u00d7",
    "geq": "\u2265", "ge": "\u2265", "leq": "\u2264", "le": "\u2264", "neq": "\u2260", "ne": "\u2260",
    "approx": "\u2248", "equiv": "\u2261", "sim": "\u223c", "iff": "\u27fa", "Leftrightarrow": "\u21d4",
    "Rightarrow": "\u21d2", "implies": "\u27f9", "to": "\u2192", "rightarrow": "\u2192", "mapsto": "\u21a6",
    "in": "\u2208", "notin": "\u2209", "subset": "\u2282", "subseteq": "\u2286", "cup": "\u222a", "cap": "\u2229",
    "setminus": "\u2216", "pm": "\u00b1", "mp": "\u2213", "circ": "\u2218", "ast": "\u2217", "mid": "\u2223",
    "colon": ":", "forall": "\u2200", "exists": "\u2203", "prime": "\u2032", "top": "\u22a4", "langle": "\u27e8",
    "rangle": "\u27e9", "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "|": "\u2016", "neg": "\u00ac",
    "land": "\u2227", "lor": "\u2228", "ll": "\u226a", "gg": "\u226b", "propto": "\u221d",
    "odot": "\u2299", "oslash": "\u2298", "leftarrow": "\u2190", "gets": "\u2190", "lVert": "\u2016", "rVert": "\u2016",
    "checkmark": "\u2713",
}
_LARGE = {"sum": "\u2211", "prod": "\u220f"}
_NAMED_FUNCTIONS = {"exp", "log", "ln", "tanh", "sinh", "cosh", "sin", "cos", "tan", "max", "min", "lim", "det",
                    "arg", "sup", "inf"}
_UNDER_OVER = {"sum", "prod", "max", "min", "lim", "sup", "inf"}
_SPACES = {",": "0.1667em", ":": "0.2222em", ";": "0.2778em", " ": "0.25em", "quad": "1em", "qquad": "2em",
           "!": None, "displaystyle": None, "textstyle": None}
_TEXT = {"text", "textrm", "mathrm", "operatorname", "textit", "mathit"}
# Inside a flat row a browser takes a bracket in the middle for an infix operator and spaces it; TeX does not.
_FORMS = {"(": ' form="prefix" stretchy="false"', "[": ' form="prefix" stretchy="false"',
          ")": ' form="postfix" stretchy="false"', "]": ' form="postfix" stretchy="false"',
          "/": ' lspace="0" rspace="0"', "|": ' lspace="0" rspace="0" stretchy="false"'}
# After these a + or − is a sign (unary), not an operation between two terms.
_BEFORE_SIGN = {"(", "[", "{", ",", "=", "<", ">", ";", ":", "\\leq", "\\geq", "\\le", "\\ge", "\\neq",
                "\\approx", "\\to", "\\iff", "\\cdot", "\\times", "\\left", "^", "_"}
# TeX may break inline math after a relation, or a + or − between terms, that stands outside any brackets
# (not after a product's · or ×: w' · x stays on one line).
_BREAK_AFTER = {"=": "=", "<": "&lt;", ">": "&gt;", "+": "+", "-": _MINUS, **{
    "\\" + name: escape(_OPERATORS[name]) for name in (
        "geq", "ge", "leq", "le", "neq", "ne", "approx", "equiv", "sim", "iff", "Leftrightarrow",
        "Rightarrow", "implies", "to", "rightarrow", "mapsto", "in", "notin", "subset", "subseteq", "pm", "mp",
        "propto")}}
_OPENING = {"(", "[", "\\left", "\\{", "\\langle", "\\bigl", "\\Bigl"}
_CLOSING = {")", "]", "\\right", "\\}", "\\rangle", "\\bigr", "\\Bigr"}
_ACCENTS = {"hat": "^", "bar": "\u00af", "overline": "\u00af", "vec": "\u2192", "tilde": "~", "dot": "\u02d9"}


def _styled(text: str, style: str) -> str:
    """Letters and digits in Unicode's mathematical bold (𝐖, 𝟏) or double-struck (ℝ) alphabets."""
    special = {"R": "\u211d", "N": "\u2115", "Z": "\u2124", "Q": "\u211a", "C": "\u2102"}
    out = []
    for ch in text:
        if style == "bb" and ch in special:
            out.append(special[ch])
        elif ch.isascii() and ch.isupper():
            out.append(chr((0x1D400 if style == "bf" else 0x1D538) + ord(ch) - ord("A")))
        elif ch.isascii() and ch.islower():
            out.append(chr((0x1D41A if style == "bf" else 0x1D552) + ord(ch) - ord("a")))
        elif ch.isdigit():
            out.append(chr((0x1D7CE if style == "bf" else 0x1D7D8) + int(ch)))
        else:
            out.append(ch)
    return "".join(out)


def _tokens(tex: str) -> list[str]:
    tokens, position = [], 0
    while position < len(tex):
        ch = tex[position]
        if ch == "\\":
            end = position + 1
            while end < len(tex) and tex[end].isalpha():
                end += 1
            end = max(end, position + 2)
            tokens.append(tex[position:end])
            position = end
        elif ch.isdigit() or (ch == "." and position + 1 < len(tex) and tex[position + 1].isdigit()):
            end = position
            while end < len(tex) and (tex[end].isdigit() or tex[end] == "."):
                end += 1
            tokens.append(tex[position:end])
            position = end
        elif ch.isspace():
            if not tokens or tokens[-1] != " ":
                tokens.append(" ")  # kept for \\text{…}; math mode skips it
            position += 1
        else:
            tokens.append(ch)
            position += 1
    return tokens


class _Break:
    """A place in a formula where a line may break, after the operator ``symbol``."""

    def __init__(self, symbol: str):
        self.symbol = symbol


class _Reader:
    def __init__(self, tex: str):
        self.tex, self.tokens, self.position = tex, _tokens(tex), 0

    def error(self, what: str) -> InvalidArgumentError:
        return InvalidArgumentError(f"the math ${self.tex}$ {what}; the HTML pages read scripts, groups, \\frac, "
                                    "\\sqrt, \\text, Greek letters, relations, \\sum and spacing")

    def peek(self, spaces: bool = False) -> str | None:
        while not spaces and self.position < len(self.tokens) and self.tokens[self.position] == " ":
            self.position += 1
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, spaces: bool = False) -> str:
        token = self.peek(spaces)
        if token is None:
            raise self.error("ends too early")
        self.position += 1
        return token

    def sequence(self, closing: str | None = None) -> str:
        return "".join(self._nodes(closing, breaks=False))

    def pieces(self) -> list[str]:
        """The whole formula in pieces that end after a relation, a + or a − outside any brackets, where TeX
        may break a line of inline math; each ending operator is marked infix, so it keeps its space."""
        pieces, current = [], []
        for node in self._nodes(None, breaks=True):
            if isinstance(node, _Break):
                current.append(f'<mo form="infix">{node.symbol}</mo>')
                pieces.append("".join(current))
                current = []
            else:
                current.append(node)
        if current or not pieces:
            pieces.append("".join(current))
        return pieces

    def _nodes(self, closing: str | None, breaks: bool) -> list:
        nodes, previous, depth = [], None, 0
        while True:
            token = self.peek()
            if token is None:
                if closing is not None:
                    raise self.error(f"has no closing {closing}")
                break
            if token == closing:
                self.position += 1
                break
            if token == "}":
                raise self.error("has an unmatched }")
            depth += (token in _OPENING) - (token in _CLOSING)
            if token in "+-" and (previous is None or previous in _BEFORE_SIGN):
                # a sign, not an operation: (−1/5, −5/3), x = −1, as TeX spaces it
                self.position += 1
                nodes.append(f'<mo form="prefix">{_MINUS if token == "-" else "+"}</mo>')
            elif breaks and depth == 0 and token in _BREAK_AFTER and self._bare(token):
                self.position += 1
                nodes.append(_Break(_BREAK_AFTER[token]))
            else:
                nodes.append(self.scripted())
            previous = token
        return nodes

    def _bare(self, token: str) -> bool:
        """Whether ``token`` (the next one) stands without a script and with something after it."""
        following = self.tokens[self.position + 1:]
        rest = [t for t in following if t != " "]
        return bool(rest) and rest[0] not in ("_", "^", "'")

    def argument(self) -> str:
        if self.peek() == "{":
            self.position += 1
            return f"<mrow>{self.sequence('}')}</mrow>"
        return self.atom()

    def raw_argument(self) -> str:
        """The text of a {…} group as written (for \\text and the styled alphabets)."""
        if self.take() != "{":
            raise self.error("needs a {…} argument after a text or font command")
        depth, parts = 1, []
        while True:
            token = self.take(spaces=True)
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                return "".join(parts)
            parts.append(" " if token == "\\ " else token)

    def scripted(self) -> str:
        token = self.peek()
        large = token is not None and token[1:] in _UNDER_OVER
        base = self.atom()
        sub = sup = None
        primes = ""
        while self.peek() in ("_", "^", "'"):
            mark = self.take()
            if mark == "'":
                primes += "\u2032"
            elif mark == "_":
                sub = self.argument()
            else:
                sup = self.argument()
        if primes:  # full size and lowered, as symnn.render.mathml prints w'_1
            mark = f'<mpadded voffset="-0.45em" height="0"><mo style="font-size: inherit">{primes}</mo></mpadded>'
            sup = mark if sup is None else f"<mrow>{mark}{sup}</mrow>"
        if sub is None and sup is None:
            return base
        tags = ("munder", "mover", "munderover") if large else ("msub", "msup", "msubsup")
        if sup is None:
            return f"<{tags[0]}>{base}{sub}</{tags[0]}>"
        if sub is None:
            return f"<{tags[1]}>{base}{sup}</{tags[1]}>"
        return f"<{tags[2]}>{base}{sub}{sup}</{tags[2]}>"

    def atom(self) -> str:
        token = self.take()
        if token == "{":
            return f"<mrow>{self.sequence('}')}</mrow>"
        if token[0].isdigit() or token[0] == ".":
            return f"<mn>{token}</mn>"
        if token.isalpha():
            return f"<mi>{escape(token)}</mi>"
        if token == "-":
            return f"<mo>{_MINUS}</mo>"
        if token in ("_", "^"):
            raise self.error(f"has a {token} with nothing before it")
        if not token.startswith("\\"):
            return f"<mo{_FORMS.get(token, '')}>{escape(token)}</mo>"
        return self.command(token[1:])

    def command(self, name: str) -> str:
        if name in _IDENTIFIERS:
            return f"<mi>{_IDENTIFIERS[name]}</mi>"
        if name in _OPERATORS:
            return f"<mo>{escape(_OPERATORS[name])}</mo>"
        if name in _LARGE:
            return f"<mo>{_LARGE[name]}</mo>"
        if name in _NAMED_FUNCTIONS:
            # TeX's thin space around an operator name, except before its opening parenthesis: y log a, log(1 − a)
            after = "" if self.peek() in ("(", "\\left", "^", "_", None) else '<mspace width="0.1667em"></mspace>'
            return f'<mspace width="0.1667em"></mspace><mi>{name}</mi>{after}'

        if name in _SPACES:
            width = _SPACES[name]
            return f'<mspace width="{width}"></mspace>' if width else ""
        if name in ("frac", "dfrac", "tfrac"):
            return f"<mfrac>{self.argument()}{self.argument()}</mfrac>"
        if name == "sqrt":
            return f"<msqrt>{self.argument()}</msqrt>"
        if name in _TEXT:
            text = escape(self.raw_argument())
            if name in ("operatorname", "mathrm"):
                return f'<mi mathvariant="normal">{text}</mi>' if len(text) == 1 else f"<mi>{text}</mi>"
            return f"<mtext>{text.replace(' ', chr(0xA0))}</mtext>"  # MathML trims plain spaces at the ends
        if name in ("mathbf", "boldsymbol", "mathbb"):
            return f"<mi>{escape(_styled(self.raw_argument(), 'bb' if name == 'mathbb' else 'bf'))}</mi>"
        if name in _ACCENTS:
            return f'<mover accent="true">{self.argument()}<mo>{_ACCENTS[name]}</mo></mover>'
        if name in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"):
            fence = self.take()
            if fence == ".":
                return ""
            symbol = _OPERATORS.get(fence[1:], fence) if fence.startswith("\\") else fence
            stretchy = "true" if name in ("left", "right") else "false"
            return f'<mo stretchy="{stretchy}">{escape(symbol)}</mo>'
        raise self.error(f"uses \\{name}, which symnn does not read")


def tex_mathml(tex: str) -> str:
    """The MathML content (no ``<math>`` wrapper) of a short TeX formula.

    >>> tex_mathml("x_1^{[0]}")
    '<msubsup><mi>x</mi><mn>1</mn><mrow><mo form="prefix" stretchy="false">[</mo><mn>0</mn><mo form="postfix" stretchy="false">]</mo></mrow></msubsup>'
    """
    reader = _Reader(tex)
    content = reader.sequence()
    if reader.peek() is not None:
        raise reader.error(f"has an unmatched {reader.peek()}")
    return content


def tex_mathml_pieces(tex: str) -> list[str]:
    """The MathML content of a short TeX formula in the pieces a line may break between, as TeX breaks inline
    math: after a relation, a + or a − outside brackets (the operator ends its piece).

    >>> tex_mathml_pieces("a = b + c")
    ['<mi>a</mi><mo form="infix">=</mo>', '<mi>b</mi><mo form="infix">+</mo>', '<mi>c</mi>']
    """
    reader = _Reader(tex)
    pieces = reader.pieces()
    if reader.peek() is not None:
        raise reader.error(f"has an unmatched {reader.peek()}")
    return pieces
