"""The hand derivation of chapters 3 and 4, for the pages after them: every stage's Jacobian in
sympy, and the running example's gradients as products of them, exactly.

Chapters 3 and 4 write these Jacobians in their cells; this module is the same code, kept for
the chapters and tests that compare other implementations with the derivation (the agreement
table of chapter 10, the property tests). ``tests/test_jacobians.py`` checks that each function
here equals what sympy's own ``.jacobian`` gives for the stage's formula, as the chapters do it.

- ``bce_jacobian(a, y)``      J(E) of binary cross-entropy averaged over n outputs: 1 × n
- ``sigmoid_jacobian(z)``     J(σ): n × n diagonal with σ(z_k)(1 − σ(z_k))
- ``relu_jacobian(z)``        J(relu): n × n diagonal of Heaviside(z_k, 0), 0 at z = 0 as frameworks do
- ``weights_jacobian(a, n)``  J_W of ``W a + b`` with W flattened row by row: n × (n·len(a))
- ``bias_jacobian(n)``        J_b of ``W a + b``: the n × n identity
- ``input_jacobian(W)``       J_a of ``W a + b``: W itself
- ``unflatten(flat, shape)``  a flat (row-major) gradient back in the parameter's shape
- ``exact_forward``, ``exact_gradients``, ``exact_running_example`` the running example, exactly

Vectors are sympy columns (n × 1); numpy 1-D arrays and lists are accepted as columns. ``sigmoid``
and ``to_float`` come from :mod:`yann.symbolic`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import sympy as sp

from .example import RUNNING, Example
from .symbolic import _matrix, sigmoid, to_float

__all__ = ["sigmoid", "relu", "to_float", "bce_jacobian", "sigmoid_jacobian", "relu_jacobian",
           "weights_jacobian", "bias_jacobian", "input_jacobian", "unflatten", "exact_forward",
           "exact_gradients", "exact_running_example"]

PARAMETERS = ("W1", "b1", "W2", "b2")


def _column(name: str, value, n: int | None = None) -> sp.Matrix:
    """``value`` as an n × 1 column; a row or a matrix is refused, never transposed silently."""
    m = _matrix(name, value)
    if m.cols != 1 or (n is not None and m.rows != n):
        rows = n if n is not None else m.cols if m.rows == 1 else "n"
        raise ValueError(f"{name} has shape {m.shape}, expected ({rows}, 1) = a column vector")
    return m


def _size(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} is {n!r}, expected a positive int")
    return int(n)


def _symbols(letter: str, n: int) -> sp.Matrix:
    return sp.Matrix(sp.symbols(f"{letter}_1:{n + 1}", real=True))


def relu(value):
    """ReLU of an exact number or expression, ``max(value, 0)``."""
    return sp.Max(sp.sympify(value), 0)


def bce_jacobian(a, y) -> sp.Matrix:
    """J(E) of ``E = -1/n Σ (y_k ln a_k + (1 - y_k) ln(1 - a_k))``: the 1 × n row
    ``(a_k - y_k) / (n a_k (1 - a_k))``. Numeric ``a`` must lie strictly between 0 and 1, ``y`` in [0, 1]."""
    a = _column("a", a)
    y = _column("y", y, a.rows)
    for name, values, low_open in (("a", a, True), ("y", y, False)):
        for k, v in enumerate(values):
            if v.is_number and not (0 < float(v) < 1 if low_open else 0 <= float(v) <= 1):
                wanted = "strictly between 0 and 1" if low_open else "a label in [0, 1]"
                raise ValueError(f"{name}[{k}] is {float(v):g}, expected {wanted} for binary cross-entropy")
    n = a.rows
    return sp.Matrix([[(a[k] - y[k]) / (n * a[k] * (1 - a[k])) for k in range(n)]])


def sigmoid_jacobian(z) -> sp.Matrix:
    """J(σ) at ``z``: sympy differentiates the elementwise sigmoid into a diagonal of σ(1 − σ)."""
    z = _column("z", z)
    s = _symbols("z", z.rows)
    return s.applyfunc(sigmoid).jacobian(s).xreplace(dict(zip(s, z)))


def relu_jacobian(z) -> sp.Matrix:
    """J(relu) at ``z``: sympy differentiates max(z, 0) into Heaviside(z), which it defines as 1/2
    at 0; PyTorch and TensorFlow use 0 there, and so does this function: Heaviside(z, 0)."""
    z = _column("z", z)
    s = _symbols("z", z.rows)
    J = s.applyfunc(relu).jacobian(s).replace(sp.Heaviside, lambda arg, *_: sp.Heaviside(arg, 0))
    return J.xreplace(dict(zip(s, z)))


def weights_jacobian(a, n_out: int) -> sp.Matrix:
    """J_W of ``W a + b`` with respect to W (n_out × len(a)) flattened row by row, as ``list(W)``
    lists a sympy matrix: row i holds ``aᵀ`` in the columns of row i of W."""
    a = _column("a", a)
    W = sp.Matrix(_size("n_out", n_out), a.rows, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
    return (W * a).jacobian(list(W))


def bias_jacobian(n_out: int) -> sp.Matrix:
    """J_b of ``W a + b``: the n_out × n_out identity."""
    return sp.eye(_size("n_out", n_out))


def input_jacobian(W) -> sp.Matrix:
    """J_a of ``W a + b``: W itself (n_out × n_in)."""
    W = _matrix("W", W)
    a = _symbols("a", W.cols)
    return (W * a).jacobian(a)


def unflatten(flat, shape: tuple[int, int]):
    """A flat gradient (1 × n row, n × 1 column or 1-D) reshaped into ``shape`` row by row.

    A sympy input gives a sympy Matrix, a numpy input a numpy array.
    """
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise ValueError(f"shape is {shape!r}, expected a (rows, cols) tuple of positive ints")
    rows, cols = _size("shape[0]", shape[0]), _size("shape[1]", shape[1])
    if isinstance(flat, np.ndarray):
        if flat.ndim not in (1, 2) or (flat.ndim == 2 and 1 not in flat.shape) or flat.size != rows * cols:
            raise ValueError(f"flat has shape {flat.shape}, expected ({rows * cols},) or (1, {rows * cols})")
        return flat.reshape(shape)  # numpy's default order is row-major ("C")
    m = _matrix("flat", flat)
    if 1 not in m.shape or len(m) != rows * cols:
        raise ValueError(f"flat has shape {m.shape}, expected (1, {rows * cols}) or ({rows * cols}, 1)")
    return m.reshape(rows, cols)  # sympy reshapes row by row too


# --------------------------------------------------------------------------------------------------
# The running example, exactly


def _parameters(params: Mapping | None, example: Example) -> dict[str, sp.Matrix]:
    if example.activations != ("relu", "sigmoid") or example.loss != "bce":
        raise ValueError(f"example has activations {example.activations} and loss {example.loss!r}, "
                         "expected ('relu', 'sigmoid') and 'bce' (the running example's architecture)")
    p = {name: example.exact(name) for name in PARAMETERS}
    params = params or {}
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise ValueError(f"params has keys {unknown}, expected only {list(PARAMETERS)}")
    for name, value in params.items():
        m = _matrix(name, value)
        if m.shape != p[name].shape:
            raise ValueError(f"{name} has shape {m.shape}, expected {p[name].shape}")
        p[name] = m
    return p


def exact_forward(params: Mapping | None = None, example: Example = RUNNING, y=None) -> dict[str, sp.Basic]:
    """The forward pass in exact arithmetic: x, y, z1, a1, z2, a2 (columns) and the loss.

    ``params`` overrides any of W1, b1, W2, b2 (say, with the values after a step); ``y`` the labels.
    """
    p = _parameters(params, example)
    x = example.exact("x")
    y = example.exact("y") if y is None else _column("y", y, p["W2"].rows)
    z1 = p["W1"] * x + p["b1"]
    a1 = z1.applyfunc(relu)
    z2 = p["W2"] * a1 + p["b2"]
    a2 = z2.applyfunc(sigmoid)
    bce_jacobian(a2, y)  # checks the labels
    loss = -sum(y[k] * sp.log(a2[k]) + (1 - y[k]) * sp.log(1 - a2[k]) for k in range(a2.rows)) / a2.rows
    return {"x": x, "y": y, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "loss": loss}


def exact_gradients(params: Mapping | None = None, example: Example = RUNNING, y=None) -> dict[str, sp.Basic]:
    """Every parameter's gradient as a product of Jacobians, exactly, in the parameter's own shape,
    as chapters 3 and 4 derive them: ``J(E) J(σ) J_W2(L2)``, ``J(E) J(σ) J_b2(L2)``, and for layer 1
    ``J(E) J(σ) J_a1(L2) J(relu) J_W1(L1)`` and the same with ``J_b1(L1)``.

    Returns the forward values (keys of ``exact_forward``) and the rows ``delta2``, ``delta1`` too.
    """
    f = exact_forward(params, example, y)
    p = _parameters(params, example)
    n2, n1 = p["W2"].rows, p["W1"].rows
    delta2 = bce_jacobian(f["a2"], f["y"]) * sigmoid_jacobian(f["z2"])  # 1 × n2
    delta1 = delta2 * input_jacobian(p["W2"]) * relu_jacobian(f["z1"])  # 1 × n1
    return {
        **f, "delta2": delta2, "delta1": delta1,
        "grad_W2": unflatten(delta2 * weights_jacobian(f["a1"], n2), p["W2"].shape),
        "grad_b2": (delta2 * bias_jacobian(n2)).T,
        "grad_W1": unflatten(delta1 * weights_jacobian(f["x"], n1), p["W1"].shape),
        "grad_b1": (delta1 * bias_jacobian(n1)).T,
    }


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
