"""Pictures render to real, non-blank PNGs; the tour writes every promised file."""

import shutil
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


def test_picture_errors_name_the_value_and_what_is_allowed(tmp_path):
    with pytest.raises(symnn.InvalidArgumentError, match="written as PNG: give a file name ending in .png, not 'a.jpg'"):
        plots.activations_figure(tmp_path / "a.jpg")
    with pytest.raises(symnn.InvalidArgumentError, match=r"at most 8 units per layer; Network\(35→1, linear\) has a layer of 35"):
        plots.network_figure(tmp_path / "n.png", Network([35, 1]))
    with pytest.raises(symnn.InvalidArgumentError, match="training history is empty"):
        plots.training_figure(tmp_path / "t.png", [])
    assert list(tmp_path.iterdir()) == []


FIGURES = ["activations.png", "digit-neuron-training.png", "digit-neuron-weights.png", "lecture-digits.png",
           "network-3-4-1.png"]


def test_tour_writes_every_promised_file(tour):
    # the README's main job, run once per session (see conftest.py)
    result = tour.result
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for heading in ["── 1. A single neuron", "── 2. Logistic regression is a one-layer network", "── 3. The digit neuron",
                    "── 4. Layers and notation", "── 5. Activation functions",
                    "── 6. All activations linear: a linear model"]:
        assert heading in result.stdout
    listed = result.stdout.split("files into symnn-out/:\n", 1)[1].split()
    written = sorted(str(p.relative_to(tour.cwd)) for p in tour.out.rglob("*") if p.is_file())
    assert sorted(listed) == written  # it wrote what it says, and nothing else
    assert sorted(p.name for p in (tour.out / "figures").iterdir()) == FIGURES
    for name in FIGURES:
        assert_real_picture(tour.out / "figures" / name)
    tex = sorted((tour.out / "derivations").glob("*.tex"))
    assert len(tex) == len(symnn.catalog.names())
    if shutil.which("pdflatex"):
        for path in tex:
            assert path.with_suffix(".pdf").read_bytes().startswith(b"%PDF"), path
    index = (tour.out / "index.md").read_text(encoding="utf-8")
    for name in FIGURES:
        assert f"- ![{name[:-4]}](figures/{name})" in index
    assert "- [linear-collapse-3-4-1.tex](derivations/linear-collapse-3-4-1.tex)" in index


def test_tour_shows_the_lectures_results(tour):
    out = tour.result.stdout
    assert "accuracy: 100.0% on training, 100.0% on test" in out  # the two slide images
    # w'_1 = Σ_j w_{1j}^{[1]} w_{j1}^{[2]} of the 3-4-1 collapse
    assert "w'₁ = w₁₁⁽¹⁾⋅w₁₁⁽²⁾ + w₁₂⁽¹⁾⋅w₂₁⁽²⁾ + w₁₃⁽¹⁾⋅w₃₁⁽²⁾ + w₁₄⁽¹⁾⋅w₄₁⁽²⁾" in out
    assert "a sigmoid network does not collapse" in out


def test_tour_into_an_unwritable_place_fails_cleanly(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli("tour", "--out", str(blocker / "out"), "--no-pdf")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"symnn: failed: cannot write {blocker / 'out'}")
    assert blocker.read_text() == "not a folder"


def test_activations_command_with_plot(cli, tmp_path):
    result = cli("activations", "--plot", str(tmp_path / "acts.png"))
    assert result.returncode == 0
    assert result.stderr == f"wrote {tmp_path / 'acts.png'}\n"
    assert result.stdout.splitlines()[0].startswith("linear      g(z) = z   g′(z) = 1")
    assert "affine: yes" in result.stdout
    assert_real_picture(tmp_path / "acts.png")
    bad = cli("activations", "--plot", str(tmp_path / "acts.gif"))
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "symnn: error: pictures are written as PNG: give a file name ending in .png, not 'acts.gif'\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acts.png"]
