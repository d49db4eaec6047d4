"""yann.jacobians: the exact derivation of chapters 3 and 4, written as the chapters write it,
checked against numbers computed without it (numpy float64, central differences, PyTorch's record)."""

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from yann import jacobians as jac
from yann.example import REFERENCE, REFERENCE_ATOL, RUNNING, reference

ROOT = Path(__file__).resolve().parents[1]
KEYS = ["a1", "a2", "loss", "grad_W1", "grad_b1", "grad_W2", "grad_b2",
        "W1_after", "b1_after", "W2_after", "b2_after"]


def numpy_loss(W1, b1, W2, b2, x=None, y=None):
    """The running example's loss in float64 numpy, written independently of yann."""
    x = RUNNING.array("x") if x is None else x
    y = RUNNING.array("y") if y is None else y
    a1 = np.maximum(W1 @ x + b1, 0)
    a2 = 1 / (1 + np.exp(-(W2 @ a1 + b2)))
    return -np.mean(y * np.log(a2) + (1 - y) * np.log(1 - a2))


def central_gradients(params, y=None, h=1e-6):
    """Every parameter's gradient by central differences, entry by entry, in the parameter's shape."""
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            up, down = dict(params), dict(params)
            step = np.zeros_like(value)
            step[index] = h
            up[name], down[name] = value + step, value - step
            g[index] = (numpy_loss(**up, y=y) - numpy_loss(**down, y=y)) / (2 * h)
        grads[name] = g
    return grads


def running_params():
    return {name: RUNNING.array(name) for name in ("W1", "b1", "W2", "b2")}


# ------------------------------------------------------------------------------------------------
# The running example


def test_exact_running_example_has_the_agreed_keys_types_and_shapes():
    values = jac.exact_running_example()
    assert list(values) == KEYS
    for name in ["W1", "b1", "W2", "b2"]:
        assert values[f"grad_{name}"].shape == RUNNING.exact(name).shape
        assert values[f"{name}_after"].shape == RUNNING.exact(name).shape
    assert values["a1"].shape == (3, 1) and values["a2"].shape == (2, 1)
    assert not isinstance(values["loss"], sp.MatrixBase)
    assert all(not v.free_symbols for v in values.values())


def test_exact_running_example_hands_out_fresh_matrices():
    first = jac.exact_running_example()
    first["grad_W2"][0, 0] = 99
    assert jac.exact_running_example()["grad_W2"][0, 0] != 99


@pytest.mark.parametrize("key", [k for k in KEYS if k in REFERENCE])
def test_exact_values_round_to_the_pytorch_reference(key):
    assert_allclose(jac.to_float(jac.exact_running_example()[key]), reference(key), atol=REFERENCE_ATOL)


def test_exact_gradients_match_central_differences_in_every_entry():
    # Central differences perturb W[i, j] itself, so this also checks that the row-major
    # flattening of J_W and the reshape back agree: the other order would swap entries.
    g = jac.exact_gradients()
    for name, numeric in central_gradients(running_params()).items():
        assert_allclose(jac.to_float(g[f"grad_{name}"]), numeric, rtol=1e-6, atol=1e-10)
    swapped = jac.to_float(g["grad_W2"]).reshape(-1).reshape(2, 3, order="F")
    assert not np.allclose(swapped, central_gradients(running_params())["W2"], atol=1e-3)


def test_the_loss_is_the_numpy_loss_and_the_step_lowers_it():
    values = jac.exact_running_example()
    assert_allclose(jac.to_float(values["loss"]), numpy_loss(**running_params()), rtol=1e-14)
    after = {name: values[f"{name}_after"] for name in ["W1", "b1", "W2", "b2"]}
    loss_after = jac.to_float(jac.exact_forward(after)["loss"])
    stepped = {name: v - RUNNING.lr() * jac.to_float(values[f"grad_{name}"]).reshape(v.shape)
               for name, v in running_params().items()}
    assert_allclose(loss_after, numpy_loss(**stepped), rtol=1e-12)
    assert loss_after < jac.to_float(values["loss"])


