"""Staff pages for paper questionnaires under /staff/<slug>/paper/: print, enter, resolve.

Thin views over surveys/services/paper.py and surveys/paper/selectors.py. The entry page talks
to two small JSON endpoints (look a sheet up, save an entry); everything else is plain forms.
Every page needs a staff member or an administrator of the survey (404 for outsiders, 403 for
evaluators), like the review actions of the dashboard.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from surveys.json_input import json_read
from surveys.localized import localized, named, place
from surveys.models import Invitation, PaperSheet
from surveys.paper.keys import blank_key, option_keys
from surveys.paper.pdf import paper_form_pdf
from surveys.paper.selectors import (
    paper_discrepancies,
    paper_next_number,
    paper_sheet_find,
    paper_sheet_state,
    paper_summary,
)
from surveys.permissions import can_review, survey_get_for
from surveys.placed_messages import messages_placed
from surveys.respond.posters import PosterFontMissing, print_families
from surveys.selectors import survey_catalog
from surveys.services.paper import (
    DISCREPANCY,
    STORED,
    PaperInvalid,
    PaperRefused,
    SheetNumberInvalid,
    paper_discrepancy_resolve,
    paper_entry_save,
    paper_sheets_print,
    typist_may_not_resolve,
)
from surveys.services.questionnaire import questionnaire_version_current
from surveys.services.submission import COMMENT_MAX_LENGTH

BLANK_CHOICE = "-"  # the resolve form's value for "left blank on the paper"
# Drawing takes about a quarter of a second per sheet: a hundred stay well inside a request's
# time limit. Larger batches: several downloads, or the paper_forms command.
MAX_PRINT_WEB = 100
SHEET_TAG = "sheet-"  # a resolution's message's extra tag, then the sheet's number (its section's id)


def _survey_for_staff(request, slug: str):
    survey = survey_get_for(request.user, slug)
    if not can_review(request.user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以处理纸质问卷。"))
    return survey


def _sheet(survey, number: str) -> PaperSheet:
    return get_object_or_404(
        PaperSheet.objects.select_related("survey", "invitation__group", "invitation__village"),
        survey=survey,
        number=number,
    )


@login_required
@require_GET
def paper_home(request, slug: str):
    survey = _survey_for_staff(request, slug)
    invitations = Invitation.objects.filter(survey=survey).select_related("group", "village")
    return render(
        request,
        "surveys/paper/home.html",
        {
            "survey": survey,
            "summary": paper_summary(survey),
            "invitations": invitations,
            "max_print": MAX_PRINT_WEB,
        },
    )


@login_required
@require_POST
def paper_print(request, slug: str):
    """Number new sheets for one invitation and download them as one PDF."""
    survey = _survey_for_staff(request, slug)
    token = request.POST.get("invitation", "")
    if "\x00" in token:  # no select sends one; PostgreSQL cannot compare it (a 500)
        raise Http404
    invitation = get_object_or_404(Invitation, survey=survey, token=token)
    try:
        count = int(request.POST.get("count", ""))
        if not 1 <= count <= MAX_PRINT_WEB:
            raise ValueError
        print_families()  # before numbering: no sheets are numbered that cannot be printed
        sheets = paper_sheets_print(invitation=invitation, count=count)
    except ValueError:
        messages.error(
            request,
            _("网页上一次打印 1 至 %(n)d 份；更多请分批下载，或用 paper_forms 命令。") % {"n": MAX_PRINT_WEB},
        )
        return redirect("staff-paper", slug=survey.slug)
    except PosterFontMissing as error:
        messages.error(request, str(error))
        return redirect("staff-paper", slug=survey.slug)
    pdf = paper_form_pdf(sheets)
    response = HttpResponse(pdf, content_type="application/pdf")
    numbers = sheets[0].number if len(sheets) == 1 else f"{sheets[0].number}-{sheets[-1].number}"
    filename = f"{survey.slug}-{numbers}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def paper_enter(request, slug: str):
    survey = _survey_for_staff(request, slug)
    version = questionnaire_version_current(survey=survey)
    catalog = survey_catalog(survey)
    options = version.definition["options"]
    age_bands = list(catalog.age_bands.values())
    config = {
        "lookupUrl": reverse("staff-paper-lookup", args=[survey.slug]),
        "saveUrl": reverse("staff-paper-entry", args=[survey.slug, "NUMBER"]),
        "items": [
            {"code": i["code"], "text": named(i, "text"), "dimension": i["dimension"]}
            for i in version.definition["items"]
        ],
        "dimensions": {d["code"]: named(d, "name") for d in version.definition["dimensions"]},
        # Each with its key (surveys/paper/keys.py): two digits each beyond nine options.
        "options": [
            {"code": o["code"], "label": named(o, "label"), "key": key}
            for o, key in zip(options, option_keys(len(options)), strict=True)
        ],
        "blankKey": blank_key(len(options)),
        "ageBands": [
            {"code": a.code, "label": localized(a), "key": key}
            for a, key in zip(age_bands, option_keys(len(age_bands)), strict=True)
        ],
        "ageBlankKey": blank_key(len(age_bands)),
        # What paper-entry.js writes itself, in the page's language.
        "texts": {
            "blank": _("空白"),
            "age_band": _("年龄段"),
            "discarded": _("已放弃这张问卷的录入，未保存。"),
            "lookup_failed": _("查找问卷失败。"),
            "sheet": _("问卷"),
            "second": _("第 2 遍录入（核对）"),
            "first": _("第 1 遍录入"),
            "network": _("网络错误，请重试。"),
            "save_failed": _("保存失败。"),
            "network_unsaved": _("网络错误，未保存：请按 Enter 重试。"),
            "camera": _("无法打开摄像头，请手动输入编号。"),
            "no_such_key": _("没有这个选项："),
        },
    }
    return render(
        request,
        "surveys/paper/enter.html",
        {"survey": survey, "config": config, "comment_max": COMMENT_MAX_LENGTH},
    )


def _sheet_json(sheet: PaperSheet) -> dict:
    invitation = sheet.invitation
    return {
        "number": sheet.number,
        "response_id": str(sheet.response_id),
        "place": place(invitation),
        "by_village": invitation.group.by_village,
    }


@login_required
@require_GET
def paper_lookup(request, slug: str):
    """GET ?q=<typed number or scanned QR text> → the sheet and which entry this user would make."""
    survey = _survey_for_staff(request, slug)
    try:
        sheet = paper_sheet_find(survey, request.GET.get("q", ""))
    except SheetNumberInvalid as error:
        return JsonResponse({"error": str(error)}, status=404)
    state = paper_sheet_state(sheet, request.user)
    body = {**_sheet_json(sheet), "status": state.status, "ordinal": state.ordinal, "message": state.message}
    if not state.can_enter:
        body["next_number"] = paper_next_number(sheet)
        return JsonResponse({**body, "error": state.message}, status=409)
    return JsonResponse(body)


@login_required
@require_POST
def paper_entry(request, slug: str, number: str):
    """POST JSON {"age_band", "answers": {item: option or null}, "comment", "keystrokes"} → the outcome."""
    survey = _survey_for_staff(request, slug)
    sheet = _sheet(survey, number)
    try:
        payload = json_read(request.body.decode())  # NotJSON, UnicodeDecodeError: ValueErrors
        answers = payload["answers"]
        if not isinstance(answers, dict):
            raise TypeError
        keystrokes = payload.get("keystrokes")
        keystrokes = int(keystrokes) if keystrokes is not None else None
        comment = payload.get("comment") or ""
        if not isinstance(comment, str) or "\x00" in comment:  # no textarea sends these
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("请求格式不对。")}, status=400)
    try:
        result = paper_entry_save(
            sheet=sheet,
            user=request.user,
            age_band=payload.get("age_band"),
            answers=answers,
            comment=comment,
            keystrokes=keystrokes,
        )
    except PaperRefused as refusal:
        return JsonResponse({"error": refusal.message, "code": refusal.code}, status=409)
    except PaperInvalid as invalid:
        # What is wrong, said to the typist (the comment too long: "意见建议最多 2000 字。").
        problems = _("；").join(m for ms in invalid.errors.values() for m in ms)
        return JsonResponse({"error": _("录入内容有误：") + problems, "errors": invalid.errors}, status=400)
    if result.status == STORED:
        message = _("问卷 %(number)s：两遍录入一致，已计入。") % {"number": sheet.number}
    elif result.status == DISCREPANCY:
        message = ngettext(
            "问卷 %(number)s：与第 1 遍录入有 %(n)d 处不一致，已交主管对照原件裁定。",
            "问卷 %(number)s：与第 1 遍录入有 %(n)d 处不一致，已交主管对照原件裁定。",
            len(result.differences),
        ) % {"number": sheet.number, "n": len(result.differences)}
    else:
        message = _("问卷 %(number)s：第 1 遍录入已保存，等待另一位工作人员第 2 遍录入。") % {
            "number": sheet.number
        }
    return JsonResponse(
        {
            "number": sheet.number,
            "status": result.status,
            "ordinal": result.ordinal,
            "differences": result.differences,
            "message": message,
            "next_number": paper_next_number(sheet),
        },
        status=201,
    )


@login_required
@require_GET
def paper_discrepancy_list(request, slug: str):
    survey = _survey_for_staff(request, slug)
    catalog = survey_catalog(survey)
    options = {code: localized(o) for code, o in catalog.options.items()}
    # A refused resolution's problem goes in its sheet's section; other messages stay at the top,
    # as does the problem of a sheet no longer listed (resolved meanwhile by someone else).
    listed = paper_discrepancies(survey, catalog=catalog)
    problems, other_messages = messages_placed(request, SHEET_TAG, {d.sheet.number for d in listed})
    return render(
        request,
        "surveys/paper/discrepancies.html",
        {
            "survey": survey,
            "other_messages": other_messages,
            # Each with a note instead of the form for a sheet this user typed (they may not
            # resolve it), and the problem of this user's last try to resolve it, if any.
            "discrepancies": [
                (
                    d,
                    typist_may_not_resolve(d.sheet.number)
                    if any(e.user_id == request.user.pk for e in d.entries)
                    else "",
                    problems.get(d.sheet.number),
                )
                for d in listed
            ],
            "options": options,
            "age_bands": {code: localized(a) for code, a in catalog.age_bands.items()},
            "blank": BLANK_CHOICE,
            "comment_max": COMMENT_MAX_LENGTH,
        },
    )


@login_required
@require_POST
def paper_resolve(request, slug: str, number: str):
    """The supervisor's form: one choice per item ("-" for blank), the age band, a reason, and
    where the comments differ, which: "a" or "b" (one entry's), or "other" (comment_other)."""
    survey = _survey_for_staff(request, slug)
    sheet = _sheet(survey, number)
    catalog = survey_catalog(survey)
    missing = [code for code in catalog.items if f"item-{code}" not in request.POST]
    back = reverse("staff-paper-discrepancies", args=[survey.slug]) + f"#sheet-{sheet.number}"
    here = f"{SHEET_TAG}{sheet.number}"  # the problem is told in the sheet's section, where `back` lands
    if missing:
        messages.error(
            request,
            _("问卷 %(number)s：请为每道不一致的题目选择纸上的答案。") % {"number": sheet.number},
            extra_tags=here,
        )
        return redirect(back)

    def chosen(value: str) -> str | None:
        return None if value in ("", BLANK_CHOICE) else value

    answers = {code: chosen(request.POST[f"item-{code}"]) for code in catalog.items}
    comment_choice = request.POST.get("comment_choice", "")
    comment_other = request.POST.get("comment_other", "")
    if comment_choice != "other" and comment_other.strip():
        # Not silently dropped: the supervisor typed the paper's comment but picked A's or B's.
        messages.error(
            request,
            _("问卷 %(number)s：另录框里写了意见建议，却没有选“按原件另录”；请选它，或清空另录框。")
            % {"number": sheet.number},
            extra_tags=f"{here} comment",
        )
        return redirect(back)
    try:
        paper_discrepancy_resolve(
            sheet=sheet,
            user=request.user,
            answers=answers,
            age_band=chosen(request.POST.get("age_band", "")),
            reason=request.POST.get("reason", ""),
            comment=comment_other if comment_choice == "other" else None,
            comment_of_entry={"a": 1, "b": 2}.get(comment_choice),
        )
    except PaperRefused as refusal:
        messages.error(request, refusal.message, extra_tags=here)
        return redirect(back)
    except PaperInvalid as invalid:
        messages.error(
            request,
            _("问卷 %(number)s：") % {"number": sheet.number}
            + _("；").join(m for ms in invalid.errors.values() for m in ms),
            extra_tags=" ".join([here, *(f for f in ("reason", "comment") if f in invalid.errors)]),
        )
        return redirect(back)
    messages.success(request, _("问卷 %(number)s 已按裁定计入，已记入审计日志。") % {"number": sheet.number})
    return redirect("staff-paper-discrepancies", slug=survey.slug)
