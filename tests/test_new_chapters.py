"""The numbers the mini-batch and softmax chapters put into their prose, recomputed here without
the notebooks: a short float64 derivation of each (the batch's mean-of-rows gradients, the softmax's
p - y), compared with the values the recorded notebooks glued. A chapter edited into a different
result, or a glue name pointing at the wrong value, fails here even if the notebook still runs."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest

from yann.example import RUNNING
from yann.printing import fmt

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"

X = np.array([[0.23, 0.82, 0.47], [0.50, -0.90, 0.20], [-0.60, 0.10, 0.20], [0.80, 0.70, -0.20]])
Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
W2_SOFTMAX = np.array([[0.9, 0.6, 0.4], [0.3, 0.8, 0.7], [0.5, 0.1, 0.2]])


def glued(chapter: str) -> dict[str, str]:
    """name -> the text a chapter glued under it, read from its recorded notebook."""
    values = {}
    notebook = json.loads((CHAPTERS / f"{chapter}.ipynb").read_text())
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get("application/papermill.record/text/plain")
            if name and text is not None:
                values[name] = ast.literal_eval(text)
    return values


def minibatch_expected() -> dict[str, str]:
    W1, W2 = RUNNING.array("W1"), RUNNING.array("W2")
    Z1 = X @ W1.T
    A1 = np.maximum(Z1, 0)
    A2 = 1 / (1 + np.exp(-(A1 @ W2.T)))
    loss = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    # Mean of the per-sample outer products, written as a loop on purpose (the chapter uses Δᵀ A).
    grads = {"W1": 0, "b1": 0, "W2": 0, "b2": 0}
    for r in range(len(X)):
        delta2 = (A2[r] - Y[r]) / Y.shape[1]
        delta1 = (W2.T @ delta2) * (Z1[r] > 0)
        for name, value in [("W2", np.outer(delta2, A1[r])), ("b2", delta2),
                            ("W1", np.outer(delta1, X[r])), ("b1", delta1)]:
            grads[name] = grads[name] + value / len(X)
    expected = {"mb-loss": fmt(loss, 6)}
    expected.update({f"mb-grad-{n}": fmt(g, 4) for n, g in grads.items()})
    expected["mb-sum-ratio"] = fmt(Y.size, 1)
    expected["mb-keras-sum-ratio"] = fmt(len(X), 1)
    return expected


def softmax_expected() -> dict[str, str]:
    x, W1 = RUNNING.array("x"), RUNNING.array("W1")
    z1 = W1 @ x
    a1 = np.maximum(z1, 0)
    z2 = W2_SOFTMAX @ a1
    p = np.exp(z2 - z2.max()) / np.exp(z2 - z2.max()).sum()
    y = np.array([1.0, 0.0, 0.0])
    delta2 = p - y
    delta1 = (W2_SOFTMAX.T @ delta2) * (z1 > 0)
    q = np.exp(p) / np.exp(p).sum()  # what CrossEntropyLoss makes of probabilities
    return {
        "sm-p": fmt(p, 6),
        "sm-loss": fmt(-np.log(p[0]), 6),
        "sm-grad-W2": fmt(np.outer(delta2, a1), 4),
        "sm-grad-b2": fmt(delta2, 4),
        "sm-grad-W1": fmt(np.outer(delta1, x), 4),
        "sm-grad-b1": fmt(delta1, 4),
        "sm-wrong-loss": fmt(-np.log(q[0]), 6),
        "sm-floor": fmt(np.log(1 + 2 / np.e), 4),
        "sm-keras-wrong": fmt(-np.log(z2[0] / z2.sum()), 6),
    }


@pytest.mark.parametrize(
    "chapter, expected",
    [("15_minibatch", minibatch_expected), ("16_softmax", softmax_expected)],
    ids=["15_minibatch", "16_softmax"],
)
def test_glued_numbers_match_an_independent_derivation(chapter, expected):
    values = glued(chapter)
    for name, text in expected().items():
        assert name in values, f"{chapter} glues nothing under {name!r}"
        assert values[name] == text, f"{chapter}: {name} is {values[name]!r}, expected {text!r}"


def test_the_off_units_are_named_from_the_data():
    W1 = RUNNING.array("W1")
    off = np.argwhere(X @ W1.T <= 0) + 1  # (sample, unit), counted from 1
    assert off.tolist() == [[2, 1], [3, 2], [3, 3]]
    assert glued("15_minibatch")["mb-off-units"] == "unit 1 for sample 2; units 2 and 3 for sample 3"
