"""The hand derivation of chapters 3 and 4 in one function, exactly, for the pages that compare
other implementations with it.

``exact_gradients`` runs the running example's forward pass in exact arithmetic and builds every
gradient as the product of sympy Jacobians, with the statements of chapters 3 and 4 (a test checks
that each of them appears in the chapter's cells). ``exact_running_example`` adds one SGD step and
caches the result. ``to_float`` (from :mod:`yann.symbolic`) turns the exact values into numpy.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import sympy as sp

from .example import RUNNING
from .symbolic import _matrix, sigmoid, to_float

__all__ = ["to_float", "exact_forward", "exact_gradients", "exact_running_example"]

PARAMETERS = ("W1", "b1", "W2", "b2")


def _parameters(params: Mapping | None) -> dict[str, sp.Matrix]:
    p = {name: RUNNING.exact(name) for name in PARAMETERS}
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params is a {type(params).__name__}, expected a dict such as {{'W1': ...}}")
    unknown = sorted(set(params or {}) - set(PARAMETERS))
    if unknown:
        raise ValueError(f"params has keys {unknown}, expected only {list(PARAMETERS)}")
    for name, value in (params or {}).items():
        m = _matrix(name, value)
        if m.shape != p[name].shape:
            meaning = " = (outputs, inputs)" if name.startswith("W") else " = a column"
            raise ValueError(f"{name} has shape {m.shape}, expected {p[name].shape}{meaning}")
        p[name] = m
    return p


def _labels(y) -> sp.Matrix:
    if y is None:
        return RUNNING.exact("y")
    y = _matrix("y", y)
    if y.shape != (2, 1):
        raise ValueError(f"y has shape {y.shape}, expected (2, 1) = one label per output, a column")
    for k, v in enumerate(y):
        if not (v.is_number and 0 <= float(v) <= 1):
            raise ValueError(f"y[{k}] is {v}, expected a label in [0, 1] for binary cross-entropy")
    return y


def _symbols(letter: str, n: int) -> sp.Matrix:
    return sp.Matrix(sp.symbols(f"{letter}_1:{n + 1}", real=True))


def exact_forward(params: Mapping | None = None, y=None) -> dict[str, sp.Basic]:
    """The forward pass in exact arithmetic: x, y, z1, a1, z2, a2 (columns) and the loss.

    ``params`` overrides any of W1, b1, W2, b2 (say, with the values after a step); ``y`` the labels.
    """
    p, y = _parameters(params), _labels(y)
    x = RUNNING.exact("x")
    z1 = p["W1"] * x + p["b1"]
    a1 = z1.applyfunc(lambda v: sp.Max(v, 0))
    z2 = p["W2"] * a1 + p["b2"]
    a2 = z2.applyfunc(sigmoid)
    terms = [y[k] * sp.log(a2[k]) + (1 - y[k]) * sp.log(1 - a2[k]) for k in range(2)]
    return {"x": x, "y": y, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "loss": -sum(terms) / 2}


def exact_gradients(params: Mapping | None = None, y=None) -> dict[str, sp.Basic]:
    """Every gradient as a product of Jacobians, exactly, in the parameter's own shape, with the
    statements of chapters 3 and 4: ``J(E) J(σ) J_W2(L2)`` and ``J(E) J(σ) J_b2(L2)`` for layer 2,
    ``J(E) J(σ) J_a1(L2) J(relu) J_W1(L1)`` and the same with ``J_b1(L1)`` for layer 1.

    Returns the forward values (keys of ``exact_forward``), ``grad_W1`` … ``grad_b2`` (biases as
    columns) and the rows ``delta2_row``, ``delta1_row``.
    """
    f = exact_forward(params, y)
    p = _parameters(params)
    x, y, z1, a1, z2, a2 = (f[k] for k in ("x", "y", "z1", "a1", "z2", "a2"))
    # Chapter 3: J(E), J(σ), and layer 2 as a function of its weights and bias.
    a, t = _symbols("a", 2), _symbols("y", 2)
    J_E_symbolic = sp.Matrix([[(a[k] - t[k]) / (2 * a[k] * (1 - a[k])) for k in range(2)]])
    J_E = J_E_symbolic.subs({**dict(zip(a, a2)), **dict(zip(t, y))})
    z = _symbols("z", 2)
    J_sigma_symbolic = z.applyfunc(sigmoid).jacobian(z)
    J_sigma = J_sigma_symbolic.subs(dict(zip(z, z2)))
    W = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
    a_in, b = _symbols("a", 3), _symbols("b", 2)
    L2 = W * a_in + b
    J_W2_symbolic = L2.jacobian(list(W))
    J_W2 = J_W2_symbolic.subs(dict(zip(a_in, a1)))
    J_b2 = L2.jacobian(b)
    dE_dW2 = J_E * J_sigma * J_W2
    dE_db2 = J_E * J_sigma * J_b2
    # Chapter 4: layer 2 as a function of its input, ReLU, and layer 1.
    J_a1_symbolic = L2.jacobian(a_in)
    J_a1 = J_a1_symbolic.subs(dict(zip(W, p["W2"])))
    z = _symbols("z", 3)
    J_relu_symbolic = sp.diag(*[sp.Heaviside(v, 0) for v in z])
    J_relu = J_relu_symbolic.subs(dict(zip(z, z1)))
    V = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
    x_in, b = _symbols("x", 3), _symbols("b", 3)
    L1 = V * x_in + b
    J_W1_symbolic = L1.jacobian(list(V))
    J_W1 = J_W1_symbolic.subs(dict(zip(x_in, x)))
    J_b1 = L1.jacobian(b)
    dE_dW1 = J_E * J_sigma * J_a1 * J_relu * J_W1
    delta2_row = J_E * J_sigma
    delta1_row = delta2_row * J_a1 * J_relu
    dE_db1 = delta1_row * J_b1
    return {**f, "delta2_row": delta2_row, "delta1_row": delta1_row,
            "grad_W2": dE_dW2.reshape(2, 3), "grad_b2": dE_db2.T,
            "grad_W1": dE_dW1.reshape(3, 3), "grad_b1": dE_db1.T}


@functools.lru_cache(maxsize=1)
def _running_example() -> tuple[tuple[str, sp.Basic], ...]:
    g = exact_gradients()
    lr = RUNNING.lr(exact=True)
    values = {key: g[key] for key in ("a1", "a2", "loss", "grad_W1", "grad_b1", "grad_W2", "grad_b2")}
    for name in PARAMETERS:
        values[f"{name}_after"] = RUNNING.exact(name) - lr * g[f"grad_{name}"]
    return tuple((k, sp.ImmutableMatrix(v) if isinstance(v, sp.MatrixBase) else v) for k, v in values.items())


def exact_running_example() -> dict[str, sp.Basic]:
    """Exact values of the running example, computed once: a1, a2, loss, grad_W1, grad_b1, grad_W2,
    grad_b2 and W1_after, b1_after, W2_after, b2_after (one SGD step with ``RUNNING.lr(exact=True)``).

    Matrices keep the parameter's shape, vectors are columns, the loss is a scalar expression. Each
    call returns fresh Matrices, so changing one never changes the cache.
    """
    return {k: sp.Matrix(v) if isinstance(v, sp.MatrixBase) else v for k, v in _running_example()}
