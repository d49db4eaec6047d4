import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from yann.example import RUNNING  # noqa: E402
from yann.figures import draw_network  # noqa: E402


def test_network_diagram_draws_every_node_and_weight():
    fig = draw_network([RUNNING.array("W1"), RUNNING.array("W2")], RUNNING.activations)
    ax = fig.axes[0]
    assert len(ax.patches) == 3 + 3 + 2
    texts = {t.get_text() for t in ax.texts}
    assert {"0.90", "0.25", "0.75"} <= texts
    assert len(ax.lines) == 3 * 3 + 3 * 2


def test_diagram_refuses_layers_that_do_not_chain():
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(2, 2\), expected \(2, 3\)"):
        draw_network([np.ones((3, 3)), np.ones((2, 2))], ["relu", "sigmoid"])
