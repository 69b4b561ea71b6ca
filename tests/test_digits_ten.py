"""All ten digits: a softmax classifier trained, tested, tabled and pictured, checked against hand computation.

Fast by design: a few hundred glyph variants and a few epochs (enough for mistakes to fill the
confusion matrix's off-diagonal cells), never the full handwriting.
"""

import collections
import re

import numpy as np
import pytest

import symnn
from symnn.app import classify, commands
from symnn.app.classify import classify_digits, unit_weights, weights_image
from symnn.app.confusion import confusion_matrix
from symnn.data import digits

SMALL = 200  # variants in each of the training and the test set
EPOCHS = 3


@pytest.fixture(scope="module")
def small_variants():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(classify, "VARIANT_IMAGES", SMALL)
        yield


@pytest.fixture(scope="module")
def report(small_variants):
    return classify_digits("variants", classes=10, epochs=EPOCHS, show_progress=False)


def held_out_set():
    """The documented held-out set for ten digits: seed + 1, pixel flips at 5 %, no shifts or stroke changes."""
    return digits.variants(SMALL, 0.05, seed=1, shifts=False, strokes=False, classes=10)


def hand_predictions(report, X):
    """argmax_i z_i^{[1]} with z = x W + b in float64 (softmax keeps the order of the z), far from any tie."""
    params = report.result.params
    z = np.asarray(X, dtype=float) @ params.W(1) + params.b(1)
    top_two = np.sort(z, axis=1)[:, -2:]
    assert (top_two[:, 1] - top_two[:, 0]).min() > 1e-9
    return z.argmax(axis=1)


def counted(labels, predictions):
    """The confusion matrix counted one image at a time."""
    counts = collections.Counter(zip(labels.tolist(), predictions.tolist()))
    return [[counts[(t, p)] for p in range(10)] for t in range(10)]


def test_confusion_counts_are_the_held_out_predictions_counted(report):
    test = held_out_set()
    predictions = hand_predictions(report, test.X)
    np.testing.assert_array_equal(report.test_labels, test.y)
    np.testing.assert_array_equal(report.test_predictions, predictions)
    expected = counted(test.y, predictions)
    assert report.confusion.tolist() == expected
    assert sum(map(sum, expected)) == SMALL
    assert sum(expected[t][p] for t in range(10) for p in range(10) if t != p) > 0  # mistakes to count
    assert report.test_accuracy == pytest.approx(sum(expected[t][t] for t in range(10)) / SMALL, abs=1e-12)
    train = digits.variants(SMALL, 0.05, seed=0, shifts=False, strokes=False, classes=10)
    assert report.train_accuracy == pytest.approx(float((hand_predictions(report, train.X) == train.y).mean()),
                                                  abs=1e-12)


def test_the_report_prints_the_table_row_by_row_within_80_columns(report):
    lines = report.lines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert lines[0] == "model: Network(35→10, softmax)"
    assert lines[1] == f"data: variants — {SMALL} training images, {SMALL} held-out test images"
    expected = counted(held_out_set().y, hand_predictions(report, held_out_set().X))
    header = lines.index("held-out test images by true digit (row) and predicted digit (column):")
    assert lines[header + 1].split() == ["true", "│", *map(str, range(10)), "│", "correct"]
    for t in range(10):
        words = lines[header + 3 + t].split()
        assert words[0] == str(t) and [int(w) for w in words[2:12]] == expected[t]
        assert words[-1] == f"{expected[t][t] / sum(expected[t]):.1%}"
    mistakes = sorted(((expected[t][p], t, p) for t in range(10) for p in range(10) if t != p and expected[t][p]),
                      key=lambda cell: (-cell[0], cell[1], cell[2]))[:3]
    assert lines[header + 13] == ("most frequent mistakes (true → predicted): "
                                  + ", ".join(f"{t} → {p} ×{n}" for n, t, p in mistakes))
    assert lines[-1] == f"predictions agreeing with the symbolic z (exact rationals): {SMALL} of {SMALL}"
    assert report.crosscheck.ok(1e-12)


