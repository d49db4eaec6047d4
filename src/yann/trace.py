"""Training traces: every number of every step of plain gradient descent, recorded.

``train`` runs ``steps`` updates ``p <- p - learning_rate * grad`` with chapter 5's
``yann.mlp.forward_pass`` and ``yann.mlp.backprop`` and returns a ``Trace``. Record ``t``
(``t = 0 … steps``) is the state after ``t`` updates: the output, the loss, every weight and bias,
and their gradients (the one update ``t + 1`` subtracts; the last record's is never applied).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from . import mlp
from .validate import check_choice


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Trace:
    """One record per step, stacked along a first axis of length ``steps + 1`` (read-only):
    ``output`` (steps + 1, *output shape), ``loss`` (steps + 1,), ``W[i]`` and ``grad_W[i]``
    (steps + 1, outputs, inputs) for layer ``i`` (0-based), ``b[i]`` and ``grad_b[i]``
    (steps + 1, outputs)."""

    activations: tuple[str, ...]
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
        """The network after ``step`` updates (default: the last), as new ``yann.mlp.Layer`` objects."""
        t = self._step(step)
        return [mlp.Layer(W[t], b[t], f) for W, b, f in zip(self.W, self.b, self.activations)]

    def table_rows(self, steps: Iterable[int] | None = None, layout: str = "W") -> dict[str, dict[str, float]]:
        """The records as rows for ``yann.printing.table``, one column per step: every output, the
        loss, then per layer every weight, bias and their gradients (1-based indices).
        ``layout="kernel"`` names weight ``W1[i,j]`` by its place in a Keras kernel, ``kernel1[j,i]``,
        and lists the kernel row by row."""
        check_choice("layout", layout, ("W", "kernel"))
        chosen = range(self.steps + 1) if steps is None else [self._step(t) for t in steps]

        def row(series: np.ndarray, *index: int) -> dict[str, float]:
            return {f"step {t}": float(series[(t, *index)]) for t in chosen}

        def name(base: str, *index: int) -> str:
            return f"{base}[{','.join(str(i + 1) for i in index)}]"

        rows = {name("output", *i): row(self.output, *i) for i in np.ndindex(self.output.shape[1:])}
        rows["loss"] = row(self.loss)
        for n, params in enumerate(zip(self.W, self.b, self.grad_W, self.grad_b), start=1):
            for prefix, W, b in (("", *params[:2]), ("grad ", *params[2:])):
                out, inp = W.shape[1:]
                if layout == "W":
                    rows.update({prefix + name(f"W{n}", i, j): row(W, i, j) for i, j in np.ndindex(out, inp)})
                else:
                    rows.update({prefix + name(f"kernel{n}", j, i): row(W, i, j) for j, i in np.ndindex(inp, out)})
                rows.update({prefix + name(f"b{n}", i): row(b, i) for i in range(out)})
        return rows


def train(layers: Sequence[mlp.Layer], x, y, *, learning_rate: float, steps: int, loss: str = "mse",
          freeze_biases: bool = False) -> Trace:
    """Run ``steps`` plain gradient-descent updates on all of ``x`` (one sample (inputs,) or a batch
    (batch, inputs)) and record each. With ``freeze_biases`` the biases' gradients are recorded
    but never applied. The layers passed in are not changed. A run whose loss, gradients or
    weights stop being finite is refused, naming the step."""
    check_choice("loss", loss, mlp.LOSSES)
    if not isinstance(steps, numbers.Integral) or isinstance(steps, (bool, np.bool_)):
        raise TypeError(f"steps is a {type(steps).__name__}, expected a non-negative int")
    if steps < 0:
        raise ValueError(f"steps is {steps}, expected a non-negative int")
    if not isinstance(freeze_biases, (bool, np.bool_)):
        raise TypeError(f"freeze_biases is a {type(freeze_biases).__name__}, expected a bool")
    start = mlp.gradients(layers, x, y, loss)  # checks layers, x, y and the loss's demands
    dtype = start.forward.output.dtype
    lr = mlp._check_learning_rate(learning_rate, dtype)
    y = np.array(y, dtype=dtype)
    net = [mlp.Layer(layer.W, layer.b, layer.activation) for layer in layers]  # copies, updated in place
    xb, yb = np.atleast_2d(start.forward.x), np.atleast_2d(y)  # one sample is a batch of one row

    def series(shape: tuple[int, ...]) -> np.ndarray:
        return np.empty((steps + 1, *shape), dtype)

    output, losses = series(y.shape), series(())
    Ws, bs = [series(layer.W.shape) for layer in net], [series(layer.b.shape) for layer in net]
    gWs, gbs = [np.empty_like(s) for s in Ws], [np.empty_like(s) for s in bs]
    diverged = f"expected finite values (try a smaller learning_rate than {learning_rate})"
    with np.errstate(all="ignore"):  # a non-finite number is refused below, naming the step
        for t in range(steps + 1):
            zs, outs = mlp.forward_pass(net, xb)
            grads_W, grads_b = mlp.backprop(net, zs, outs, yb, loss)
            output[t], losses[t] = outs[-1].reshape(y.shape), mlp.LOSSES[loss][0](outs[-1], yb)
            if not (np.isfinite(losses[t]) and all(np.isfinite(g).all() for g in grads_W + grads_b)):
                raise ValueError(f"step {t}: the loss or a gradient is not finite (nan or inf): "
                                 f"the run diverged or saturated; {diverged}")
            for i, layer in enumerate(net):
                Ws[i][t], bs[i][t], gWs[i][t], gbs[i][t] = layer.W, layer.b, grads_W[i], grads_b[i]
                if t == steps:
                    continue
                layer.W[...] -= lr * grads_W[i]
                if not freeze_biases:
                    layer.b[...] -= lr * grads_b[i]
                if not (np.isfinite(layer.W).all() and np.isfinite(layer.b).all()):
                    raise ValueError(f"step {t + 1}: W{i + 1} or b{i + 1} holds non-finite values "
                                     f"after the update: the run diverged; {diverged}")
    return Trace(
        activations=tuple(layer.activation for layer in layers),
        output=_readonly(output),
        loss=_readonly(losses),
        **{name: tuple(_readonly(s) for s in group)
           for name, group in (("W", Ws), ("b", bs), ("grad_W", gWs), ("grad_b", gbs))},
    )
