"""Training traces: every number of every step of plain gradient descent, recorded.

``train`` takes a list of ``yann.mlp.Layer`` objects, one sample (or one batch) and a learning rate,
runs ``steps`` gradient-descent updates and returns a ``Trace``. Record ``t`` (``t = 0 … steps``)
holds the state after ``t`` updates: the network's output, the loss, the gradient of every weight
and bias, and the weights and biases themselves. The gradient of record ``t`` is the one update
``t + 1`` subtracts; the last record's gradient is computed but not applied.

Losses, for output ``a`` and target ``y``:

- ``"mse"``: mean of ``(a - y)**2`` over every output of every sample (Keras ``"mse"``, PyTorch
  ``MSELoss``);
- ``"bce"``: binary cross-entropy, averaged the same way;
- ``"mae"``: mean absolute error;
- ``"half_sse"``: the *total error* of the classic worked example, ``E = sum_k (y_k - a_k)**2 / 2``,
  summed over the outputs of a sample (and averaged over the samples of a batch). With two outputs
  it equals ``"mse"``.

Biases can be frozen (per layer): their gradient is still computed and recorded, but never applied.

The reverse pass is the one of ``yann.mlp.gradients`` (vector-Jacobian products, same conventions:
``W`` has shape (outputs, inputs), ReLU has derivative 0 at 0). It is repeated here without
re-validating the arguments at every step, so ten thousand steps of a small network take well under
a second; the unit tests check the two agree.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from . import mlp
from .validate import as_array, check_choice, check_probability_labels, check_shape

LOSSES = ("mse", "bce", "mae", "half_sse")
LAYOUTS = ("W", "kernel")


def _loss_terms(name: str, outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The loss of each of a stack of outputs: ``outputs`` has shape (records, *y.shape)."""
    axes = tuple(range(1, outputs.ndim))
    if name == "half_sse":
        per_sample = 0.5 * np.sum((y - outputs) ** 2, axis=-1)
        return np.mean(per_sample, axis=tuple(range(1, per_sample.ndim))) if per_sample.ndim > 1 else per_sample
    if name == "mse":
        return np.mean((outputs - y) ** 2, axis=axes)
    if name == "mae":
        return np.mean(np.abs(outputs - y), axis=axes)
    return -np.mean(y * np.log(outputs) + (1 - y) * np.log(1 - outputs), axis=axes)


def loss_value(name: str, output: np.ndarray, y: np.ndarray) -> float:
    """The loss ``name`` (one of ``LOSSES``) of ``output`` against the target ``y`` (same shape)."""
    output, y = mlp._checked_loss_arguments(name, output, y, LOSSES)
    return float(_loss_terms(name, output[None], y)[0])


