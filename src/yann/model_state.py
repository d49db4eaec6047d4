"""What a Keras model holds, and the plumbing around it that would distract in a chapter.

- ``MinMaxScaler``     min-max scaling fitted once (on the training set) and applied to any set
- ``params_from_keras`` / ``params_to_keras``  a Keras model's ``Dense`` weights in the book's layout
  (``W`` of shape (outputs, inputs)) and back, with shape checks
- ``sgd_update``       one plain gradient step that refuses a gradient of the wrong shape
- ``archive_contents`` the files inside a ``.keras`` archive and the arrays inside its weights file

Keras and h5py are imported lazily, inside the functions that need them.
"""

from __future__ import annotations

import io
import numbers
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .validate import as_array, check_same_dtype, check_shape

Params = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class MinMaxScaler:
    """Maps each column linearly so that the data it was fitted on spans [0, 1].

    Fit it once, on the training set, then transform every set with the same ``low`` and ``high``;
    values outside the training range map outside [0, 1], as they should.
    """

    low: np.ndarray
    high: np.ndarray

    def __post_init__(self) -> None:
        for field_name in ("low", "high"):
            array = np.array(as_array(field_name, getattr(self, field_name), ndim=1))  # a private copy
            array.flags.writeable = False
            object.__setattr__(self, field_name, array)
        check_shape("high", self.high, self.low.shape, "the shape of low")

    @classmethod
    def fit(cls, values, name: str = "values") -> "MinMaxScaler":
        """The scaler whose ``low`` and ``high`` are the column minima and maxima of ``values``.

        ``values`` has shape (samples, features); fitting needs two samples and no constant column.
        """
        array = _samples(name, values)
        if array.shape[0] < 2:
            raise ValueError(f"{name} has shape {array.shape}, expected at least 2 samples to fit a range")
        low, high = array.min(axis=0), array.max(axis=0)
        flat = np.flatnonzero(high == low)
        if flat.size:
            column = int(flat[0])
            raise ValueError(
                f"{name} column {column} is constant ({low[column]:g}): "
                "min-max scaling would divide by zero"
            )
        return cls(low, high)

    @property
    def features(self) -> int:
        return self.low.shape[0]

    def _check(self, name: str, values) -> np.ndarray:
        array = _samples(name, values)
        check_shape(name, array, (array.shape[0], self.features), f"(samples, {self.features} features)")
        return array

    def transform(self, values, name: str = "values") -> np.ndarray:
        """``(values - low) / (high - low)``, column by column, in the dtype of ``values``."""
        array = self._check(name, values)
        low, high = self.low.astype(array.dtype), self.high.astype(array.dtype)
        return (array - low) / (high - low)

    def inverse(self, scaled, name: str = "scaled") -> np.ndarray:
        """Undo ``transform``: ``low + scaled * (high - low)``."""
        array = self._check(name, scaled)
        low, high = self.low.astype(array.dtype), self.high.astype(array.dtype)
        return low + array * (high - low)


def _samples(name: str, values) -> np.ndarray:
    array = as_array(name, values, ndim=(1, 2))
    if array.ndim == 1:
        raise ValueError(
            f"{name} has shape {array.shape} (1-D), expected 2-D (samples, features): "
            f"for one feature use {name}.reshape(-1, 1)"
        )
    return array


def _dense_layers(model) -> list:
    layers = [layer for layer in model.layers if layer.weights]
    for layer in layers:
        if len(layer.weights) != 2 or len(layer.weights[0].shape) != 2:
            raise ValueError(
                f"layer {layer.name!r} holds {len(layer.weights)} weights, "
                "expected a Dense layer's kernel and bias"
            )
    return layers


def params_from_keras(model) -> Params:
    """Each weighted layer's ``(W, b)`` with ``W = kernel.T`` of shape (outputs, inputs)."""
    params = []
    for layer in _dense_layers(model):
        kernel, bias = layer.get_weights()
        params.append((np.array(kernel).T.copy(), np.array(bias)))
    return params


