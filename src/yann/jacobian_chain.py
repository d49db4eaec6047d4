"""The gradient as an explicit product of Jacobian matrices: what reverse mode avoids building.

The hand-derivation chapters write each gradient as a chain of full matrices,

    dE/dW_l = J(E) J(f_L) J_a(L_L) ... J(f_l) J_W(L_l),

evaluated at the forward-pass values. This module builds every one of those matrices for a dense
network of any widths (one sample, 1-D ``x``), multiplies the chain in either order and counts the
multiply-adds it did, so its cost can be set against ``yann.mlp.gradients``, which computes the
same numbers with vector-Jacobian products and never forms a Jacobian.

- ``order="reverse"`` multiplies left to right: a row vector meets each matrix in turn (reverse
  accumulation, what backpropagation does), but here every Jacobian is materialised first,
  including ``J_W``, of shape (out, out * in).
- ``order="forward"`` multiplies right to left: it starts from a parameter's Jacobian and carries a
  whole matrix up to the loss (forward accumulation: one tangent per parameter).

``chain_cost`` and ``vjp_cost`` give the counts in closed form; the tests check that they equal the
counts of the actual products. A product of an (m, k) and a (k, p) matrix counts m * k * p
multiply-adds; diagonal and identity Jacobians count as the dense matrices they are stored as.

Convention: ``W`` has shape (outputs, inputs); ``W`` is flattened row by row, so entry ``(i, j)`` of
``W`` is column ``i * inputs + j`` of ``J_W``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import mlp
from .validate import as_array, check_choice

ORDERS = ("reverse", "forward")


def weight_jacobian(a_in: np.ndarray, n_out: int) -> np.ndarray:
    """``J_W`` of ``z = W a + b`` with respect to ``W`` (flattened by rows): shape (out, out * in).

    Row ``i`` holds ``a_in`` in the columns of ``W``'s row ``i`` and zeros elsewhere:
    ``J_W = I_out (Kronecker product) a_in^T``.
    """
    a_in = as_array("a_in", a_in, ndim=1)
    if isinstance(n_out, bool) or not isinstance(n_out, (int, np.integer)) or n_out < 1:
        raise ValueError(f"n_out is {n_out!r}, expected a positive int")
    J = np.zeros((n_out, n_out, a_in.size), dtype=a_in.dtype)  # (row of z, row of W, column of W)
    J[np.arange(n_out), np.arange(n_out)] = a_in  # the same as np.kron(np.eye(n_out), a_in), without its copies
    return J.reshape(n_out, n_out * a_in.size)


def activation_jacobian(name: str, z, a=None) -> np.ndarray:
    """``J(f)`` of an elementwise activation at one sample ``z`` (1-D): the diagonal matrix of ``f'(z)``.

    ``a = f(z)`` is computed when not given.
    """
    check_choice("activation", name, mlp.ACTIVATIONS)
    z = as_array("z", z, ndim=1)
    f, f_prime = mlp.ACTIVATIONS[name]
    a = f(z) if a is None else as_array("a", a, ndim=1, dtype=z.dtype)
    if a.shape != z.shape:
        raise ValueError(f"a has shape {a.shape}, expected {z.shape} = the shape of z")
    return np.diag(np.asarray(f_prime(z, a), dtype=z.dtype))


def jacobian_shapes(n_in: int, n_out: int) -> dict[str, tuple[int, int]]:
    """Shapes of the Jacobians of one layer ``a_out = f(W a_in + b)``, ``W`` of shape (out, in)."""
    for name, n in (("n_in", n_in), ("n_out", n_out)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} is {n!r}, expected a positive int")
    return {
        "J_W": (n_out, n_out * n_in),
        "J_b": (n_out, n_out),
        "J_a": (n_out, n_in),
        "J_f": (n_out, n_out),
    }


@dataclass(frozen=True)
class ChainGradients:
    """The loss and gradients from the explicit chain, with what building them cost."""

    loss: float
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    multiply_adds: int  # counted over every matrix product of the chain
    largest_entries: int  # entries of the largest matrix the chain held


class _Counter:
    """Matrix products that count their multiply-adds and remember the largest operand."""

    def __init__(self) -> None:
        self.multiply_adds = 0
        self.largest = 0

    def matmul(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        self.multiply_adds += A.shape[0] * A.shape[1] * B.shape[1]
        result = A @ B
        self.largest = max(self.largest, A.size, B.size, result.size)
        return result


def explicit_gradients(layers: Sequence[mlp.Layer], x, y, loss: str = "bce", order: str = "reverse") -> ChainGradients:
    """Every gradient of the loss as a product of materialised Jacobians, for one sample ``x``.

    ``order`` is ``"reverse"`` (left to right, row vectors) or ``"forward"`` (right to left, matrices).
    """
    check_choice("order", order, ORDERS)
    check_choice("loss", loss, mlp.LOSSES)
    x = as_array("x", x, ndim=1)
    values = mlp.forward(layers, x)  # checks the layers, x and their shapes and dtypes
    y = mlp._checked_target(loss, values.output, y)

    count = _Counter()
    n_layers = len(layers)
    inputs = (values.x,) + values.a[:-1]
    J_E = mlp.LOSSES[loss][1](values.output[None, :], y[None, :])  # (1, outputs): the loss Jacobian
    J_f = [activation_jacobian(layer.activation, z, a) for layer, z, a in zip(layers, values.z, values.a)]
    grads_W: list[np.ndarray] = [np.empty(0)] * n_layers
    grads_b: list[np.ndarray] = [np.empty(0)] * n_layers

    if order == "reverse":
        row = J_E
        for l in reversed(range(n_layers)):
            n_out, n_in = layers[l].W.shape
            row = count.matmul(row, J_f[l])
            grads_W[l] = count.matmul(row, weight_jacobian(inputs[l], n_out)).reshape(n_out, n_in)
            grads_b[l] = count.matmul(row, np.eye(n_out, dtype=row.dtype)).reshape(n_out)
            if l > 0:
                row = count.matmul(row, layers[l].W)  # J_a(L_l) = W_l
    else:
        for l in range(n_layers):
            n_out, n_in = layers[l].W.shape
            for which, J in (("W", weight_jacobian(inputs[l], n_out)), ("b", np.eye(n_out, dtype=x.dtype))):
                M = count.matmul(J_f[l], J)
                for k in range(l + 1, n_layers):
                    M = count.matmul(J_f[k], count.matmul(layers[k].W, M))
                g = count.matmul(J_E, M)
                if which == "W":
                    grads_W[l] = g.reshape(n_out, n_in)
                else:
                    grads_b[l] = g.reshape(n_out)

    return ChainGradients(
        loss=float(mlp.LOSSES[loss][0](values.output[None, :], y[None, :])),
        W=tuple(grads_W),
        b=tuple(grads_b),
        multiply_adds=count.multiply_adds,
        largest_entries=count.largest,
    )


def _check_widths(widths: Sequence[int]) -> list[int]:
    widths = list(widths)
    if len(widths) < 2 or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in widths):
        raise ValueError(f"widths is {widths!r}, expected at least two positive ints (inputs, then each layer)")
    return [int(n) for n in widths]


def chain_cost(widths: Sequence[int], order: str = "reverse") -> int:
    """Multiply-adds of ``explicit_gradients`` for a network with ``widths`` = [inputs, layer 1, ...].

    Reverse (left to right), per layer l with n = n_l, m = n_(l-1): ``n*n`` (row times J_f),
    ``n*n*m`` (row times J_W), ``n*n`` (row times J_b) and, in every layer but the first, ``n*m``
    (row times W, the step down to the layer below).
    Forward (right to left): for each parameter block with P columns (P = n*m for W, n for b),
    ``P*(n*n + sum over the layers k above of (n_k*n_(k-1) + n_k*n_k) + n_L)``.
    """
    check_choice("order", order, ORDERS)
    n = _check_widths(widths)
    L = len(n) - 1
    total = 0
    for l in range(1, L + 1):
        if order == "reverse":
            total += n[l] * n[l] + n[l] * n[l] * n[l - 1] + n[l] * n[l] + (n[l] * n[l - 1] if l > 1 else 0)
        else:
            carry = n[l] * n[l] + sum(n[k] * n[k - 1] + n[k] * n[k] for k in range(l + 1, L + 1)) + n[L]
            total += (n[l] * n[l - 1] + n[l]) * carry
    return total


def vjp_cost(widths: Sequence[int], batch: int = 1) -> int:
    """Multiply-adds of the matrix products of ``yann.mlp.gradients``: forward and backward pass.

    Per layer: ``a W^T`` forward and ``grad^T a`` for the weights (``batch*n*m`` each), and
    ``grad W`` for every layer but the first (``batch*n*m``). Elementwise work (activations, their
    derivatives, the loss) is ``batch*n`` per layer and not counted.
    """
    n = _check_widths(widths)
    if not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ValueError(f"batch is {batch!r}, expected a positive int")
    return sum((3 if l > 1 else 2) * batch * n[l] * n[l - 1] for l in range(1, len(n)))


def chain_entries(widths: Sequence[int], order: str = "reverse") -> int:
    """Entries of the largest matrix ``explicit_gradients`` holds.

    Reverse: the largest ``J_W``, ``n_l * n_l * n_(l-1)``. Forward: the matrix carried up from
    ``J_W`` of layer l has ``n_l * n_(l-1)`` columns and as many rows as the widest layer from l up.
    """
    check_choice("order", order, ORDERS)
    n = _check_widths(widths)
    L = len(n) - 1
    if order == "reverse":
        return max(n[l] * n[l] * n[l - 1] for l in range(1, L + 1))
    return max(n[l] * n[l - 1] * max(n[l:]) for l in range(1, L + 1))
