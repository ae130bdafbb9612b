"""The hashed forms the SHACL engine writes for large focus sets (``MINUS`` a scanned subquery instead of
``FILTER NOT EXISTS``, both sides of ``sh:lessThan`` scanned) give pyshacl's results on generated shapes.

The engine switches to them at :data:`dprk_ld.shacl.engine.HASH_MIN` focus nodes; the generated data
sets are small, so the threshold is set to 0 here and every focus set counts as large.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dprk_ld.shacl import engine

from .test_shacl_generated import compare


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_hashed_forms_same_results_as_pyshacl(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "HASH_MIN", 0)
    ours, ref = compare(seed)
    assert ours == ref, f"seed {seed}: only ours {ours - ref}, only pyshacl {ref - ours}"
