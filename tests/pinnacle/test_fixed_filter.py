"""`fixed` writes numbers as `floatformat` does on the portal's pages, without its cost."""

import random
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat

from pinnacle.templatetags.pinnacle import fixed

pytestmark = pytest.mark.unit

EDGES = [0, 1, -1, 0.5, 1.5, 2.5, -0.5, -0.4, 2.675, 1.005, 57.3333, 99.95, 100, 123456.789]
EDGES += [1e-7, 1e16, Decimal("1.005"), Decimal("-0.05"), float("inf"), float("nan"), None, ""]


@pytest.mark.parametrize("places", [0, 1, 2, 3])
def test_every_number_is_written_as_floatformat_writes_it(places):
    draw = random.Random(places)
    values = EDGES + [draw.uniform(-1000, 1000) for _ in range(2000)]
    values += [draw.randint(-(10**6), 10**6) for _ in range(200)]
    assert [fixed(v, places) for v in values] == [floatformat(v, places) for v in values]


def test_a_contacts_strength_is_a_whole_number_rounded_half_up():
    assert fixed(57.5) == "58" and fixed(-0.4) == "0" and fixed(2.675, 2) == "2.68"
