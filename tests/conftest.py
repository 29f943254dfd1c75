import pytest


@pytest.fixture
def survey(db):
    from tests.factories import make_survey

    return make_survey()
