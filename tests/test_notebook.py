"""examples/tour.ipynb runs from top to bottom without a cell error, and its objects render as math."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_tour_notebook_executes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(ROOT / "examples" / "tour.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any cell error
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    latex = [out["data"]["text/latex"] for out in outputs if "data" in out and "text/latex" in out["data"]]
    assert any(r"\sigma(z_{1}^{[1]})" in text for text in latex)  # the Neuron
    assert any(r"w'_{1}" in text for text in latex)  # the collapse result
    assert any("image/png" in out.get("data", {}) for out in outputs)  # the weight picture
    assert not list(tmp_path.glob("*.png"))  # figures are shown inline, nothing written into the working folder
