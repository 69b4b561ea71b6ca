"""Bad input: every case raises a SymnnError of its kind whose message names the bad value and what is allowed."""

import pytest

import symnn
from symnn import Layer, Network, Neuron

VALID_ACTIVATIONS = "linear, sigmoid, tanh, relu, step, leaky_relu, softplus"


@pytest.mark.parametrize(
    "sizes, fragments",
    [
        ([], ["sizes is empty", "e.g. [3, 4, 1]"]),
        ([3], ["sizes [3] has only the input layer", "e.g. [3, 1]"]),
        ([3, 0, 1], ["sizes[1]", "positive integer", "not 0"]),
        ([3, -2], ["sizes[1]", "positive integer", "not -2"]),
        ([3, 2.5], ["sizes[1]", "positive integer", "not 2.5"]),
        ([3, True], ["sizes[1]", "positive integer", "not True"]),
        ("3,4,1", ["list of positive integers", "not '3,4,1'"]),
        (None, ["list of positive integers", "not None"]),
    ],
)
def test_bad_sizes_name_the_value_and_what_is_allowed(sizes, fragments):
    with pytest.raises(ValueError) as info:  # also catchable the standard way
        Network(sizes)
    assert type(info.value) is symnn.InvalidSizeError
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("j", [0, 3, -1, "1", 1.0])
def test_layer_index_out_of_range_names_value_and_valid_range(j):
    net = Network([3, 4, 1])
    with pytest.raises(symnn.IndexOutOfRangeError) as info:
        net.z(j, 1)
    assert str(info.value) == f"layer index j must be an integer from 1 to 2, not {j!r}"


@pytest.mark.parametrize("i", [0, 5, -1])
def test_unit_index_out_of_range_names_value_and_valid_range(i):
    net = Network([3, 4, 1])
    with pytest.raises(symnn.IndexOutOfRangeError) as info:
        net.z(1, i)
    assert str(info.value) == f"unit index i must be an integer from 1 to 4, not {i!r}"


def test_input_index_out_of_range():
    with pytest.raises(symnn.IndexOutOfRangeError, match="from 1 to 3, not 4"):
        Network([3, 1]).a(0, 4)
    with pytest.raises(symnn.IndexOutOfRangeError, match="from 1 to 3, not 4"):
        Layer(3, 2).weight(4, 1)


def test_unknown_activation_in_network():
    with pytest.raises(symnn.UnknownActivationError) as info:
        Network([3, 1], activation="sigmoidal")
    # softmax, the output layer's vector activation, is listed last (#13)
    assert str(info.value) == f"unknown activation 'sigmoidal'; valid names: {VALID_ACTIVATIONS}, softmax"


def test_activation_list_of_wrong_length():
    with pytest.raises(symnn.InvalidActivationError, match="exactly 2 .*got 1"):
        Network([3, 4, 1], activation=["sigmoid"])
    with pytest.raises(symnn.InvalidActivationError, match="exactly 2 .*got 3"):
        Network([3, 4, 1], activation=["sigmoid", "linear", "relu"])


def test_activation_of_wrong_type_names_it_and_the_valid_names():
    with pytest.raises(symnn.UnknownActivationError) as info:
        Network([3, 1], activation=[42])
    assert "not 42" in str(info.value) and VALID_ACTIVATIONS in str(info.value)


def test_input_names_of_wrong_length():
    with pytest.raises(symnn.InvalidNamesError, match="exactly 3 names, got 2"):
        Network([3, 1], input_names=["price", "marketing"])


def test_duplicate_names():
    with pytest.raises(symnn.InvalidNamesError, match="repeat"):
        Network([2, 1], input_names=["price", "price"])
    with pytest.raises(symnn.InvalidNamesError, match="repeat"):
        Network([2, 1], input_names=["shipping cost", "Shipping-Cost"])  # the same name once normalised


def test_unit_names_of_wrong_shape():
    with pytest.raises(symnn.InvalidNamesError, match="exactly 3 names"):
        Network([4, 3, 1], unit_names=[["affordability"], None])
    with pytest.raises(symnn.InvalidNamesError, match="one per layer"):
        Network([4, 3, 1], unit_names=[["a", "b", "c"]])
    with pytest.raises(symnn.InvalidNamesError, match=r"layer numbers 1\.\.2, not \[3\]"):
        Network([4, 3, 1], unit_names={3: ["x"]})


def test_unit_names_as_mapping():
    net = Network([2, 2, 1], unit_names={2: ["output"]})
    assert str(net.layer(2).a_symbol(1)) == "a_output[2]"
    assert str(net.layer(1).a_symbol(1)) == "a1[1]"  # layers without names keep their indices


def test_names_with_forbidden_characters():
    with pytest.raises(symnn.InvalidNamesError) as info:
        Network([1, 1], input_names=["price$"])
    assert "'price$' is not allowed" in str(info.value) and "letters, digits, spaces" in str(info.value)


def test_neuron_with_bad_size():
    with pytest.raises(symnn.InvalidSizeError, match="positive integer, not 0"):
        Neuron(0)


@pytest.mark.parametrize("trigger, kind, fragment", [
    (lambda: Network([3, 0]), symnn.InvalidSizeError, "not 0"),
    (lambda: Network([3, 4, 1]).z(5, 1), symnn.IndexOutOfRangeError, "not 5"),
    (lambda: Network([3, 1], activation="sigmoidal"), symnn.UnknownActivationError, "'sigmoidal'"),
    (lambda: Network([3, 4, 1], activation=["relu"]), symnn.InvalidActivationError, "got 1"),
    (lambda: Network([2, 1], input_names=["p", "p"]), symnn.InvalidNamesError, "repeat"),
    (lambda: symnn.latex(object()), symnn.InvalidArgumentError, "not object"),
    (lambda: symnn.settings(foo=1).__enter__(), symnn.UnknownSettingError, "unknown setting 'foo'; valid: terms"),
])
def test_one_except_clause_catches_every_kind_of_bad_input(trigger, kind, fragment):
    try:
        trigger()
    except symnn.SymnnError as error:  # what a user of the library writes
        assert type(error) is kind
        assert fragment in str(error)
    else:
        pytest.fail("no error raised")


def test_latex_of_unsupported_object_names_its_type():
    with pytest.raises(symnn.InvalidArgumentError) as info:
        symnn.latex(object())
    assert "not object" in str(info.value)
