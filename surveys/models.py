"""The data model: surveys, their questionnaire, sample design, invitations and responses.

One survey is one town or department in one year. Everything below a survey is identified by
a short code that stays the same from year to year, so that years compare; the natural keys
(survey slug + code) are what fixtures and files use.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from surveys.localized import localized, place
from surveys.names import NameField

CODE_HELP = _("英文小写代码，跨年度保持不变，用于文件与接口（如 economy、income）。")

# The characters of the XLSForm import (surveys/xlsform/sheets.py), so age bands such as 60+
# (contract §1) can be typed in the admin as well as loaded from files.
validate_code = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*\Z",
    _("代码只能由英文字母、数字和 _ . + - 组成，并以字母、数字或 _ 开头，如 economy、60+。"),
    code="invalid",
)


class SurveyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


LATE_GRACE_MAX_HOURS = 168  # a week: answers kept offline longer than that are not waited for
YEARS = (1900, 2100)  # the years a survey may be for


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("收集中")
        CLOSED = "closed", _("已截止")
        PUBLISHED = "published", _("已发布")

    slug = models.SlugField(_("代码"), max_length=80, unique=True)
    title = NameField(_("调查名称"), max_length=200)
    title_en = NameField(_("英文名称"), max_length=200, blank=True)
    organisation = NameField(_("被评价单位"), max_length=200)
    organisation_en = NameField(_("被评价单位英文名称"), max_length=200, blank=True)
    # A calendar year: a copy or an import once took 99999 (PostgreSQL: smallint out of range).
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(YEARS[0]), MaxValueValidator(YEARS[1])]
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status, default=Status.DRAFT)
    scheme = models.JSONField(
        _("计分方案"),
        null=True,
        blank=True,
        help_text=_("选项分值、维度权重、题目权重、群体权重（JSON）。留空则用各选项的默认分值、维度等权。"),
    )
    allow_shared_device = models.BooleanField(
        _("允许一机多答"),
        default=False,
        help_text=_("调查员拿一部手机请多人作答时勾选；默认同一设备只能提交一份答卷。"),
    )
    late_grace_hours = models.PositiveSmallIntegerField(
        _("截止后补收（小时）"),
        default=0,
        validators=[MaxValueValidator(LATE_GRACE_MAX_HOURS)],
        help_text=_(
            "手机离线时填好、截止后才送达的答卷：手机上的提交时间早于截止、且在截止后这么多小时内送达的，"
            "仍然收下，标为“截止后送达”供审核。0 = 截止后一律拒收。"
        ),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    closed_at = models.DateTimeField(_("截止收集时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = SurveyManager()

    class Meta:
        verbose_name = _("调查")
        verbose_name_plural = pgettext_lazy("复数", "调查")
        ordering = ["-year", "slug"]

    NAME_FIELD = "title"

    def __str__(self) -> str:
        return localized(self)  # its title, in English on English pages where it has one

    def natural_key(self):
        return (self.slug,)

    @property
    def accepts_responses(self) -> bool:
        return self.status == self.Status.OPEN


class SurveyPartManager(models.Manager):
    """Rows identified by (code, survey slug) in fixtures and files."""

    def get_by_natural_key(self, code, survey_slug):
        return self.get(code=code, survey__slug=survey_slug)


class SurveyPart(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, verbose_name=_("调查"))
    code = models.CharField(
        _("代码"), max_length=40, db_index=True, validators=[validate_code], help_text=CODE_HELP
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = SurveyPartManager()

    class Meta:
        abstract = True
        ordering = ["survey", "order", "code"]

    def natural_key(self):
        return (self.code, *self.survey.natural_key())

    natural_key.dependencies = ["surveys.survey"]


def _unique_code(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["survey", "code"], name=f"{name}_code_unique")


class Dimension(SurveyPart):
    NAME_FIELD = "name"
    name = NameField(_("名称"), max_length=100)
    name_en = NameField(_("英文名称"), max_length=100, blank=True)

    class Meta(SurveyPart.Meta):
        verbose_name = _("维度")
        verbose_name_plural = pgettext_lazy("复数", "维度")
        constraints = [_unique_code("dimension")]

    def __str__(self) -> str:
        return localized(self)


class Item(SurveyPart):
    NAME_FIELD = "text"
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, verbose_name=_("维度"))
    text = NameField(_("题目"), max_length=300)
    text_en = NameField(_("英文题目"), max_length=300, blank=True)

    class Meta(SurveyPart.Meta):
        verbose_name = _("题目")
        verbose_name_plural = pgettext_lazy("复数", "题目")
        constraints = [_unique_code("item")]

    def __str__(self) -> str:
        return localized(self)


class Option(SurveyPart):
    NAME_FIELD = "label"
    label = NameField(_("选项"), max_length=50)
    label_en = NameField(_("英文选项"), max_length=50, blank=True)
    points = models.FloatField(
        _("默认分值"), null=True, blank=True, help_text=_("留空表示不计分（如“不了解”），不计入平均。")
    )

    class Meta(SurveyPart.Meta):
        verbose_name = _("答案选项")
        verbose_name_plural = pgettext_lazy("复数", "答案选项")
        constraints = [_unique_code("option")]

    def __str__(self) -> str:
        return localized(self)

    def clean(self) -> None:
        # Scores are on 0–100 (contract §5), as a scheme's points are (stats/scheme.py); without a
        # scheme these points score, and 150 made every score page refuse the survey.
        if self.points is not None and not 0 <= self.points <= 100:
            raise ValidationError(
                {"points": ValidationError(_("须在 0 至 100 之间，或留空（不计分）。"), code="points_range")}
            )


class Group(SurveyPart):
    NAME_FIELD = "name"
    name = NameField(_("名称"), max_length=100)
    name_en = NameField(_("英文名称"), max_length=100, blank=True)
    by_village = models.BooleanField(
        _("按村抽样"), default=False, help_text=_("按村（社区）抽样并询问年龄段，如村民群众。")
    )
    population = models.PositiveIntegerField(
        _("总体人数"),
        null=True,
        blank=True,
        help_text=_("已知时用于有限总体校正，如在职工作人员106人；按村抽样的群体留空。"),
    )

    class Meta(SurveyPart.Meta):
        verbose_name = _("受访群体")
        verbose_name_plural = pgettext_lazy("复数", "受访群体")
        constraints = [_unique_code("group")]

    def __str__(self) -> str:
        return localized(self)

    def clean(self) -> None:
        # A response of a group sampled by village carries its village and age band, one of
        # another group neither: they are its strata, its quota cells and its scores' PSUs, and
        # a printed sheet asks for them or not. Switched once answered (or printed), what was
        # collected would no longer fit how the group is sampled.
        if self.pk is None:
            return
        stored = Group.objects.filter(pk=self.pk).values_list("by_village", flat=True).first()
        if stored is None or stored == self.by_village:
            return
        responses = Response.objects.filter(group=self).count()
        sheets = PaperSheet.objects.filter(invitation__group=self).count()
        if responses or sheets:
            raise _by_village_refused(
                _(
                    "“%(group)s”已有 %(responses)d 份答卷、印过 %(sheets)d 份纸质问卷，不能再改“按村抽样”："
                    "已收的答卷按它分了村（社区）和年龄段，改了会打乱它们的分层、配额和得分。"
                    "要换一种抽样方式，请另加一个受访群体。"
                )
                % {"group": localized(self), "responses": responses, "sheets": sheets},
                code="by_village_answered",
            )
        # Nothing collected yet, but links and quotas made for the old sampling would not fit the
        # new one: a village's link or a village's (or age band's) quota of a group no longer
        # sampled by village would never receive a fitting response; a group-wide link of a group
        # now sampled by village would collect responses with no village. Nothing was collected
        # through them, so they can be deleted: the admin is told which and how many, not left
        # with them (nor are they deleted behind the admin's back).
        invitations = Invitation.objects.filter(group=self)
        if self.by_village:
            links = invitations.filter(village__isnull=True).count()
            if links:
                raise _by_village_refused(
                    _(
                        "“%(group)s”还有 %(links)d 个不分村（社区）的邀请链接，不能改为按村抽样："
                        "从这些链接收到的答卷将没有村（社区）。请先在“邀请链接”中删除它们"
                        "（尚未收到答卷，可以删除），再改；改后可为各村（社区）发放链接。"
                    )
                    % {"group": localized(self), "links": links},
                    code="by_village_links",
                )
            return
        links = invitations.filter(village__isnull=False).count()
        quotas = (
            Quota.objects.filter(group=self)
            .filter(Q(village__isnull=False) | Q(age_band__isnull=False))
            .count()
        )
        if links or quotas:
            raise _by_village_refused(
                _(
                    "“%(group)s”还有 %(links)d 个按村（社区）的邀请链接、%(quotas)d 个按村（社区）或年龄段的配额，"
                    "不能改为不按村抽样：它们将永远收不到相符的答卷。请先在“邀请链接”和“配额”中删除它们"
                    "（尚未收到答卷，可以删除），再改。"
                )
                % {"group": localized(self), "links": links, "quotas": quotas},
                code="by_village_links",
            )


def _by_village_refused(message: str, *, code: str) -> ValidationError:
    """A switch of a group's 按村抽样 refused, as the error of that field (the admin shows it above
    the groups' table, by its code: surveys/admin.py)."""
    return ValidationError({"by_village": ValidationError(message, code=code)})