def test_cli_ten_digits_on_variants_end_to_end(cli, report, tmp_path):
    folder = tmp_path / "pictures"
    result = cli("digits", "--classes", "10", "--data", "variants", "--epochs", str(EPOCHS), "--plot", str(folder))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "model: Network(35→10, softmax)" and all(len(line) <= 80 for line in lines)
    test, train = held_out_set(), digits.variants(SMALL, 0.05, seed=0, shifts=False, strokes=False, classes=10)
    held_out = float((hand_predictions(report, test.X) == test.y).mean())  # the same seed trains the same weights
    on_training = float((hand_predictions(report, train.X) == train.y).mean())
    assert f"accuracy: {on_training:.1%} on training, {held_out:.1%} on held-out test" in lines
    assert lines[-1] == f"predictions agreeing with the symbolic z (exact rationals): {SMALL} of {SMALL}"
    names = ["confusion.png", "weights.png", "training.png", "examples.png"]
    assert result.stderr.splitlines() == [f"wrote {folder / name}" for name in names]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    pytest.importorskip("matplotlib")
    import matplotlib.image

    for name in names:
        assert (folder / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert float(np.std(matplotlib.image.imread(str(folder / name))[..., :3])) > 0.01, name


def test_cli_ten_digits_json_adds_the_confusion_matrix(cli):
    result = cli("digits", "--classes", "10", "--epochs", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["model"] == "Network(35→10, softmax)" and data["classes"] == 10 and data["test_size"] == 10
    matrix = data["confusion"]
    assert len(matrix) == 10 and all(len(row) == 10 and sum(row) == 1 for row in matrix)  # one image of each digit
    assert data["class_accuracy"] == [float(matrix[t][t]) for t in range(10)]
    assert data["test_accuracy"] == pytest.approx(sum(matrix[t][t] for t in range(10)) / 10, abs=1e-12)


# --- the pictures ------------------------------------------------------------------------------

def expected_picture(W, unit):
    """Unit ``unit``'s weights placed by hand: row r, column c holds the weight of pixel 5r + c."""
    return np.array([[W[5 * r + c, unit] for c in range(5)] for r in range(7)])


def image_panels(figure):
    return [axis for axis in figure.axes if axis.get_images()]


def test_each_output_unit_is_drawn_from_its_column_of_W(report):
    pytest.importorskip("matplotlib")
    from symnn import plots

    W = report.result.params.W(1)
    images, units = unit_weights(report)
    assert images.shape == (10, 7, 5) and units == 10
    figure = plots.draw_report_weights(report)
    panels = image_panels(figure)
    assert len(panels) == 10
    limit = float(np.abs(W).max())
    for i, axis in enumerate(panels):
        np.testing.assert_array_equal(images[i], expected_picture(W, i))
        np.testing.assert_array_equal(axis.get_images()[0].get_array(), expected_picture(W, i))
        assert axis.get_images()[0].get_clim() == (-limit, limit)  # one scale, centred on 0, for all ten
        assert axis.get_title().startswith(f"digit {i}\n")
    assert "output unit" in figure._suptitle.get_text()
    colourbars = [axis for axis in figure.axes if axis not in panels]
    assert len(colourbars) == 1 and colourbars[0].get_ylabel().startswith("weight $w_{ki}^{[1]}$")


def test_a_hidden_layer_is_pictured_by_its_hidden_units():
    pytest.importorskip("matplotlib")
    from symnn import plots

    hidden = classify_digits("lecture", classes=10, hidden=3, epochs=2, show_progress=False)
    assert list(hidden.network.sizes) == [35, 3, 10]
    figure = plots.draw_report_weights(hidden)
    panels = image_panels(figure)
    W = hidden.result.params.W(1)
    assert len(panels) == 3
    for i, axis in enumerate(panels):
        np.testing.assert_array_equal(axis.get_images()[0].get_array(), expected_picture(W, i))
        assert axis.get_title().startswith(f"hidden unit {i + 1}\n")
    assert "hidden units" in figure._suptitle.get_text()


def test_confusion_picture_writes_each_count_in_its_cell(report):
    pytest.importorskip("matplotlib")
    from symnn import plots
    from symnn.app.digit_plots import confusion_title

    expected = counted(held_out_set().y, hand_predictions(report, held_out_set().X))
    figure = plots.draw_confusion(report.confusion, confusion_title(report))
    axis = image_panels(figure)[0]
    np.testing.assert_array_equal(axis.get_images()[0].get_array(), expected)
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in axis.texts}
    assert cells == {(t, p): str(expected[t][p]) for t in range(10) for p in range(10)}
    assert (axis.get_xlabel(), axis.get_ylabel()) == ("predicted digit", "true digit")
    assert [label.get_text() for label in axis.get_yticklabels()] == [str(t) for t in range(10)]
    right = sum(expected[t][t] for t in range(10))
    assert f"held-out test images: {right / SMALL:.1%} correct ({right} of {SMALL})" in axis.get_title()


def test_examples_are_the_first_test_image_of_each_digit_with_its_reading(report):
    pytest.importorskip("matplotlib")
    from symnn import plots

    test = held_out_set()
    predictions = hand_predictions(report, test.X)
    first = [next(row for row in range(SMALL) if test.y[row] == digit) for digit in range(10)]
    figure = plots.draw_examples(report)
    panels = image_panels(figure)
    assert len(panels) == 10
    for digit, (axis, row) in enumerate(zip(panels, first)):
        np.testing.assert_array_equal(axis.get_images()[0].get_array(), test.X[row].reshape(7, 5))
        mark = "✓" if predictions[row] == digit else "✗"
        assert axis.get_title() == f"digit {digit}: read as {predictions[row]} {mark}"


# --- bad input ------------------------------------------------------------------------------------

def test_only_two_or_ten_classes(cli):
    result = cli("digits", "--classes", "3")
    assert result.returncode == 2 and result.stdout == ""
    assert "argument --classes: invalid choice: '3' (choose from '2', '10')" in result.stderr
    for bad in (3, 1, True, "10"):
        with pytest.raises(symnn.InvalidArgumentError, match=re.escape(
                f"classes must be 2 (the lecture's 0 and 1, one sigmoid output) or 10 (every digit, a softmax "
                f"output), not {bad!r}")):
            classify_digits(classes=bad, show_progress=False)


def test_the_single_neuron_picture_is_refused_for_ten_digits(report):
    with pytest.raises(symnn.InvalidArgumentError, match=r"single neuron \(hidden=None, classes=2\); unit_weights"):
        weights_image(report)


@pytest.mark.parametrize("folder, message", [
    ("", "--plot needs a folder for the pictures, not an empty name"),
    ("pictures.png", "--plot takes a folder, into which confusion.png, weights.png, training.png, examples.png "
                     "are written, not a file name 'pictures.png'"),
])
def test_plot_folder_refused_before_training(cli, monkeypatch, folder, message):
    def refuse(*args, **kwargs):
        raise AssertionError("trained before refusing --plot")

    monkeypatch.setattr(commands, "classify_digits", refuse)
    result = cli("digits", "--classes", "10", "--plot", folder)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"symnn: error: {message}\n"


def test_plot_folder_that_is_a_file_is_refused_before_training(cli, monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("trained before refusing --plot")

    monkeypatch.setattr(commands, "classify_digits", refuse)
    (tmp_path / "notes.txt").write_text("not a folder")
    for folder in (tmp_path / "notes.txt", tmp_path / "notes.txt" / "inside"):
        result = cli("digits", "--classes", "10", "--plot", str(folder))
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == (f"symnn: error: --plot takes a folder, but '{tmp_path / 'notes.txt'}' is a file; "
                                 "give a new or existing folder for the pictures\n")


def test_confusion_matrix_refuses_labels_outside_the_classes():
    assert confusion_matrix(np.array([0, 1, 1]), np.array([1, 1, 0]), 2).tolist() == [[0, 1], [1, 1]]
    with pytest.raises(symnn.InvalidArgumentError, match="predictions must be whole numbers from 0 to 9"):
        confusion_matrix(np.array([0, 1]), np.array([0, 10]), 10)
    with pytest.raises(symnn.InvalidArgumentError, match=r"one length, not shapes \(2,\) and \(3,\)"):
        confusion_matrix(np.array([0, 1]), np.array([0, 1, 2]), 10)
