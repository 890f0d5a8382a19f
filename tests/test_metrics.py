"""TPP, performance density and memory bandwidth density as 3A090's technical notes define them."""

import math

import pytest
from pydantic import ValidationError

from longarm import metrics
from longarm.model import Unit


def test_worked_example_of_the_regulation():
    # 3A090 Technical Note 2: 4800 = 600 TOPS at 8 bits = 300 TFLOPS at 16 bits (2 x 150 MacTOPS).
    assert metrics.tpp_from_units([Unit(tops=600, bit_length=8)]) == 4800
    assert metrics.tpp_from_units([Unit(mactops=150, bit_length=16)]) == 4800


def test_highest_bit_length_tpp_of_one_unit_counts_not_the_sum():
    units = [Unit(tops=989.4, bit_length=16), Unit(tops=1979, bit_length=8)]
    assert metrics.tpp_from_units(units) == pytest.approx(15832)


def test_different_processing_units_are_aggregated():
    # Technical Note 1.d: TPP = TPP1 + TPP2 + ... over processing units.
    units = [Unit(unit="tensor", tops=100, bit_length=16, count=2), Unit(unit="vector", tops=10, bit_length=32)]
    assert metrics.tpp_from_units(units) == 2 * 1600 + 320


def test_sparse_rates_are_not_used():
    assert metrics.tpp_from_units([Unit(tops=3958, bit_length=8, sparse=True)]) is None
    units = [Unit(tops=3958, bit_length=8, sparse=True), Unit(tops=1979, bit_length=8)]
    assert metrics.tpp_from_units(units) == 15832


def test_performance_density_and_unknown_area():
    assert metrics.performance_density(15832, 814) == pytest.approx(19.4496, rel=1e-4)
    assert metrics.performance_density(15832, None) is None
    assert metrics.performance_density(None, 814) is None


def test_memory_bandwidth_density():
    assert metrics.memory_bandwidth_density(1000, 500) == 2.0
    assert metrics.memory_bandwidth_density(None, 500) is None


def test_threshold_comparison_tolerates_float_representation():
    assert metrics.at_least(4736 / 800, 5.92)
    assert not metrics.at_least(5.9199, 5.92)
    assert not metrics.greater_than(2.0, 2.0)
    assert metrics.greater_than(2.0001, 2.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"tops": -1, "bit_length": 8},
        {"tops": math.nan, "bit_length": 8},
        {"bit_length": 8},
        {"tops": 1, "mactops": 1, "bit_length": 8},
        {"tops": 1, "bit_length": 0},
    ],
)
def test_invalid_units_are_rejected(bad):
    with pytest.raises(ValidationError):
        Unit(**bad)


def test_performance_density_range_is_reversed_by_the_area():
    # the larger die area gives the lower density
    assert metrics.performance_density_range(4096, (456.25, 1228)) == pytest.approx((4096 / 1228, 4096 / 456.25))
    assert metrics.performance_density_range(None, (1, 2)) is None
    assert metrics.performance_density_range(100, None) is None
