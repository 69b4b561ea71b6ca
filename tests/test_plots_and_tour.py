"""Pictures render to real, non-blank PNGs; the tour writes every promised file."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import symnn
from symnn import Network

pytest.importorskip("matplotlib")

from symnn import plots  # noqa: E402
from symnn.app.classify import classify_digits, weights_image  # noqa: E402
from symnn.data import digits  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_real_picture(path: Path, min_width: int = 100):
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    import matplotlib.image

    pixels = matplotlib.image.imread(str(path))
    assert pixels.shape[1] >= min_width and pixels.shape[0] >= 50
    assert float(np.std(pixels[..., :3])) > 0.01, f"{path} is blank"


def test_each_picture_renders(tmp_path):
    report = classify_digits("lecture", show_progress=False)
    made = [
        plots.activations_figure(tmp_path / "activations.png"),
        plots.digits_figure(tmp_path / "digits.png", digits.lecture().X, [0, 1]),
        plots.weights_figure(tmp_path / "weights.png", weights_image(report)),
        plots.network_figure(tmp_path / "network.png", Network([3, 4, 1])),
        plots.training_figure(tmp_path / "training.png", report.result.history),
    ]
    for path in made:
        assert_real_picture(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made)  # no temporary files left


def test_picture_errors(tmp_path):
    with pytest.raises(symnn.SymnnError, match="PNG"):
        plots.activations_figure(tmp_path / "a.jpg")
    with pytest.raises(symnn.SymnnError, match="at most 8 units"):
        plots.network_figure(tmp_path / "n.png", Network([35, 1]))
    with pytest.raises(symnn.SymnnError, match="empty"):
        plots.training_figure(tmp_path / "t.png", [])


def run_symnn(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, timeout=600, cwd=cwd)


def test_tour_writes_every_promised_file(tmp_path):
    out = tmp_path / "out"
    result = run_symnn("tour", "--out", str(out))
    assert result.returncode == 0, result.stderr
    for heading in ["1. A single neuron", "3. The digit neuron", "6. All activations linear"]:
        assert heading in result.stdout
    assert f"files into {out}" in result.stdout
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == ["activations.png", "digit-neuron-training.png", "digit-neuron-weights.png",
                       "lecture-digits.png", "network-3-4-1.png"]
    for name in figures:
        assert_real_picture(out / "figures" / name)
    tex = sorted((out / "derivations").glob("*.tex"))
    assert len(tex) == len(symnn.catalog.names())
    if shutil.which("pdflatex"):
        for path in tex:
            assert path.with_suffix(".pdf").read_bytes().startswith(b"%PDF"), path
    index = (out / "index.md").read_text(encoding="utf-8")
    for name in figures:
        assert f"figures/{name}" in index
    assert "derivations/linear-collapse-3-4-1.tex" in index


def test_tour_into_an_unwritable_place_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_symnn("tour", "--out", str(blocker / "out"), "--no-pdf")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.startswith("symnn: failed:")


def test_activations_command_with_plot(tmp_path):
    result = run_symnn("activations", "--plot", str(tmp_path / "acts.png"))
    assert result.returncode == 0, result.stderr
    assert "relu" in result.stdout and "affine: yes" in result.stdout
    assert_real_picture(tmp_path / "acts.png")
    bad = run_symnn("activations", "--plot", str(tmp_path / "acts.gif"))
    assert bad.returncode == 2 and "PNG" in bad.stderr
