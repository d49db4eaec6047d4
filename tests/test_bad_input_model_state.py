"""Bad input to yann.model_state: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import functools

import numpy as np

from yann import model_state
from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.model_state', needs={'yann.model_state': 'yann.tf_env'})
case = CASES.case


def keras_io():
    from yann import keras_io

    return keras_io


def ms_model():
    from yann.tf_env import keras

    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2), keras.layers.Dense(1)])


def no_bias_model():
    from yann.tf_env import keras

    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, use_bias=False, name="no_bias")])


GOOD = [(np.ones((2, 1)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]
SCALER = model_state.MinMaxScaler.fit(np.arange(6.0).reshape(3, 2))
case("MinMaxScaler", "shapes", lambda: model_state.MinMaxScaler(np.zeros(2), np.ones(3)), ValueError,
     r"^high has shape \(3,\), expected \(2,\) = the shape of low$")
case("MinMaxScaler", "non-finite", lambda: model_state.MinMaxScaler([0.0, np.nan], [1.0, 1.0]), ValueError,
     "^low " + NON_FINITE)
case("MinMaxScaler.fit", "ndim", lambda: model_state.MinMaxScaler.fit(np.arange(5.0)), ValueError,
     r"^values has shape \(5,\) \(1-D\), expected 2-D \(samples, features\)")
case("MinMaxScaler.fit", "non-finite", lambda: model_state.MinMaxScaler.fit([[1.0], [np.nan]]), ValueError,
     "^values " + NON_FINITE)
case("MinMaxScaler.fit", "constant", lambda: model_state.MinMaxScaler.fit(np.ones((3, 1))), ValueError,
     r"^values column 0 is constant \(1\): min-max scaling would divide by zero$")
case("MinMaxScaler.transform", "features", lambda: SCALER.transform(np.ones((2, 3))), ValueError,
     r"^values has shape \(2, 3\), expected \(2, 2\) = \(samples, 2 features\)$")
case("MinMaxScaler.transform", "non-finite", lambda: SCALER.transform(np.full((2, 2), np.inf)), ValueError,
     "^values " + NON_FINITE)
case("MinMaxScaler.inverse", "features", lambda: SCALER.inverse(np.ones((2, 1))), ValueError,
     r"^scaled has shape \(2, 1\), expected \(2, 2\) = \(samples, 2 features\)$")
case("sgd_update", "shape", lambda: model_state.sgd_update(GOOD, [GOOD[0], (GOOD[1][0], np.ones(2))], 0.1),
     ValueError, r"^grad b2 has shape \(2,\), expected \(1,\) = the shape of b2$")
case("sgd_update", "transposed", lambda: model_state.sgd_update(GOOD, [(np.ones((1, 2)), np.zeros(2)), GOOD[1]], 0.1),
     ValueError, r"^grad W1 has shape \(1, 2\), expected \(2, 1\) = the shape of W1$")
case("sgd_update", "non-finite", lambda: model_state.sgd_update(GOOD, [GOOD[0], (GOOD[1][0], [np.nan])], 0.1),
     ValueError, "^grad b2 " + NON_FINITE)
case("sgd_update", "learning-rate", lambda: model_state.sgd_update(GOOD, GOOD, float("inf")), ValueError,
     r"^learning_rate is inf, expected a positive finite number$")
case("sgd_update", "learning-rate-type", lambda: model_state.sgd_update(GOOD, GOOD, "0.1"), TypeError,
     r"^learning_rate is a str, expected a positive number$")
case("sgd_update", "count", lambda: model_state.sgd_update(GOOD, GOOD[:1], 0.1), ValueError,
     r"^grads has 1 layers, expected 2 to match params$")
case("sgd_update", "dtypes", lambda: model_state.sgd_update([(np.ones((2, 1), np.float32), np.zeros(2))], GOOD[:1], 0.1),
     TypeError, r"^mismatched dtypes: W1 is float32, b1 is float64; expected one dtype")
case("params_to_keras", "transposed", lambda: model_state.params_to_keras(ms_model(), [(np.ones((1, 2)), np.zeros(2)),
                                                                                       GOOD[1]]),
     ValueError, r"^W1 has shape \(1, 2\), expected \(2, 1\) = \(outputs, inputs\); it looks like a Keras kernel",
     needs="yann.tf_env")
case("params_to_keras", "count", lambda: model_state.params_to_keras(ms_model(), GOOD[:1]), ValueError,
     r"^params has 1 layers, expected 2 to match the model$", needs="yann.tf_env")
case("params_to_keras", "non-finite", lambda: model_state.params_to_keras(ms_model(), [GOOD[0], (GOOD[1][0], [np.inf])]),
     ValueError, "^b2 " + NON_FINITE, needs="yann.tf_env")
case("params_from_keras", "no-bias", lambda: model_state.params_from_keras(no_bias_model()), ValueError,
     r"^layer 'no_bias' holds 1 weights, expected a Dense layer's kernel and bias$", needs="yann.tf_env")
case("archive_contents", "suffix", lambda: model_state.archive_contents("model.h5"), ValueError,
     r"^path is 'model.h5', expected a file ending in .keras$")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
