"""The gradient as an explicit product of Jacobian matrices: what reverse mode avoids building.

Chapter 14 (``ch-jacobian-cost``) writes three functions on the page and this module holds them
verbatim (a test compares them): ``explicit_chain`` builds every factor of

    dE/dvec(W_l) = J(E) D_L W_L D_(L-1) ... W_(l+1) D_l J_W(l),    D_k = diag(f_k'(z_k)),

for one sample (``J_W = I (Kronecker product) a^T``, ``W`` flattened row by row) and multiplies
them left to right (``order="reverse"``, a row vector meets each matrix: reverse accumulation) or
right to left (``"forward"``, a matrix with one column per parameter is carried up), counting the
multiply-adds of every product, ``m * k * p`` for an (m, k) times a (k, p) matrix; ``chain_cost``
and ``vjp_cost`` give that count and the count of ``yann.mlp``'s reverse mode in closed form, for
``L`` square layers of width ``n``. Like chapter 5's ``forward_pass`` and ``backprop``, which
``explicit_chain`` reuses, they trust their arguments. ``explicit_gradients`` is the checked entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mlp
from .validate import as_array, check_choice

ORDERS = ("reverse", "forward")

# --- the code of chapter 14, verbatim ---------------------------------------------------------------


def explicit_chain(layers, x, y, loss, order):
    """The gradients of every W and b for one sample x (1-D), each a product
    of the full Jacobians of eq-jc-chain, multiplied in `order`: "reverse"
    (left to right) or "forward" (right to left). Also returns the number
    of multiply-adds those matrix products took."""
    zs, activations = mlp.forward_pass(layers, x[None])  # x as a batch of 1
    J_E = mlp.LOSSES[loss][1](activations[-1], y[None])  # J(E): 1 x n_L
    D = [np.diag(mlp.ACTIVATIONS[layer.activation][1](z[0], a[0]))
         for layer, z, a in zip(layers, zs, activations[1:])]  # diag(f'(z))
    J_b = [np.eye(len(layer.b)) for layer in layers]  # of z = W a + b: I
    multiply_adds = 0

    def times(A, B):  # A @ B, counting its rows * inner * columns
        nonlocal multiply_adds
        multiply_adds += A.shape[0] * A.shape[1] * B.shape[1]
        return A @ B

    def J_W(l):  # I ⊗ aᵀ of eq-jc-jw, a the input of layer l (large, so
        return np.kron(J_b[l], activations[l][0])  # built only when used)

    L = len(layers)
    grads_W, grads_b = [None] * L, [None] * L
    if order == "reverse":  # left to right: a row meets one matrix at a time
        row = J_E
        for l in reversed(range(L)):
            row = times(row, D[l])  # now dE/dz of layer l
            grads_W[l] = times(row, J_W(l))
            grads_b[l] = times(row, J_b[l])
            if l > 0:
                row = times(row, layers[l].W)  # J_a = W: one layer down
    else:  # right to left: a matrix, one column per parameter, goes up
        for l in range(L):
            for J, grads in [(J_W(l), grads_W), (J_b[l], grads_b)]:
                M = times(D[l], J)
                for k in range(l + 1, L):
                    M = times(D[k], times(layers[k].W, M))
                grads[l] = times(J_E, M)
    grads_W = [g.reshape(layer.W.shape) for g, layer in zip(grads_W, layers)]
    grads_b = [g.reshape(layer.b.shape) for g, layer in zip(grads_b, layers)]
    return grads_W, grads_b, multiply_adds



def chain_cost(n, L, order):
    """Multiply-adds of explicit_chain for L square layers of width n."""
    if order == "reverse":  # per layer, the row times D, J_W and J_b (n², n³
        # and n²), and times W (n²) in every layer but the first
        return L * (n**3 + 2 * n**2) + (L - 1) * n**2
    # per layer l, the n² + n columns of its J_W and J_b through D_l, through
    # W and D of each of the L - l layers above, and into J(E)
    return sum((n**2 + n) * ((2 * (L - l) + 1) * n**2 + n)
               for l in range(1, L + 1))


def vjp_cost(n, L, batch=1):
    """Multiply-adds of the matrix products of forward_pass and backprop."""
    return (3 * L - 1) * batch * n**2


# --- the checked entry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainGradients:
    """The gradients from the explicit chain, in the parameters' shapes, and what the chain cost."""

    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    multiply_adds: int


def explicit_gradients(layers, x, y, loss: str = "bce", order: str = "reverse") -> ChainGradients:
    """``explicit_chain`` with its arguments checked: one sample ``x`` (1-D) and its target ``y``."""
    check_choice("order", order, ORDERS)
    check_choice("loss", loss, mlp.LOSSES)
    x = as_array("x", x, ndim=1)
    output = mlp.forward(layers, x).output  # checks the layers, x and their shapes and dtypes
    y = mlp._checked_target(loss, output, y)
    grads_W, grads_b, multiply_adds = explicit_chain(layers, x, y, loss, order)
    return ChainGradients(W=tuple(grads_W), b=tuple(grads_b), multiply_adds=multiply_adds)
