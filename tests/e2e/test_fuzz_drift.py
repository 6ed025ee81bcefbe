"""A short seeded run of ``benchmarks/fuzz_edits.py``: random incremental edits with every line
break, anchors, aliases, merge keys, lone surrogates and huge numbers; the server's diagnostics
and outline must equal those of a fresh didOpen of the client's text at every checkpoint."""

from __future__ import annotations

import fuzz_edits
import pytest


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 17])
def test_seeded_random_edits_never_drift_crash_or_go_unanswered(seed: int) -> None:
    figures = fuzz_edits.run(edits=400, seed=seed, check_every=50)
    assert figures.edits == 400 and figures.checkpoints == 8
    assert figures.drift == []
    assert figures.unanswered == 0 and figures.error_replies == 0
    assert not figures.crashed
    assert figures.requests == 80