class AgeBand(SurveyPart):
    NAME_FIELD = "label"
    label = NameField(_("名称"), max_length=50)
    label_en = NameField(_("英文名称"), max_length=50, blank=True)

    class Meta(SurveyPart.Meta):
        verbose_name = _("年龄段")
        verbose_name_plural = pgettext_lazy("复数", "年龄段")
        constraints = [_unique_code("ageband")]

    def __str__(self) -> str:
        return localized(self)


class Village(SurveyPart):
    NAME_FIELD = "name"
    name = NameField(_("名称"), max_length=100)
    name_en = NameField(_("英文名称"), max_length=100, blank=True)
    is_placeholder = models.BooleanField(
        _("待命名"), default=False, help_text=_("报告中未列名的村（社区），请改成真实名称后取消勾选。")
    )

    class Meta(SurveyPart.Meta):
        verbose_name = _("村（社区）")
        verbose_name_plural = pgettext_lazy("复数", "村（社区）")
        constraints = [_unique_code("village")]

    def __str__(self) -> str:
        return localized(self)


def parts_of_this_survey(row: models.Model, fields: tuple[str, ...]) -> None:
    """Refuse a village, group or age band of another survey (another year's has the same name):
    the cell or link would silently count nothing, or file answers under a foreign group."""
    if row.survey_id is None:
        return
    errors = {}
    for name in fields:
        part = getattr(row, name)
        if part is not None and part.survey_id != row.survey_id:
            errors[name] = _("%(part)s 属于另一项调查（%(other)s），请选本调查（%(survey)s）的。") % {
                "part": localized(part),
                "other": part.survey.slug,
                "survey": row.survey.slug,
            }
    if errors:
        raise ValidationError(errors)


