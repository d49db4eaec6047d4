"""TensorFlow and Keras, imported quietly and reproducibly.

Import TensorFlow through this module (``from yann.tf_env import tf, keras``). Before TensorFlow
loads it sets two environment variables:

- ``TF_CPP_MIN_LOG_LEVEL=3`` silences the C++ log lines TensorFlow writes to stderr at import,
  which a notebook would record and nbval would then report as a changed output;
- ``TF_ENABLE_ONEDNN_OPTS=0`` turns off oneDNN's reordered float32 arithmetic, so results are the
  same from machine to machine.

Both only work if set before the first ``import tensorflow`` in the process.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import warnings

_SETTINGS = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}

if "tensorflow" in sys.modules and any(os.environ.get(k) != v for k, v in _SETTINGS.items()):
    warnings.warn(
        "tensorflow was imported before yann.tf_env: its log lines and oneDNN settings are already "
        "fixed. Restart the kernel and import yann.tf_env first.",
        RuntimeWarning,
        stacklevel=2,
    )
os.environ.update(_SETTINGS)

# TensorFlow 2.20 and later load their library with RTLD_GLOBAL, which puts TensorFlow's own copy of
# LLVM in the process's global symbols; Triton, which CUDA builds of torch import lazily (the first
# torch.optim optimizer does), then binds to it and crashes the interpreter (tensorflow/tensorflow
# issue 124205). Loaded first, Triton keeps its own LLVM. Colab has both, as has any CUDA build of torch.
if "tensorflow" not in sys.modules and importlib.util.find_spec("triton") is not None:
    try:
        import triton  # noqa: F401
    except Exception:  # a broken Triton is torch's business; TensorFlow still works without it
        pass

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel(logging.ERROR)
logging.getLogger("absl").setLevel(logging.ERROR)

if not keras.__version__.startswith("3."):
    raise ImportError(
        f"keras is version {keras.__version__}, expected 3.x: this course uses Keras 3 "
        "(Keras 2 ships as tf_keras and behaves differently)"
    )

__all__ = ["tf", "keras"]