def test_other_labels_change_only_the_loss_jacobian():
    y = np.array([0.0, 1.0])
    g = jac.exact_gradients(y=[0, 1])
    numeric = central_gradients(running_params(), y=y)
    assert_allclose(jac.to_float(g["grad_W2"]), numeric["W2"], rtol=1e-6)
    assert_allclose(jac.to_float(g["grad_b1"]), numeric["b1"], rtol=1e-6)
    # delta2 = (a2 - y) / 2, the cancellation of chapter 3's equation eq-delta2
    assert_allclose(jac.to_float(g["delta2_row"])[0], (jac.to_float(g["a2"]) - y) / 2, rtol=1e-14)


def test_a_negative_hidden_sum_zeroes_its_row_of_grad_W1():
    W1 = RUNNING.exact("W1")
    W1[0, 0] = -3  # z1_1 = -0.139 < 0
    g = jac.exact_gradients({"W1": W1})
    assert g["grad_W1"].row(0) == sp.zeros(1, 3) and g["grad_b1"][0] == 0
    assert g["grad_W2"].col(0) == sp.zeros(2, 1)
    params = running_params()
    params["W1"] = jac.to_float(W1)
    assert_allclose(jac.to_float(g["grad_W1"]), central_gradients(params)["W1"], rtol=1e-6, atol=1e-10)


# ------------------------------------------------------------------------------------------------
# The same code as the chapters

STATEMENTS = {
    "03_layer2": [
        "J_E_symbolic = sp.Matrix([[(a[k] - t[k]) / (2 * a[k] * (1 - a[k])) for k in range(2)]])",
        "J_E = J_E_symbolic.subs({**dict(zip(a, a2)), **dict(zip(t, y))})",
        "J_sigma_symbolic = z.applyfunc(sigmoid).jacobian(z)",
        "J_sigma = J_sigma_symbolic.subs(dict(zip(z, z2)))",
        "W = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f\"W_{i + 1}{j + 1}\", real=True))",
        "L2 = W * a_in + b",
        "J_W2_symbolic = L2.jacobian(list(W))",
        "J_W2 = J_W2_symbolic.subs(dict(zip(a_in, a1)))",
        "J_b2 = L2.jacobian(b)",
        "dE_dW2 = J_E * J_sigma * J_W2",
        "dE_db2 = J_E * J_sigma * J_b2",
        "a1 = z1.applyfunc(lambda v: sp.Max(v, 0))",
        "a2 = z2.applyfunc(sigmoid)",
    ],
    "04_layer1": [
        "J_a1_symbolic = L2.jacobian(a_in)",
        "J_a1 = J_a1_symbolic.subs(dict(zip(W, W2)))",
        "J_relu_symbolic = sp.diag(*[sp.Heaviside(v, 0) for v in z])",
        "J_relu = J_relu_symbolic.subs(dict(zip(z, z1)))",
        "L1 = V * x_in + b",
        "J_W1_symbolic = L1.jacobian(list(V))",
        "J_W1 = J_W1_symbolic.subs(dict(zip(x_in, x)))",
        "J_b1 = L1.jacobian(b)",
        "dE_dW1 = J_E * J_sigma * J_a1 * J_relu * J_W1",
        "delta2_row = J_E * J_sigma",
        "delta1_row = delta2_row * J_a1 * J_relu",
        "dE_db1 = delta1_row * J_b1",
    ],
}


def _normalized(code: str) -> str:
    """Code without comments and whitespace, so line breaks and spacing do not matter."""
    return re.sub(r"\s+", "", re.sub(r"#[^\n]*", "", code))


def _cells(chapter: str) -> str:
    text = (ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    return "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S))


@pytest.mark.parametrize("chapter", sorted(STATEMENTS))
def test_yanns_derivation_is_the_chapters_code(chapter):
    import inspect

    ours = _normalized(inspect.getsource(jac))
    cells = _normalized(_cells(chapter))
    for statement in STATEMENTS[chapter]:
        # yann writes W2 as p["W2"]: the parameter may be overridden there
        assert _normalized(statement) in cells, f"chapter {chapter} lacks: {statement}"
        assert _normalized(statement.replace("W2)))", 'p["W2"])))')) in ours, f"yann.jacobians lacks: {statement}"
