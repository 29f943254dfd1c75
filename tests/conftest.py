import pytest


@pytest.fixture
def survey(db):
    from tests.factories import make_survey

    return make_survey()


@pytest.fixture(autouse=True)
def _fresh_survey_state():
    """Each test starts without what an earlier one's submissions remembered of its surveys."""
    from surveys.services.quality import recent_durations_forget
    from surveys.survey_state import survey_state_forget

    survey_state_forget()
    recent_durations_forget()
    yield
    survey_state_forget()
    recent_durations_forget()
