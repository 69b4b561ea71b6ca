"""The red-team suite (issue 10, item 5): every case of ``cases.py`` as its own test id.

The cases run once per session, in two long-lived worker processes (``runner.Pool``) under a memory
cap and per-case time limits; each test then reads its case's verdict. Only the cases selected for
this session are run (``pytest -k formula`` runs only those). Every worker is killed at the end of
the session, also when a test fails or the run is interrupted.
"""

from __future__ import annotations

import time

import pytest

from .cases import CASES
from .runner import Pool


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="session")
def redteam_results(request):
    selected = {item.callspec.params["case"].id for item in request.session.items
                if getattr(item, "callspec", None) is not None and item.originalname == "test_redteam_case"
                and "case" in item.callspec.params}
    chosen = [case for case in CASES if case.id in selected] or list(CASES)
    start = time.monotonic()
    with Pool(2) as pool:
        results = pool.run(chosen)
    results["__seconds__"] = time.monotonic() - start
    return results


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_redteam_case(case, redteam_results):
    result = redteam_results.get(case.id)
    if result is None:
        pytest.fail(f"{case.id} was not run", pytrace=False)
    if not result["passed"]:
        pytest.fail(f"{case.id} ({case.description or case.expect.describe()}): expected "
                    f"{case.expect.describe()} within {case.limit:g} s; {result['outcome']}", pytrace=False)


def test_redteam_table():
    """At least 300 cases, unique ids, every category of the issue present, every xfail with a reason."""
    assert len(CASES) >= 300, len(CASES)
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.category for case in CASES} >= {"formula", "api", "cli", "size", "numbers", "messages", "process"}
    assert all(case.xfail is None or case.xfail.strip() for case in CASES)
