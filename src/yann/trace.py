"""Training traces: every number of every step of plain gradient descent, recorded.

``train`` takes a list of ``yann.mlp.Layer`` objects, one sample (or one batch) and a learning rate,
runs ``steps`` gradient-descent updates and returns a ``Trace``. Record ``t`` (``t = 0 … steps``)
holds the state after ``t`` updates: the network's output, the loss, the gradient of every weight
and bias, and the weights and biases themselves. The gradient of record ``t`` is the one update
``t + 1`` subtracts; the last record's gradient is computed but not applied.

The losses are those of ``yann.mlp.LOSSES`` (``"mse"``, ``"bce"``, ``"mae"`` and ``"half_sse"``,
the total error ``sum_k (y_k - a_k)**2 / 2`` of the classic worked example). Every step runs
``yann.mlp.forward_pass`` and ``yann.mlp.backprop``, the code of chapter 5; the arguments are
checked once, and every step checks that the loss and the new weights are finite, so a run that
diverges stops with an error naming the step instead of recording NaN.

Biases can be frozen (per layer): their gradient is still computed and recorded, but never applied.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from . import mlp
from .validate import check_choice

LAYOUTS = ("W", "kernel")


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
        raise ValueError(f"freeze_biases is {flags!r}, expected a bool or {n_layers} bools (one per layer)")
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
    check_choice("loss", loss, mlp.LOSSES)
    if not isinstance(steps, numbers.Integral) or isinstance(steps, (bool, np.bool_)):
        raise TypeError(f"steps is a {type(steps).__name__}, expected a non-negative int")
    if steps < 0:
        raise ValueError(f"steps is {steps}, expected a non-negative int")
    start = mlp.gradients(layers, x, y, loss)  # checks layers, x, y and the loss's demands
    x, dtype = start.forward.x, start.forward.output.dtype
    lr = mlp._check_learning_rate(learning_rate, dtype)
    y = np.array(y, dtype=dtype)
    frozen = _frozen_flags(freeze_biases, len(layers))
    activations = tuple(layer.activation for layer in layers)
    value, _ = mlp.LOSSES[loss]

    net = [mlp.Layer(layer.W, layer.b, layer.activation) for layer in layers]  # copies, updated in place
    xb, yb = np.atleast_2d(x), np.atleast_2d(y)  # one sample is a batch of one row
    records = steps + 1
    out_series = np.empty((records, *y.shape), dtype)
    loss_series = np.empty(records, dtype)
    W_series = [np.empty((records, *layer.W.shape), dtype) for layer in net]
    b_series = [np.empty((records, *layer.b.shape), dtype) for layer in net]
    gW_series = [np.empty_like(s) for s in W_series]
    gb_series = [np.empty_like(s) for s in b_series]
    with np.errstate(all="ignore"):  # a non-finite number is refused below, naming the step
        for t in range(records):
            zs, outs = mlp.forward_pass(net, xb)
            grads_W, grads_b = mlp.backprop(net, zs, outs, yb, loss)
            out_series[t] = outs[-1].reshape(y.shape)
            loss_series[t] = value(outs[-1], yb)
            if not (np.isfinite(loss_series[t]) and all(np.isfinite(g).all() for g in grads_W + grads_b)):
                raise ValueError(
                    f"step {t}: the loss or a gradient is not finite (nan or inf): the run diverged "
                    f"or saturated; expected finite values (try a smaller learning_rate than {learning_rate})"
                )
            for i, layer in enumerate(net):
                W_series[i][t], b_series[i][t] = layer.W, layer.b
                gW_series[i][t], gb_series[i][t] = grads_W[i], grads_b[i]
                if t < steps:
                    layer.W[...] -= lr * grads_W[i]
                    if not frozen[i]:
                        layer.b[...] -= lr * grads_b[i]
                    if not (np.isfinite(layer.W).all() and np.isfinite(layer.b).all()):
                        raise ValueError(
                            f"step {t + 1}: W{i + 1} or b{i + 1} holds non-finite values after the update: "
                            f"the run diverged; expected finite values (try a smaller learning_rate "
                            f"than {learning_rate})"
                        )
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
