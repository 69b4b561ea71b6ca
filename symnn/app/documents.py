"""The files ``symnn derive`` writes: one .tex per catalog entry and a README index, written atomically.

Writing, ``--check`` and the golden test all call ``generate``, so what is
committed in derivations/ is exactly what the code produces.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

from symnn.app import catalog
from symnn.app.files import check_replaceable, write_bytes_atomic, write_text_atomic
from symnn.config import current
from symnn.errors import DocumentError, MissingDependency
from symnn.render.html import index_html
from symnn.progress import progress

INDEX_NAME = "README.md"
HTML_INDEX_NAME = "index.html"
PDFLATEX_INSTALL = "apt-get install texlive-latex-base texlive-latex-recommended texlive-pictures"


@dataclass(frozen=True)
class Document:
    """One generated file: its name, its text, and the title of the derivation behind it."""

    filename: str
    text: str
    title: str
    steps: int


# How each kind of file renders a derivation: a LaTeX article or an HTML page with MathML.
RENDERINGS = {"tex": lambda derivation: derivation.document(), "html": lambda derivation: derivation.html()}


def generate(names: list[str] | None = None, kinds: tuple[str, ...] = ("tex",), workers: int = 1) -> list[Document]:
    """Build, verify and render the named catalog entries (all by default) as NAME.tex and/or NAME.html;
    refuse any that do not verify.

    ``workers`` > 1 checks the entries in that many processes (checking is most of the work: about
    11 s for the catalog here, half that with two); the checks are then not remembered in this process.
    With SYMNN_DOCUMENT_CACHE naming a folder, documents this very source code has rendered before are
    read from there (see ``remembered``).
    """
    chosen = names or catalog.names()
    rendered = {name: remembered(name) for name in chosen}
    missing = [name for name in chosen if rendered[name] is None]
    # with a cache every kind is rendered (checking is the cost, not rendering), for whoever asks next
    making = tuple(RENDERINGS) if os.environ.get(CACHE_VARIABLE) else kinds
    if workers <= 1 or len(missing) <= 1:
        for name in progress(missing, total=len(missing), description="derivations"):
            rendered[name] = remember(name, _render([name], making, show_progress=False))
    else:
        # the slowest to check first, so that the processes finish together
        order = sorted(missing, key=lambda name: -CHECK_COST.get(name, 0.0))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_render_one, order, [making] * len(order))
            for name, documents in zip(order, progress(results, total=len(order), description="derivations")):
                rendered[name] = remember(name, documents)
    return [document for name in chosen for kind in kinds for document in rendered[name]
            if document.filename == f"{name}.{kind}"]


CACHE_VARIABLE = "SYMNN_DOCUMENT_CACHE"


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """A digest of every file of the symnn package and the versions of SymPy and mpmath: what a rendering
    depends on."""
    import mpmath
    import sympy

    digest = hashlib.sha256(f"{sympy.__version__} {mpmath.__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def _cache_file(name: str) -> Path | None:
    folder = os.environ.get(CACHE_VARIABLE)
    if not folder:
        return None
    settings_digest = hashlib.sha256(repr(replace(current(), progress=None)).encode()).hexdigest()[:12]
    return Path(folder) / f"{source_fingerprint()}-{settings_digest}-{name}.json"


def remembered(name: str) -> list[Document] | None:
    """The documents of ``name`` as this source code (and these settings) rendered and verified them before,
    if SYMNN_DOCUMENT_CACHE names a folder that holds them (the test suite's processes share one)."""
    path = _cache_file(name)
    if path is None or not path.is_file():
        return None
    try:
        return [Document(**fields) for fields in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):  # half a file from another process, or garbage: render anew
        return None


def remember(name: str, documents: list[Document]) -> list[Document]:
    path = _cache_file(name)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps([asdict(document) for document in documents], allow_nan=False))
    return documents


# Seconds each slow catalog entry takes to check here (the rest take well under one); for the order only
CHECK_COST = {"backprop-softmax": 4.0, "backprop-3-4-1": 1.8, "chain-rule-neuron": 1.2, "perceptron": 0.8,
              "backprop-block-form": 0.7, "softmax-cross-entropy": 0.6}


def _render_one(name: str, kinds: tuple[str, ...]) -> list[Document]:
    return _render([name], kinds, show_progress=False)  # one entry in a worker: no bar of its own


def generate_html(names: list[str] | None = None) -> list[Document]:
    """The named catalog entries (all by default) as standalone HTML pages, NAME.html."""
    return generate(names, ("html",))