class QuotaManager(models.Manager):
    def get_by_natural_key(self, survey_slug, group, village, age_band):
        return self.get(
            survey__slug=survey_slug,
            group__code=group,
            village__code=village,
            age_band__code=age_band,
        )


class Quota(models.Model):
    """How many responses are wanted in one cell of village × group × age band."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, verbose_name=_("调查"))
    group = models.ForeignKey(Group, on_delete=models.CASCADE, verbose_name=_("受访群体"))
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("村（社区）")
    )
    age_band = models.ForeignKey(
        AgeBand, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("年龄段")
    )
    target = models.PositiveIntegerField(_("目标份数"))

    objects = QuotaManager()

    class Meta:
        verbose_name = _("配额")
        verbose_name_plural = pgettext_lazy("复数", "配额")
        ordering = ["survey", "group__order", "village__order", "age_band__order"]
        # NULL never equals NULL in a unique index, so each shape of cell gets its own.
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "group", "village", "age_band"],
                condition=Q(village__isnull=False, age_band__isnull=False),
                name="quota_cell_unique",
                violation_error_message=_("这个村、群体和年龄段已有配额。"),
            ),
            models.UniqueConstraint(
                fields=["survey", "group", "village"],
                condition=Q(village__isnull=False, age_band__isnull=True),
                name="quota_village_unique",
                violation_error_message=_("这个村和群体已有配额。"),
            ),
            models.UniqueConstraint(
                fields=["survey", "group", "age_band"],
                condition=Q(village__isnull=True, age_band__isnull=False),
                name="quota_ageband_unique",
                violation_error_message=_("这个群体和年龄段已有配额。"),
            ),
            models.UniqueConstraint(
                fields=["survey", "group"],
                condition=Q(village__isnull=True, age_band__isnull=True),
                name="quota_group_unique",
                violation_error_message=_("这个群体已有配额。"),
            ),
        ]

    def __str__(self) -> str:
        return pgettext("配额", "%(cell)s：%(target)d") % {"cell": self.cell_name, "target": self.target}

    @property
    def cell_name(self) -> str:
        """ "东村 · 村民群众 · 18–44岁": the cell the quota is for."""
        return " · ".join(str(p) for p in (self.village, self.group, self.age_band) if p is not None)

    def natural_key(self):
        return (
            self.survey.slug,
            self.group.code,
            self.village.code if self.village_id else None,
            self.age_band.code if self.age_band_id else None,
        )

    natural_key.dependencies = ["surveys.group", "surveys.village", "surveys.ageband"]

    def clean(self) -> None:
        parts_of_this_survey(self, ("group", "village", "age_band"))
        # A group not sampled by village answers with neither village nor age band: a cell that
        # names either would never receive a response and stay "behind" for good.
        if self.group_id and not self.group.by_village:
            errors = {}
            if self.village_id is not None:
                errors["village"] = _("“%(group)s”不按村抽样，村（社区）应留空。") % {
                    "group": localized(self.group)
                }
            if self.age_band_id is not None:
                errors["age_band"] = _("“%(group)s”不按年龄段抽样，年龄段应留空。") % {
                    "group": localized(self.group)
                }
            if errors:
                raise ValidationError(errors)


def new_token() -> str:
    # 8 random bytes: short enough for a QR code and a link typed by hand, far too many to guess.
    # Not beginning with "-": a command line took "-6ny6hgx9fM" for an option.
    while (token := secrets.token_urlsafe(8)).startswith("-"):
        pass
    return token


class InvitationManager(models.Manager):
    def get_by_natural_key(self, token):
        return self.get(token=token)


class Invitation(models.Model):
    """A link (and QR code) through which one village's or one group's respondents answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, verbose_name=_("调查"))
    token = models.CharField(_("邀请码"), max_length=40, unique=True, default=new_token)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, verbose_name=_("受访群体"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("村（社区）")
    )
    single_use = models.BooleanField(_("仅限一次"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = InvitationManager()

    class Meta:
        verbose_name = _("邀请链接")
        verbose_name_plural = pgettext_lazy("复数", "邀请链接")
        ordering = ["survey", "group__order", "village__order", "token"]

    def __str__(self) -> str:
        return place(self)  # "village · group", in the active language

    def natural_key(self):
        return (self.token,)

    def clean(self) -> None:
        parts_of_this_survey(self, ("group", "village"))
        # As the responses CSV asks (contract §3), or its answers would not import back.
        if self.group_id and self.group.by_village and self.village_id is None:
            raise ValidationError(
                {"village": _("“%(group)s”按村抽样，请选择村（社区）。") % {"group": localized(self.group)}}
            )
        if self.group_id and not self.group.by_village and self.village_id is not None:
            raise ValidationError(
                {"village": _("“%(group)s”不按村抽样，村（社区）应留空。") % {"group": localized(self.group)}}
            )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            # Such a link is never open: every respondent would be turned away.
            raise ValidationError(
                {"closes_at": _("截止时间早于开始时间，这个链接将无法作答：请改正其中之一。")}
            )

    @property
    def url(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}/s/{self.token}/"

    def is_within_window(self, now=None) -> bool:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class QuestionnaireVersion(models.Model):
    """A frozen copy of the questionnaire exactly as respondents saw it.

    Responses point at the version they answered, and their answers are stored against its
    item and option order. Editing the questionnaire later makes a new version instead of
    changing what old answers mean.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, verbose_name=_("调查"))
    number = models.PositiveIntegerField(_("版本号"))
    digest = models.CharField(_("内容摘要"), max_length=64)
    definition = models.JSONField(_("问卷内容"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("问卷版本")
        verbose_name_plural = pgettext_lazy("复数", "问卷版本")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="version_number_unique"),
            models.UniqueConstraint(fields=["survey", "digest"], name="version_digest_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} v{self.number}"

    @property
    def item_codes(self) -> list[str]:
        return [item["code"] for item in self.definition["items"]]

    @property
    def option_codes(self) -> list[str]:
        return [option["code"] for option in self.definition["options"]]


class Response(models.Model):
    """One respondent's answers.

    The id is made by the respondent's device (or the import file), never by the server, so
    that a retry of the same submission is recognised by the database's primary key.

    `answers` holds one character per item of the questionnaire version, in its order: the
    option's position ("0" for the first option, up to "9" then "a"–"z") or "-" when the item
    was left blank. A million responses are a million short strings, loaded in one query.
    """

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        IMPORT = "import", _("文件导入")
        PAPER = "paper", _("纸质录入")
        SYNTHETIC = "synthetic", _("合成演示数据")

    id = models.UUIDField(_("答卷编号"), primary_key=True, default=uuid.uuid4)
    # Every insert updates every index of this, the largest table: no index of its own for a
    # foreign key that the survey-first indexes below already lead with (survey), that nothing
    # looks responses up by (version), or that is only looked up when an administrator deletes
    # a group or an age band (which the admin refuses once the survey has responses). Invitation
    # (the single-use check) and village (the admin's rename check) keep theirs.
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, db_index=False, verbose_name=_("调查"))
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, db_index=False, verbose_name=_("问卷版本")
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("邀请链接")
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, db_index=False, verbose_name=_("受访群体"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("村（社区）")
    )
    age_band = models.ForeignKey(
        AgeBand, on_delete=models.PROTECT, null=True, blank=True, db_index=False, verbose_name=_("年龄段")
    )
    answers = models.CharField(_("答案"), max_length=255)
    comment = models.TextField(_("意见建议"), blank=True)
    started_at = models.DateTimeField(_("开始作答"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source, default=Source.WEB)
    device = models.CharField(_("设备标记摘要"), max_length=64, blank=True)
    excluded = models.BooleanField(_("已剔除"), default=False)
    # Data-quality flags set when the response arrives: [{"code": ..., "reason": ...}].
    flags = models.JSONField(_("数据质量标记"), default=list, blank=True)
    entered_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="entered_responses", verbose_name=_("录入人")
    )

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = pgettext_lazy("复数", "答卷")
        ordering = ["survey", "received_at"]
        indexes = [
            models.Index(fields=["survey", "received_at"], name="response_survey_received"),
            models.Index(fields=["survey", "group", "village", "age_band"], name="response_survey_cell"),
            # Responses per day on the staff dashboard, counted from the index alone.
            models.Index(fields=["survey", "submitted_at", "received_at"], name="response_survey_submitted"),
            # One phone, one response: whether a device marker answered, without reading the survey.
            models.Index(fields=["survey", "device"], condition=~Q(device=""), name="response_survey_device"),
            # Only the flagged or excluded few: the review list without scanning the rest.
            models.Index(
                fields=["survey", "received_at"],
                condition=Q(excluded=True) | ~Q(flags=[]),
                name="response_review",
            ),
            # Only the demo's synthetic responses (none in a real survey, whose inserts add nothing
            # to it): the staff page and its workbook say how many there are without a scan.
            models.Index(fields=["survey"], condition=Q(source="synthetic"), name="response_synthetic"),
        ]

    def __str__(self) -> str:
        return str(self.id)


class SurveyMembership(models.Model):
    """Who works on a survey, and as what. Administrators (superusers) see every survey."""

    class Role(models.TextChoices):
        STAFF = "staff", _("工作人员")
        EVALUATOR = "evaluator", _("评价人员")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, verbose_name=_("调查"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=12, choices=Role)

    class Meta:
        verbose_name = _("调查成员")
        verbose_name_plural = pgettext_lazy("复数", "调查成员")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.survey.slug}"


class AuditEntry(models.Model):
    """One change to a survey's data or its review: who, when, what, why. Never edited."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, verbose_name=_("调查"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=40)
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("答卷")
    )
    reason = models.TextField(_("原因"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("复数", "审计记录")
        ordering = ["survey", "-at"]
        indexes = [models.Index(fields=["survey", "at"], name="audit_survey_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class PublishedReport(models.Model):
    """What a survey's evaluators published, frozen: the score document and the downloads.

    Publishing stores the files themselves, so a published report downloads byte for byte the
    same later, whatever happens to the data afterwards.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, verbose_name=_("调查"))
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("发布人")
    )
    data_hash = models.CharField(_("答卷摘要"), max_length=64, help_text=_("所含答卷的 SHA-256 摘要"))
    scheme = models.JSONField(_("计分方案"))
    score = models.JSONField(_("得分文档"))
    xlsx = models.BinaryField(_("XLSX"), blank=True)
    pdf = models.BinaryField(_("PDF"), blank=True)
    csv = models.BinaryField(_("CSV"), blank=True)
    sav = models.BinaryField(_("SPSS"), blank=True, default=b"")
    # The same report in English, frozen at the same moment from the same data (empty for
    # publications made before English reports existed).
    score_en = models.JSONField(_("得分文档（英文）"), null=True, blank=True)
    xlsx_en = models.BinaryField(_("XLSX（英文）"), blank=True, default=b"")
    pdf_en = models.BinaryField(_("PDF（英文）"), blank=True, default=b"")
    csv_en = models.BinaryField(_("CSV（英文）"), blank=True, default=b"")
    sav_en = models.BinaryField(_("SPSS（英文）"), blank=True, default=b"")

    class Meta:
        verbose_name = _("已发布报告")
        verbose_name_plural = pgettext_lazy("复数", "已发布报告")
        ordering = ["survey", "-created_at"]

    def __str__(self) -> str:
        return f"{self.survey.slug} {self.created_at:%Y-%m-%d %H:%M}"

    def file(self, fmt: str, language: str = "zh") -> bytes:
        """The frozen download in that language; b"" if this publication has none."""
        return bytes(getattr(self, f"{fmt}_en" if language == "en" else fmt) or b"")

    def document(self, language: str = "zh") -> dict | None:
        """The frozen score document in that language; None if this publication has none."""
        return self.score_en if language == "en" else self.score


class PaperSheet(models.Model):
    """One printed paper questionnaire: its number and the response id its QR code carries."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, verbose_name=_("调查"))
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, verbose_name=_("邀请链接"))
    number = models.CharField(_("问卷编号"), max_length=20, unique=True)
    response_id = models.UUIDField(_("答卷编号"), unique=True, default=uuid.uuid4)
    printed_at = models.DateTimeField(_("打印时间"), default=timezone.now)

    class Meta:
        verbose_name = _("纸质问卷")
        verbose_name_plural = pgettext_lazy("复数", "纸质问卷")
        ordering = ["survey", "number"]

    def __str__(self) -> str:
        return self.number


class PaperEntry(models.Model):
    """One staff member's typing of one paper sheet (double entry: two per sheet)."""

    sheet = models.ForeignKey(PaperSheet, on_delete=models.PROTECT, verbose_name=_("纸质问卷"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("录入人"))
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, verbose_name=_("问卷版本"))
    age_band = models.ForeignKey(
        AgeBand, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("年龄段")
    )
    answers = models.CharField(_("答案"), max_length=255)
    comment = models.TextField(_("意见建议"), blank=True)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    keystrokes = models.PositiveIntegerField(_("按键次数"), null=True, blank=True)

    class Meta:
        verbose_name = _("录入记录")
        verbose_name_plural = pgettext_lazy("复数", "录入记录")
        ordering = ["sheet", "entered_at"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "user"], name="paper_entry_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.user}"
