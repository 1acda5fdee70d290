from __future__ import annotations

import pytest

from corroborate.extract.pipeline import Pipeline


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The real extraction pipeline (spaCy model, gazetteer, lexicons), loaded once."""
    return Pipeline.from_config()