def loss_vjp(name: str, output: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of the loss ``name`` with respect to the network's output (``y`` of the same shape)."""
    output, y = mlp._checked_loss_arguments(name, output, y, LOSSES)
    return _loss_vjp(name, output, y)


def _loss_vjp(name: str, output: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``loss_vjp`` without the checks, for arguments ``train`` has already checked."""
    if name == "half_sse":
        samples = output.shape[0] if output.ndim == 2 else 1
        return (output - y) / samples
    return mlp._loss_vjp(name, output, y)


def _evaluate(
    Ws: list[np.ndarray], bs: list[np.ndarray], activations: Sequence[str], x: np.ndarray, y: np.ndarray,
    loss: str,
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Forward and reverse pass for a batch ``x`` (2-D) already validated by ``train``.

    Returns the output and the gradients of the weights and biases (the loss is computed later,
    for all steps at once).
    """
    zs, outs = [], []
    a = x
    for W, b, f in zip(Ws, bs, activations):
        z = a @ W.T + b
        a = mlp._activate(f, z)
        zs.append(z)
        outs.append(a)
    grad = _loss_vjp(loss, a, y)
    n = len(Ws)
    grads_W: list[np.ndarray] = [np.empty(0)] * n
    grads_b: list[np.ndarray] = [np.empty(0)] * n
    for i in reversed(range(n)):
        grad = mlp._activation_vjp(activations[i], grad, zs[i], outs[i])
        a_in = outs[i - 1] if i > 0 else x
        grads_W[i], grads_b[i] = grad.T @ a_in, grad.sum(axis=0)
        if i > 0:
            grad = grad @ Ws[i]
    return a, grads_W, grads_b


def _frozen_flags(freeze_biases: bool | Sequence[bool], n_layers: int) -> tuple[bool, ...]:
    if isinstance(freeze_biases, (bool, np.bool_)):
        return (bool(freeze_biases),) * n_layers
    if not isinstance(freeze_biases, Sequence) or isinstance(freeze_biases, str):
        raise TypeError(
            f"freeze_biases is a {type(freeze_biases).__name__}, expected a bool or a sequence of "
            f"{n_layers} bools (one per layer)"
        )
    flags = tuple(freeze_biases)
    if len(flags) != n_layers or not all(isinstance(f, (bool, np.bool_)) for f in flags):
        raise ValueError(
            f"freeze_biases is {flags!r}, expected a bool or {n_layers} bools (one per layer)"
        )
    return tuple(bool(f) for f in flags)


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Trace:
    """Everything a training run computed, one record per step (``t = 0`` is before any update).

    Arrays are read-only and stacked along a first axis of length ``steps + 1``: ``output`` has
    shape (steps + 1, *output shape), ``loss`` (steps + 1,), ``W[i]`` and ``grad_W[i]``
    (steps + 1, outputs, inputs) for layer ``i`` (0-based), ``b[i]`` and ``grad_b[i]``
    (steps + 1, outputs).
    """

    activations: tuple[str, ...]
    loss_name: str
    learning_rate: float
    frozen_biases: tuple[bool, ...]
    x: np.ndarray
    y: np.ndarray
    output: np.ndarray
    loss: np.ndarray
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    grad_W: tuple[np.ndarray, ...]
    grad_b: tuple[np.ndarray, ...]

    @property
    def steps(self) -> int:
        """The number of updates made (the number of records is one more)."""
        return len(self.loss) - 1

    def _step(self, step: int) -> int:
        if not isinstance(step, numbers.Integral) or isinstance(step, (bool, np.bool_)):
            raise TypeError(f"step is a {type(step).__name__}, expected an int")
        if not -(self.steps + 1) <= step <= self.steps:
            raise ValueError(f"step is {step}, expected 0 to {self.steps} (or a negative index from the end)")
        return int(step) % (self.steps + 1)

    def layers(self, step: int = -1) -> list[mlp.Layer]:
        """The network after ``step`` updates (default: the last), as fresh ``yann.mlp.Layer`` objects."""
        t = self._step(step)
        return [mlp.Layer(W[t].copy(), b[t].copy(), f) for W, b, f in zip(self.W, self.b, self.activations)]

    def table_rows(self, steps: Iterable[int] | None = None, layout: str = "W") -> dict[str, dict[str, float]]:
        """The records as rows for ``yann.printing.table``: one row per number, one column per step.

        Rows: every output, the loss, then per layer every weight, every bias and their gradients.
        Indices are 1-based. ``layout="W"`` names weight ``W1[i,j]`` (into unit i from input j, the
        book's (outputs, inputs) layout); ``layout="kernel"`` names the same number ``kernel1[j,i]``,
        its place in a Keras kernel of shape (inputs, outputs), and lists the kernel row by row.
        """
        check_choice("layout", layout, LAYOUTS)
        chosen = range(self.steps + 1) if steps is None else [self._step(t) for t in steps]
        columns = [f"step {t}" for t in chosen]

        def row(series: np.ndarray, index: tuple[int, ...]) -> dict[str, float]:
            return {c: float(series[(t, *index)]) for c, t in zip(columns, chosen)}

        def name(base: str, index: tuple[int, ...]) -> str:
            return f"{base}[{','.join(str(i + 1) for i in index)}]"

        rows: dict[str, dict[str, float]] = {}
        for index in np.ndindex(self.output.shape[1:]):
            rows[name("output", index)] = row(self.output, index)
        rows["loss"] = {c: float(self.loss[t]) for c, t in zip(columns, chosen)}
        for layer in range(len(self.W)):
            n = layer + 1
            for prefix, W, b in (("", self.W[layer], self.b[layer]), ("grad ", self.grad_W[layer], self.grad_b[layer])):
                out, inp = W.shape[1:]
                if layout == "W":
                    for i, j in np.ndindex(out, inp):
                        rows[prefix + name(f"W{n}", (i, j))] = row(W, (i, j))
                else:
                    for j, i in np.ndindex(inp, out):
                        rows[prefix + name(f"kernel{n}", (j, i))] = row(W, (i, j))
                for i in range(out):
                    rows[prefix + name(f"b{n}", (i,))] = row(b, (i,))
        return rows


def train(
    layers: Sequence[mlp.Layer],
    x,
    y,
    *,
    learning_rate: float,
    steps: int,
    loss: str = "mse",
    freeze_biases: bool | Sequence[bool] = False,
) -> Trace:
    """Run ``steps`` plain gradient-descent updates ``p <- p - learning_rate * grad`` and record each.

    ``x`` is one sample of shape (inputs,) or a batch of shape (batch, inputs); ``y`` has the
    shape of the network's output. Every update uses the whole of ``x``. ``freeze_biases`` is a
    bool for every layer or one bool per layer. The layers passed in are not changed.
    """
    check_choice("loss", loss, LOSSES)
    if not isinstance(steps, numbers.Integral) or isinstance(steps, (bool, np.bool_)):
        raise TypeError(f"steps is a {type(steps).__name__}, expected a non-negative int")
    if steps < 0:
        raise ValueError(f"steps is {steps}, expected a non-negative int")
    if not isinstance(learning_rate, numbers.Real) or isinstance(learning_rate, (bool, np.bool_)):
        raise TypeError(f"learning_rate is a {type(learning_rate).__name__}, expected a positive number")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate is {learning_rate}, expected a positive finite number")

    start = mlp.forward(layers, x)  # checks layers, x and the shapes and dtypes along the way
    x = start.x
    y = as_array("y", y, ndim=start.output.ndim)
    check_shape("y", y, start.output.shape, "the shape of the network's output")
    if loss == "bce":
        check_probability_labels("y", y)
    dtype = start.output.dtype
    y = y.astype(dtype)
    frozen = _frozen_flags(freeze_biases, len(layers))
    activations = tuple(layer.activation for layer in layers)
    lr = dtype.type(learning_rate)

    records = steps + 1
    Ws = [layer.W.copy() for layer in layers]
    bs = [layer.b.copy() for layer in layers]
    out_series = np.empty((records, *start.output.shape), dtype)
    W_series = [np.empty((records, *W.shape), dtype) for W in Ws]
    b_series = [np.empty((records, *b.shape), dtype) for b in bs]
    gW_series = [np.empty((records, *W.shape), dtype) for W in Ws]
    gb_series = [np.empty((records, *b.shape), dtype) for b in bs]

    # One sample is run as a batch of one: the gradients are the same (the loss divides by the
    # number of samples, here 1), and one code path serves both.
    xb, yb = (x, y) if x.ndim == 2 else (x[None], y[None])
    for t in range(records):
        output, grads_W, grads_b = _evaluate(Ws, bs, activations, xb, yb, loss)
        out_series[t] = output if x.ndim == 2 else output[0]
        for i in range(len(Ws)):
            W_series[i][t], b_series[i][t] = Ws[i], bs[i]
            gW_series[i][t], gb_series[i][t] = grads_W[i], grads_b[i]
        if t < steps:
            Ws = [W - lr * g for W, g in zip(Ws, grads_W)]
            bs = [b if fixed else b - lr * g for b, g, fixed in zip(bs, grads_b, frozen)]

    loss_series = _loss_terms(loss, out_series, y).astype(dtype)
    return Trace(
        activations=activations,
        loss_name=loss,
        learning_rate=float(learning_rate),
        frozen_biases=frozen,
        x=_readonly(x.copy()),
        y=_readonly(y.copy()),
        output=_readonly(out_series),
        loss=_readonly(loss_series),
        W=tuple(_readonly(s) for s in W_series),
        b=tuple(_readonly(s) for s in b_series),
        grad_W=tuple(_readonly(s) for s in gW_series),
        grad_b=tuple(_readonly(s) for s in gb_series),
    )