def params_to_keras(model, params: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
    """Load ``params`` (``W`` of shape (outputs, inputs), ``b`` of shape (outputs,)) into ``model``."""
    layers = _dense_layers(model)
    if len(params) != len(layers):
        raise ValueError(f"params has {len(params)} layers, expected {len(layers)} to match the model")
    for i, (layer, (W, b)) in enumerate(zip(layers, params), start=1):
        kernel, bias = layer.get_weights()
        W = as_array(f"W{i}", W, ndim=2)
        b = as_array(f"b{i}", b, ndim=1)
        expected = kernel.shape[::-1]
        if W.shape != expected and W.shape == kernel.shape:
            raise ValueError(
                f"W{i} has shape {W.shape}, expected {expected} = (outputs, inputs); "
                "it looks like a Keras kernel, which is (inputs, outputs)"
            )
        check_shape(f"W{i}", W, expected, "(outputs, inputs)")
        check_shape(f"b{i}", b, bias.shape, "(outputs,)")
        layer.set_weights([W.T.astype(kernel.dtype), b.astype(bias.dtype)])


def sgd_update(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    grads: Sequence[tuple[np.ndarray, np.ndarray]],
    learning_rate: float,
) -> Params:
    """New ``(W, b)`` pairs ``p - learning_rate * grad``; every gradient must have its parameter's shape.

    numpy would broadcast a bias gradient of shape (1,) into a bias of shape (2,) without a word;
    this refuses it, naming the parameter.
    """
    if isinstance(learning_rate, (bool, np.bool_)) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"learning_rate is a {type(learning_rate).__name__}, expected a positive number")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate is {learning_rate}, expected a positive finite number")
    if len(grads) != len(params):
        raise ValueError(f"grads has {len(grads)} layers, expected {len(params)} to match params")
    new = []
    for i, ((W, b), (gW, gb)) in enumerate(zip(params, grads), start=1):
        W, b = as_array(f"W{i}", W, ndim=2), as_array(f"b{i}", b, ndim=1)
        check_same_dtype({f"W{i}": W, f"b{i}": b})
        gW, gb = as_array(f"grad W{i}", gW), as_array(f"grad b{i}", gb)
        check_shape(f"grad W{i}", gW, W.shape, f"the shape of W{i}")
        check_shape(f"grad b{i}", gb, b.shape, f"the shape of b{i}")
        lr = W.dtype.type(learning_rate)
        new.append((W - lr * gW.astype(W.dtype), b - lr * gb.astype(b.dtype)))
    return new


@dataclass(frozen=True)
class Dataset:
    """One array in a ``.keras`` weights file: the object that owns it, its position there, its shape."""

    owner: str
    index: int
    shape: tuple[int, ...]
    dtype: str
    value: np.ndarray


@dataclass(frozen=True)
class ArchiveContents:
    """The member files of a ``.keras`` archive, its config and metadata, and its weight arrays."""

    members: tuple[str, ...]
    config: dict
    metadata: dict
    datasets: tuple[Dataset, ...]

    def owned_by(self, owner: str) -> tuple[Dataset, ...]:
        return tuple(d for d in self.datasets if d.owner == owner)


def archive_contents(path: str | Path) -> ArchiveContents:
    """Read a ``.keras`` file: a zip of ``config.json``, ``metadata.json`` and ``model.weights.h5``.

    Arrays are named by the ``name`` their owner was given (the layer name, or the optimizer's
    name) and their index in the owner's list of variables, not by the HDF5 group path, whose
    generated parts (``dense_1``, ...) are an implementation detail of the saving code.
    """
    import json

    import h5py

    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path is {path.name!r}, expected a file ending in .keras")
    with zipfile.ZipFile(path) as archive:
        members = tuple(sorted(archive.namelist()))
        for required in ("config.json", "metadata.json", "model.weights.h5"):
            if required not in members:
                raise ValueError(f"{path.name} lacks {required}; it holds {', '.join(members)}")
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        weights = archive.read("model.weights.h5")

    found: list[tuple[str, int, Dataset]] = []
    with h5py.File(io.BytesIO(weights), "r") as h5:

        def visit(name: str, obj) -> None:
            if not isinstance(obj, h5py.Dataset):
                return
            group = obj.parent
            owner = group.attrs.get("name", group.name)
            owner = owner.decode() if isinstance(owner, bytes) else str(owner)
            leaf = name.rsplit("/", 1)[-1]
            index = int(leaf) if leaf.isdigit() else -1
            dataset = Dataset(owner, index, tuple(obj.shape), str(obj.dtype), np.array(obj[()]))
            found.append((group.name, index, dataset))

        h5.visititems(visit)
    # HDF5 lists names alphabetically ("10" before "2"): order by group, then by numeric index.
    found.sort(key=lambda item: (item[0], item[1]))
    return ArchiveContents(members, config, metadata, tuple(d for _, _, d in found))