def _render(names: list[str] | None, kinds: tuple[str, ...], show_progress: bool | None = None) -> list[Document]:
    documents = []
    chosen = names or catalog.names()
    for name in progress(chosen, total=len(chosen), description="derivations", enabled=show_progress):
        derivation = catalog.build(name)
        report = derivation.verify()
        if not report.ok:
            failed = report.failures[0]
            raise DocumentError(f"derivation {name!r} does not verify: step {failed.number} ({failed.step.reason})")
        for kind in kinds:
            documents.append(Document(f"{name}.{kind}", RENDERINGS[kind](derivation), derivation.title,
                                      len(derivation.steps)))
    return documents


def index(documents: list[Document]) -> Document:
    """derivations/README.md: one line per derivation."""
    lines = [
        "# Derivations",
        "",
        "Generated by `symnn derive --all --out derivations`; every step of every file is verified by symnn.",
        "Do not edit these files by hand: change the code and regenerate them.",
        "",
        "| file | derivation | steps |",
        "|---|---|---|",
    ]
    lines += [f"| [{d.filename}]({d.filename}) | {d.title} | {d.steps} |" for d in documents]
    return Document(INDEX_NAME, "\n".join(lines) + "\n", "Derivations", 0)


def html_index(documents: list[Document], title: str = "Derivations") -> Document:
    """index.html: a page linking to each HTML derivation, with its title and number of steps."""
    links = [(d.filename, d.title, f"({d.steps} steps)") for d in documents if d.filename.endswith(".html")]
    intro = "Every step of every page is verified by symnn; the math is MathML, readable offline."
    return Document(HTML_INDEX_NAME, index_html(title, intro, links), title, 0)


def write(documents: list[Document], out_dir: Path) -> list[Path]:
    """Write every document into ``out_dir``; returns the paths written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DocumentError(f"cannot create output directory {out_dir}: {error.strerror}") from None
    for document in documents:  # a read-only file among them is refused before any is written
        check_replaceable(out_dir / document.filename)
    paths = []
    for document in documents:
        path = out_dir / document.filename
        try:
            write_text_atomic(path, document.text)
        except OSError as error:
            raise DocumentError(f"cannot write {path}: {error.strerror}") from None
        paths.append(path)
    return paths


def stale(documents: list[Document], out_dir: Path) -> list[str]:
    """Names of the files in ``out_dir`` that are missing or differ from what the code generates now."""
    differing = []
    for document in documents:
        path = out_dir / document.filename
        try:
            same = path.is_file() and path.read_bytes() == document.text.encode("utf-8")
        except OSError as error:
            raise DocumentError(f"cannot read {path}: {error.strerror or error}") from None
        if not same:
            differing.append(document.filename)
    return differing


def compile_pdf(tex_path: Path) -> Path:
    """Compile ``tex_path`` with pdflatex next to it; the first LaTeX error is the message when it fails."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise MissingDependency("pdflatex", "compiling derivations to PDF", PDFLATEX_INSTALL)
    with tempfile.TemporaryDirectory() as build:
        result = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", f"-output-directory={build}", str(tex_path)],
            capture_output=True, text=True, timeout=300,
        )
        built = Path(build) / (tex_path.stem + ".pdf")
        if result.returncode != 0 or not built.exists():
            raise DocumentError(f"{tex_path.name}: {first_latex_error(result.stdout)}")
        target = tex_path.with_suffix(".pdf")
        write_bytes_atomic(target, built.read_bytes())
        too_wide = overfull_boxes(result.stdout)
    if too_wide:  # the PDF is kept for a look, but a line that runs off the page is a failure
        raise DocumentError(f"{tex_path.name}: {len(too_wide)} line(s) run off the page ({'; '.join(too_wide[:3])}); "
                            f"{target.name} was written")
    return target


def compile_pdfs(tex_paths: list[Path]) -> list[Path]:
    """compile_pdf for each file, two (or as many as there are cores) at a time; the PDFs in the same order.

    Each pdflatex runs in a build folder of its own, so they cannot collide; the first failure is raised
    once every compilation has ended.
    """
    workers = max(1, min(len(tex_paths), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(compile_pdf, path) for path in tex_paths]
    return [future.result() for future in futures]


def overfull_boxes(log: str) -> list[str]:
    """The 'Overfull \\hbox (…pt too wide) … at lines …' warnings of a LaTeX log, shortened."""
    found = []
    for line in log.splitlines():
        if line.startswith(("Overfull \\hbox", "Overfull \\vbox")):  # too wide, or too tall for the page
            found.append(line.replace("Overfull ", "").strip())
    return found


def first_latex_error(log: str) -> str:
    """The first '! …' error of a LaTeX log with its 'l.N' line number, or a fallback."""
    lines = log.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("!"):
            where = next((l.split(" ", 1)[0] for l in lines[number:number + 20] if l.startswith("l.")), "")
            return f"LaTeX error {line[1:].strip()}" + (f" at line {where[2:]}" if where else "")
    return "pdflatex failed without an error line"
