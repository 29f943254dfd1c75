"""The cast of the security tests: two towns' surveys and everyone who might knock on them."""

from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.authtoken.models import Token

from surveys.models import Invitation, PaperSheet, Response, Survey, SurveyMembership
from surveys.services.paper import paper_sheets_print
from tests.factories import make_survey
from tests.security.caches import cache_backend  # noqa: F401  (a fixture: database cache, then Redis)
from tests.surveys.staff_factories import make_member, make_response, make_user

# The personas of the permission matrix, in the order its tables list them.
PERSONAS = (
    "anonymous",
    "respondent",
    "staff",
    "other_staff",
    "evaluator",
    "evaluator_token",
    "administrator",
)
UNKNOWN_TOKEN = "no-such-invitation"


@dataclass
class World:
    survey: Survey  # 山村镇 2024, the survey every URL is asked about
    last_year: Survey  # 山村镇 2023, the same town's earlier survey (for compare)
    elsewhere: Survey  # another town's survey
    invitation: Invitation
    response: Response
    sheet: PaperSheet
    users: dict
    token: str

    def client(self, persona: str, **kwargs) -> Client:
        """A test client acting as the persona (the evaluator's token rides in the Authorization header)."""
        if persona == "evaluator_token":
            return Client(HTTP_AUTHORIZATION=f"Token {self.token}", **kwargs)
        client = Client(**kwargs)
        user = self.users.get(persona)
        if user is not None:
            client.force_login(user)
        return client

    def url_kwargs(self, persona: str) -> dict:
        """Values for every URL parameter the site has; a new parameter name needs one here."""
        return {
            "slug": self.survey.slug,
            "other": self.last_year.slug,
            "token": UNKNOWN_TOKEN if persona == "anonymous" else self.invitation.token,
            "response_id": self.response.pk,
            "number": self.sheet.number,
            "name": "dimensions",  # a chart
            "fmt": "png",
            "url": "no-such-page/",  # the admin's catch-all
        }

    def admin_url_kwargs(self) -> dict:
        """url_kwargs with the admin's own parameters (an object, its content type, a user)."""
        return self.url_kwargs("administrator") | {
            "object_id": self.survey.pk,
            "content_type_id": ContentType.objects.get_for_model(Survey).pk,
            "app_label": "surveys",
            "id": self.users["administrator"].pk,
        }


@pytest.fixture
def world(db) -> World:
    survey = make_survey("hill-2024")
    last_year = make_survey("hill-2023", status=Survey.Status.CLOSED)
    elsewhere = make_survey("vale-2024")
    invitation = Invitation.objects.get(survey=survey)
    response = make_response(survey, invitation=invitation)
    sheet = paper_sheets_print(invitation=invitation, count=1)[0]
    staff = make_member(survey, "staff", SurveyMembership.Role.STAFF)
    SurveyMembership.objects.create(survey=last_year, user=staff, role=SurveyMembership.Role.STAFF)
    evaluator = make_member(survey, "evaluator", SurveyMembership.Role.EVALUATOR)
    SurveyMembership.objects.create(survey=last_year, user=evaluator, role=SurveyMembership.Role.EVALUATOR)
    users = {
        "staff": staff,
        "other_staff": make_member(elsewhere, "other-staff", SurveyMembership.Role.STAFF),
        "evaluator": evaluator,
        "administrator": make_user("admin", superuser=True),
    }
    token = Token.objects.create(user=evaluator).key
    return World(survey, last_year, elsewhere, invitation, response, sheet, users, token)
