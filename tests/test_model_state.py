import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from yann.model_state import MinMaxScaler, archive_contents, sgd_update

# ---------------------------------------------------------------- MinMaxScaler


def test_scaler_maps_training_range_to_unit_interval_and_test_outside():
    x = np.arange(-100, 50, 2, dtype=np.float32).reshape(-1, 1)
    train, test = x[16:], x[:16]
    scaler = MinMaxScaler.fit(train)
    scaled = scaler.transform(train)
    assert scaled.dtype == np.float32
    assert scaled.min() == 0 and scaled.max() == 1
    assert np.all(scaler.transform(test) < 0)  # test inputs lie left of every training input
    assert_allclose(scaler.transform(test)[0], [(-100 + 68) / 116], rtol=1e-6)


def test_scaler_bounds_are_read_only_copies():
    data = np.array([[0.0], [4.0]])
    scaler = MinMaxScaler.fit(data)
    data[1, 0] = 100.0
    assert scaler.high[0] == 4.0
    with pytest.raises(ValueError):
        scaler.low[0] = 1.0


def test_scaler_is_per_column():
    data = np.array([[0.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    scaled = MinMaxScaler.fit(data).transform(data)
    assert_allclose(scaled, [[0, 0], [0.5, 1], [1, 0.5]])


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 20), st.integers(1, 3)),
              elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_inverse_undoes_transform_and_training_data_spans_unit_interval(data):
    assume(np.all(data.max(axis=0) - data.min(axis=0) > 1e-3))
    scaler = MinMaxScaler.fit(data)
    scaled = scaler.transform(data)
    assert_allclose(scaled.min(axis=0), 0, atol=1e-12)
    assert_allclose(scaled.max(axis=0), 1, rtol=1e-12)
    assert_allclose(scaler.inverse(scaled), data, rtol=1e-9, atol=1e-9)


def test_scaler_refuses_flat_input_naming_the_argument():
    with pytest.raises(ValueError, match=r"x_train has shape \(59,\) \(1-D\).*reshape\(-1, 1\)"):
        MinMaxScaler.fit(np.arange(59.0), "x_train")


def test_scaler_refuses_wrong_feature_count():
    scaler = MinMaxScaler.fit(np.array([[0.0], [1.0]]))
    with pytest.raises(ValueError, match=r"x_test has shape \(3, 2\), expected \(3, 1\)"):
        scaler.transform(np.zeros((3, 2)), "x_test")


def test_scaler_refuses_constant_column_and_too_few_samples():
    with pytest.raises(ValueError, match="column 1 is constant"):
        MinMaxScaler.fit(np.array([[0.0, 5.0], [1.0, 5.0]]))
    with pytest.raises(ValueError, match="at least 2 samples"):
        MinMaxScaler.fit(np.array([[1.0, 2.0]]))


def test_scaler_refuses_nan():
    with pytest.raises(ValueError, match="non-finite"):
        MinMaxScaler.fit(np.array([[0.0], [np.nan]]))


def test_separate_scaling_differs_from_training_scaling():
    x = np.arange(-100, 50, 2, dtype=np.float64).reshape(-1, 1)
    train, test = x[16:], x[:16]
    own = MinMaxScaler.fit(test).transform(test)
    shared = MinMaxScaler.fit(train).transform(test)
    assert own.min() == 0 and own.max() == 1
    assert np.abs(own - shared).min() > 0.2


# ---------------------------------------------------------------- sgd_update


def _params():
    return [(np.ones((2, 1)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]


def test_sgd_update_subtracts_the_scaled_gradient():
    grads = [(np.full((2, 1), 2.0), np.array([1.0, -1.0])), (np.zeros((1, 2)), np.array([4.0]))]
    new = sgd_update(_params(), grads, 0.5)
    assert_array_equal(new[0][0], np.zeros((2, 1)))
    assert_array_equal(new[0][1], [-0.5, 0.5])
    assert_array_equal(new[1][1], [-2.0])


def test_sgd_update_refuses_a_bias_gradient_from_another_layer():
    grads = [(np.zeros((2, 1)), np.array([4.0])), (np.zeros((1, 2)), np.array([4.0]))]
    with pytest.raises(ValueError, match=r"grad b1 has shape \(1,\), expected \(2,\)"):
        sgd_update(_params(), grads, 0.1)


def test_sgd_update_refuses_a_transposed_weight_gradient_and_wrong_length():
    grads = [(np.zeros((1, 2)), np.zeros(2)), (np.zeros((1, 2)), np.zeros(1))]
    with pytest.raises(ValueError, match=r"grad W1 has shape \(1, 2\), expected \(2, 1\)"):
        sgd_update(_params(), grads, 0.1)
    with pytest.raises(ValueError, match="grads has 1 layers, expected 2"):
        sgd_update(_params(), grads[:1], 0.1)


def test_sgd_update_keeps_float32():
    params = [(np.ones((2, 1), np.float32), np.zeros(2, np.float32))]
    grads = [(np.ones((2, 1), np.float32), np.ones(2, np.float32))]
    W, b = sgd_update(params, grads, 0.1)[0]
    assert W.dtype == np.float32 and b.dtype == np.float32


# ---------------------------------------------------------------- archive_contents


def _fake_archive(path, optimizer_vars=12):
    """A .keras-shaped zip with the group layout Keras 3 writes, built without Keras."""
    h5py = pytest.importorskip("h5py")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        layer = h5.create_group("layers/dense/vars")
        layer.attrs["name"] = "hidden1"
        layer["0"] = np.ones((1, 2), np.float32)
        layer["1"] = np.zeros(2, np.float32)
        opt = h5.create_group("optimizer/vars")
        opt.attrs["name"] = "sgd"
        opt["0"] = np.int64(7)
        for i in range(1, optimizer_vars):
            opt[str(i)] = np.full(2, i, np.float32)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps({"class_name": "Sequential"}))
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.x"}))
        archive.writestr("model.weights.h5", buffer.getvalue())


def test_archive_contents_names_arrays_by_owner_and_numeric_index(tmp_path):
    path = tmp_path / "m.keras"
    _fake_archive(path)
    contents = archive_contents(path)
    assert contents.members == ("config.json", "metadata.json", "model.weights.h5")
    assert contents.config["class_name"] == "Sequential"
    assert [(d.owner, d.index) for d in contents.owned_by("hidden1")] == [("hidden1", 0), ("hidden1", 1)]
    optimizer = contents.owned_by("sgd")
    assert [d.index for d in optimizer] == list(range(12))  # 10 and 11 after 9, not after 1
    assert int(optimizer[0].value) == 7 and optimizer[0].shape == () and optimizer[0].dtype == "int64"
    assert_array_equal(optimizer[11].value, [11, 11])


def test_archive_contents_refuses_other_files(tmp_path):
    with pytest.raises(ValueError, match="expected a file ending in .keras"):
        archive_contents(tmp_path / "m.h5")
    path = tmp_path / "broken.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
    with pytest.raises(ValueError, match="lacks metadata.json"):
        archive_contents(path)


# ---------------------------------------------------------------- with Keras


def test_params_round_trip_and_layout_checks():
    from yann.tf_env import keras

    from yann.model_state import params_from_keras, params_to_keras

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    params = [(np.array([[0.5], [-1.0]], np.float32), np.array([0.1, 0.2], np.float32)),
              (np.array([[2.0, 3.0]], np.float32), np.array([0.3], np.float32))]
    params_to_keras(model, params)
    assert_array_equal(model.layers[0].get_weights()[0], [[0.5, -1.0]])  # kernel = W.T
    for (W, b), (W_back, b_back) in zip(params, params_from_keras(model)):
        assert_array_equal(W, W_back)
        assert_array_equal(b, b_back)
    kernel_layout = [(params[0][0].T, params[0][1]), params[1]]
    message = r"W1 has shape \(1, 2\), expected \(2, 1\).*looks like a Keras kernel"
    with pytest.raises(ValueError, match=message):
        params_to_keras(model, kernel_layout)
    with pytest.raises(ValueError, match="params has 1 layers, expected 2"):
        params_to_keras(model, params[:1])
