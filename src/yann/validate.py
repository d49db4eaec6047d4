"""Argument checks shared by every yann function.

Each check raises an error that names the argument, what it got and what was expected, so a
wrong layout or a wrong shape fails loudly instead of broadcasting into a wrong number.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def as_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None, dtype=None) -> np.ndarray:
    """Return ``value`` as a finite float numpy array, or raise naming ``name``.

    Integer and boolean input becomes float64; float32 and float64 keep their dtype unless ``dtype``
    asks for one of them. Finiteness is checked after that cast, so a float64 value too large for
    float32 is refused instead of becoming inf.
    """
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):  # a TensorFlow tensor
        value = value.numpy()
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be array-like numbers, got {type(value).__name__}") from error
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    target = np.dtype(float_dtype(dtype)) if dtype is not None else (
        array.dtype if array.dtype in (np.float32, np.float64) else np.dtype(np.float64))
    if array.dtype != target:
        check_finite(name, array)  # before the cast ...
        with np.errstate(over="ignore"):
            array = array.astype(target)
        if not np.isfinite(array).all():  # ... and after: 1e39 is finite, float32(1e39) is inf
            raise ValueError(
                f"{name} holds values too large for {target} (they become inf); expected finite {target} values"
            )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} has shape {array.shape} ({array.ndim}-D), expected {wanted}-D")
    check_finite(name, array)
    return array


def float_dtype(dtype) -> str:
    """``"float32"`` or ``"float64"`` from a numpy, torch, TensorFlow or string dtype."""
    try:
        name = np.dtype(dtype).name
    except TypeError:  # torch.float32 prints as "torch.float32"; tf.float32 has a name
        name = str(getattr(dtype, "name", dtype)).removeprefix("torch.")
    if name not in ("float32", "float64"):
        raise TypeError(f"dtype is {name}, expected float32 or float64")
    return name


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ``ValueError`` if ``array`` holds nan or inf (one pass over it, no copies kept)."""
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds non-finite values (nan or inf); expected finite numbers")


def check_shape(name: str, array: np.ndarray, expected: tuple[int, ...], meaning: str = "") -> None:
    """Raise ``ValueError`` unless ``array.shape == expected``; ``meaning`` names the axes."""
    if tuple(array.shape) != tuple(expected):
        hint = f" = {meaning}" if meaning else ""
        raise ValueError(f"{name} has shape {tuple(array.shape)}, expected {tuple(expected)}{hint}")


def check_choice(name: str, value: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming the allowed ones."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} is {value!r}, expected one of {', '.join(map(repr, choices))}")
    return value


def check_same_dtype(named_arrays: dict[str, np.ndarray]) -> np.dtype:
    """Return the common dtype of the arrays, or raise naming the ones that differ."""
    dtypes = {name: array.dtype for name, array in named_arrays.items()}
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{name} is {dtype}" for name, dtype in dtypes.items())
        raise TypeError(f"mismatched dtypes: {listed}; expected one dtype (float32 or float64)")
    return next(iter(dtypes.values()))


def check_probability_labels(name: str, labels: np.ndarray) -> None:
    """Binary cross-entropy needs labels in [0, 1]."""
    if labels.size and (labels.min() < 0 or labels.max() > 1):
        raise ValueError(
            f"{name} holds values in [{labels.min():g}, {labels.max():g}], "
            "expected labels in [0, 1] for binary cross-entropy"
        )
