"""GET /api/v1/surveys/SLUG/progress/ — quota progress (contract §6), polled by the dashboard."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from surveys.api.score_schema import refusals
from surveys.localized import localized, place
from surveys.permissions import CanViewProgress, survey_get_for
from surveys.selectors_progress import Progress, survey_progress
from surveys.selectors_review import flag_summary
from surveys.services.quality import FLAG_KINDS

STATUS_CHOICES = ["behind", "met", "over"]


# `group_name` and `village_name` of a serializer whose object has `group` and `village` (None
# where the place names none), in the request's language (?lang=en or the cookie). A comment,
# not a docstring: drf-spectacular would print a docstring as each schema's description.
class _PlaceNames:
    @extend_schema_field(serializers.CharField())
    def get_group_name(self, place) -> str:
        return localized(place.group)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_village_name(self, place) -> str | None:
        return localized(place.village) if place.village is not None else None


class CellSerializer(_PlaceNames, serializers.Serializer):
    key = serializers.CharField(help_text="group|village|age_band codes, blank where the quota has none")
    group = serializers.CharField(source="group.code")
    group_name = serializers.SerializerMethodField()
    village = serializers.CharField(source="village.code", allow_null=True, default=None)
    village_name = serializers.SerializerMethodField()
    age_band = serializers.CharField(source="age_band.code", allow_null=True, default=None)
    age_band_label = serializers.SerializerMethodField()
    label = serializers.CharField()
    target = serializers.IntegerField(
        allow_null=True, help_text="null: responses arrived where no quota is set"
    )
    received = serializers.IntegerField(help_text="responses counted (not excluded)")
    excluded = serializers.IntegerField()
    flagged = serializers.IntegerField(
        help_text="responses carrying a data-quality flag (一律同答, 用时过短, 疑似重复, 超出配额, 截止后送达), "
        "excluded ones too; which and why on the staff page"
    )
    missing = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    bar_percent = serializers.FloatField(
        help_text="the progress bar's width, 0–100: a quota of 0 is met from the start (a full bar), "
        "one over its quota is full; 0 where no quota is set"
    )
    status = serializers.ChoiceField(STATUS_CHOICES, allow_null=True)
    status_label = serializers.CharField()

    # Names in the request's language (?lang=en or the language cookie), as `label` is.
    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_age_band_label(self, cell) -> str | None:
        return localized(cell.age_band) if cell.age_band is not None else None


class TotalsSerializer(serializers.Serializer):
    target = serializers.IntegerField(
        help_text="responses the quotas ask for; a quota and the finer ones inside it (a village's "
        "and its age bands') ask for the same responses, counted once"
    )
    received = serializers.IntegerField(help_text="responses counted (not excluded)")
    towards_target = serializers.IntegerField(
        help_text="target less what the quotas still miss: a cell over its quota does not make up for one behind"
    )
    responses = serializers.IntegerField(help_text="all responses stored, excluded ones too")
    excluded = serializers.IntegerField()
    flagged = serializers.IntegerField(help_text="responses carrying a data-quality flag, excluded ones too")
    percent = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(STATUS_CHOICES, allow_null=True)
    status_label = serializers.CharField()
    synthetic = serializers.SerializerMethodField(
        help_text="responses (excluded ones too) that are synthetic demo data, not a real survey's: "
        "the staff page says so in red; 0 for a real survey"
    )

    def get_synthetic(self, progress: Progress) -> int:
        return progress.synthetic


class InvitationRowSerializer(serializers.Serializer):
    token = serializers.CharField(source="invitation.token")
    group = serializers.CharField(source="invitation.group.code")
    village = serializers.CharField(source="invitation.village.code", allow_null=True, default=None)
    label = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(source="invitation.is_active")
    responses = serializers.IntegerField()

    @extend_schema_field(serializers.CharField())
    def get_label(self, row) -> str:
        return place(row.invitation)


class InvitationsSerializer(serializers.Serializer):
    issued = serializers.IntegerField(source="invitations_issued")
    returned = serializers.IntegerField(source="invitations_returned", help_text="with at least one response")
    responses_per_invitation = serializers.FloatField(allow_null=True)
    without_invitation = serializers.IntegerField(help_text="responses imported or entered without a link")
    rows = InvitationRowSerializer(many=True, source="invitations")


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class FlagKindSerializer(serializers.Serializer):
    code = serializers.ChoiceField(list(FLAG_KINDS))
    label = serializers.CharField(help_text="its short name, in the request's language")
    count = serializers.IntegerField(help_text="responses carrying it, excluded ones too")


class FlaggedPlaceSerializer(_PlaceNames, serializers.Serializer):
    village = serializers.CharField(source="village.code", allow_null=True, default=None)
    village_name = serializers.SerializerMethodField()
    group = serializers.CharField(source="group.code")
    group_name = serializers.SerializerMethodField()
    flagged = serializers.IntegerField(help_text="responses carrying a flag, excluded ones too")
    responses = serializers.IntegerField(help_text="all responses of the place, excluded ones too")


class FlagsSerializer(serializers.Serializer):
    flagged = serializers.IntegerField()
    responses = serializers.IntegerField()
    kinds = serializers.SerializerMethodField(help_text="each kind of flag present, in a fixed order")
    places = FlaggedPlaceSerializer(
        many=True,
        help_text="every village × group (a group not sampled by village: the group) with a flagged "
        "response, most flagged first, then the larger share",
    )

    @extend_schema_field(FlagKindSerializer(many=True))
    def get_kinds(self, summary) -> list[dict]:
        return [{"code": code, "label": label, "count": n} for code, label, n in summary.kinds]


class ProgressSerializer(serializers.Serializer):
    survey = serializers.CharField(source="survey.slug")
    generated_at = serializers.DateTimeField()
    last_response_at = serializers.DateTimeField(allow_null=True)
    totals = TotalsSerializer(source="*")
    cells = CellSerializer(many=True)
    missing = CellSerializer(many=True, help_text="cells behind, most urgent first")
    invitations = InvitationsSerializer(source="*")
    per_day = serializers.SerializerMethodField(
        help_text="responses per day (by date submitted, else received), every day from first to last, "
        "at most 60 when they span more: the latest while the survey is open, the busiest once closed"
    )
    per_day_earlier = serializers.IntegerField(help_text="responses dated before the first day of per_day")
    per_day_later = serializers.IntegerField(
        help_text="responses dated after the last day of per_day (or after today: a wrong clock)"
    )

    flags = serializers.SerializerMethodField(
        help_text="what the staff page's data-quality card shows: the kinds of flag and where the "
        "flagged responses gather"
    )

    @extend_schema_field(FlagsSerializer)
    def get_flags(self, progress: Progress) -> dict:
        return FlagsSerializer(flag_summary(progress)).data

    @extend_schema_field(DaySerializer(many=True))
    def get_per_day(self, progress: Progress) -> list[dict]:
        return [{"date": day.isoformat(), "count": count} for day, count in progress.per_day]


class SurveyProgressView(APIView):
    permission_classes = [CanViewProgress]

    @extend_schema(
        responses={200: ProgressSerializer, **refusals()}, summary="配额进度（工作人员、评价人员）"
    )
    def get(self, request, slug: str):
        survey = survey_get_for(request.user, slug)
        self.check_object_permissions(request, survey)
        return ApiResponse(ProgressSerializer(survey_progress(survey)).data)
