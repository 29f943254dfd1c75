"""Deleting a survey that nothing was collected for: a draft made by mistake, a wrong copy.

A survey's parts refer to each other with PROTECT (an item to its dimension, an invitation to
its group and village, so that stored answers keep what they were answered on), which made any
survey with an item or an invitation impossible to delete in the admin, with a message that spoke
of permissions. Here the parts go in an order that those references allow, all or nothing.

What was collected is never deleted: a survey with responses, printed paper sheets, audit
entries or a published report is refused, saying why; so is a survey that is collecting, whose
links are out.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.localized import localized
from surveys.models import AuditEntry, Invitation, Item, PaperSheet, PublishedReport, Response, Survey


def survey_delete_refusal(survey: Survey) -> str | None:
    """Why this survey may not be deleted, in a sentence for the administrator; None if it may."""
    title = localized(survey)
    responses = Response.objects.filter(survey=survey).count()
    if responses:
        return ngettext(
            "“%(title)s”已有 %(count)d 份答卷，不能删除：答卷永远保留。不再使用时请截止收集。",
            "“%(title)s”已有 %(count)d 份答卷，不能删除：答卷永远保留。不再使用时请截止收集。",
            responses,
        ) % {"title": title, "count": responses}
    if PublishedReport.objects.filter(survey=survey).exists():
        return _("“%(title)s”的结果已发布，不能删除。") % {"title": title}
    if PaperSheet.objects.filter(survey=survey).exists():
        return _("“%(title)s”已打印纸质问卷，不能删除：纸上的编号须始终能查到这项调查。") % {"title": title}
    if AuditEntry.objects.filter(survey=survey).exists():
        return _("“%(title)s”已有审计日志记录，不能删除。") % {"title": title}
    if survey.status == Survey.Status.OPEN:
        return _("“%(title)s”正在收集中，邀请链接可能已经发出：请先截止收集，再删除。") % {"title": title}
    return None


def survey_delete(*, survey: Survey) -> None:
    """Delete the survey and all its parts, or raise ValidationError saying why not."""
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        refusal = survey_delete_refusal(locked)
        if refusal:
            raise ValidationError(refusal, code="in_use")
        # Invitations and items first: they PROTECT groups, villages and dimensions, which the
        # survey's own deletion takes with it (quotas, versions and memberships too).
        Invitation.objects.filter(survey=locked).delete()
        Item.objects.filter(survey=locked).delete()
        locked.delete()
