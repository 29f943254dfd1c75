"""What the respondent's pages say, in Chinese (the default) and English.

Kept as data rather than gettext catalogues: the pages are few, the respondent switches
language with a link, and respond.js receives its part ("js") as JSON.

Why a link takes no answers: in Chinese the server's own sentence (surveys/services/submission.py,
which also names the opening date); in English the sentence below for its code (the API's
`code`), so that a respondent who chose English is not told in Chinese.
"""

from django.utils import timezone

REFUSALS_EN = {
    "unknown": "This questionnaire link was not found. Please check the link or the QR code.",
    "inactive": "This questionnaire link is no longer in use.",
    "not_yet_open": "This questionnaire is not open yet.",
    "window_closed": "This questionnaire has closed. Thank you for your interest.",
    "survey_not_open": "This survey is not collecting answers yet.",
    "survey_closed": "This questionnaire has closed. Thank you for your interest.",
    "used_up": "This link can be used only once, and answers have already been submitted with it.",
    "device_used": "This phone has already submitted answers to this survey; each phone can submit once. "
    "If an interviewer is filling in the questionnaire for you, please ask the staff.",
    "rate_limited": "Too many submissions. Please wait a minute and try again.",
}

TEXTS = {
    "zh": {
        "html_lang": "zh-Hans",
        "switch": "English",
        "intro": "本问卷匿名填写，约需两分钟。请根据您的感受选择。",
        "intro_unsure": "本问卷匿名填写，约需两分钟。请根据您的感受选择；不清楚的选{unsure}。",
        "section": "第 {n} 部分，共 {total} 部分",
        "age_band": "您的年龄段",
        "comment": "意见建议（选填）",
        "comment_hint": "您对政府工作还有什么意见或建议？（不计入评分；请不要写姓名、电话等能认出您的内容）",
        "submit": "提交答卷",
        "retry_now": "立即重试",
        # Phones shared (an interviewer's): on to the next person, also while answers wait offline.
        "next_respondent": "填写下一份",
        "dismiss": "知道了",  # the line that says earlier queued answers were refused
        "missing": "还有 {n} 题未作答，请查看标红的题目。",
        "missing_age": "请选择您的年龄段。",
        "missing_age_and": "请选择您的年龄段；还有 {n} 题未作答，请查看标红的题目。",
        "conflict": "这份答卷此前已提交过，内容与本次不同；先提交的答卷已保存，本次修改未被采用。",
        "rate_limited": "提交过于频繁，请等一分钟再试。",
        "done_title": "已提交",
        "done_body": "您的答卷已保存，感谢您的参与！",
        "answered_title": "您已提交过答卷",
        "answered_body": "这部手机已提交过本次调查的答卷，谢谢您的参与！",
        "answered_hint": "每部手机只能提交一份。如由调查员代为填写，请联系工作人员。",
        "closed_title": "无法填写问卷",
        "closed_hint": "如有疑问，请联系村（社区）或镇政府工作人员。",
        "closed_hint_village": "如有疑问，请联系村（社区）或{body}工作人员。",
        "closed_hint_body": "如有疑问，请联系{body}工作人员。",
        "js": {
            "progress": "已答 {n} / {total} 题",
            "missing": "还有 {n} 题未作答，请查看标红的题目。",
            "missing_age": "请选择您的年龄段。",
            "missing_age_and": "请选择您的年龄段；还有 {n} 题未作答，请查看标红的题目。",
            "sending": "正在提交……",
            "locked": "提交完成前，答案不能修改。",
            # The outbox is sent only while a questionnaire page (/s/…) is open: say so.
            "offline": "未联网，答卷已保存在本机。请保持此页面打开，或联网后再次打开此链接，即可自动提交。",
            "slow": "网络较慢，正在重试……答卷已保存在本机，请保持此页面打开。",
            "retry": "服务器暂时无法接收，答卷已保存在本机，稍后自动重试。",
            "waiting": "本机有 {n} 份答卷等待提交。",
            # Phones shared: the answers just queued are safe, the interviewer may go on.
            "go_on": "可以先填写下一份，这份答卷会在联网后自动提交。",
            # Phones shared: the earlier answers still queued while the next person answers.
            "queued": "本机另有 {n} 份答卷等待联网后提交，请保持此页面打开。",
            # Phones shared: an earlier queued questionnaire the server refused (no longer shown).
            # Counted by reason: one sentence per reason, not per questionnaire.
            "queue_refused": "本机排队的 {n} 份答卷{begun}未被接收：{reason}",
            "queue_refused_one": "本机排队的一份答卷{begun}未被接收：{reason}",
            # When they were begun (the phone's clock): 09:12 today, else with the day.
            "begun": "（{times} 开始填写）",
            "day_time": "{month}月{day}日 {time}",
            "list_sep": "、",
            "and_more": "等",
            "queue_invalid": "答案未通过检查（问卷可能在填写之后修改过）。",
            "conflict": "这份答卷此前已提交过，内容与本次不同；先提交的答卷已保存，本次修改未被采用。",
            "invalid": "答卷未通过检查，请查看标红的题目后重新提交。",
            "refusals": {},  # the server's own Chinese sentence is shown
            "already_done": "这部手机已提交过这份问卷，感谢您的参与！",
            # The questionnaire was edited after this page was loaded: the page reloads itself.
            "updated": "问卷内容已更新，您已填的答案都已保留。请检查后再次提交。",
        },
    },
    "en": {
        "html_lang": "en",
        "switch": "中文",
        "intro": "This questionnaire is anonymous and takes about two minutes. Choose what you feel.",
        "intro_unsure": "This questionnaire is anonymous and takes about two minutes. Choose what you feel; "
        "if you are not sure, choose {unsure}.",
        "section": "Part {n} of {total}",
        "age_band": "Your age",
        "comment": "Comments and suggestions (optional)",
        "comment_hint": (
            "Anything else you would like to tell the government? (Not scored. Please leave out your "
            "name, phone number or anything else that would identify you.)"
        ),
        "submit": "Submit",
        "retry_now": "Retry now",
        "next_respondent": "Next respondent",
        "dismiss": "Dismiss",
        "missing": "{n} questions not answered yet: see the ones marked in red.",
        "missing_one": "1 question not answered yet: see the one marked in red.",
        "missing_age": "Please choose your age band.",
        "missing_age_and": "Please choose your age band; {n} questions not answered yet: "
        "see the ones marked in red.",
        "missing_age_and_one": "Please choose your age band; 1 question not answered yet: "
        "see the one marked in red.",
        "conflict": "These answers were submitted before with different content; "
        "the first submission is kept and this change was not stored.",
        "rate_limited": REFUSALS_EN["rate_limited"],
        "done_title": "Submitted",
        "done_body": "Your answers have been saved. Thank you for taking part!",
        "answered_title": "You have already submitted your answers",
        "answered_body": "This phone has already submitted answers to this survey. Thank you for taking part!",
        "answered_hint": "Each phone can submit once. "
        "If an interviewer is filling in the questionnaire for you, please ask the staff.",
        "closed_title": "This questionnaire cannot be filled in",
        "closed_hint": "If you have questions, please ask your village committee or the town government.",
        "closed_hint_village": "If you have questions, please ask your village committee or {body}.",
        "closed_hint_body": "If you have questions, please ask {body}.",
        "js": {
            "progress": "{n} of {total} questions answered",
            "missing": "{n} questions not answered yet: see the ones marked in red.",
            "missing_one": "1 question not answered yet: see the one marked in red.",
            "missing_age": "Please choose your age band.",
            "missing_age_and": "Please choose your age band; {n} questions not answered yet: "
            "see the ones marked in red.",
            "missing_age_and_one": "Please choose your age band; 1 question not answered yet: "
            "see the one marked in red.",
            "sending": "Submitting…",
            "locked": "The answers cannot be changed until they are sent.",
            "offline": "No network. Your answers are saved on this phone. Keep this page open, "
            "or open this link again once you are online, and they will be sent automatically.",
            "slow": "The network is slow; retrying… Your answers are saved on this phone; "
            "please keep this page open.",
            "retry": "The server cannot take answers right now. They are saved on this phone; retrying soon.",
            "waiting": "{n} questionnaires on this phone waiting to be sent.",  # said only for 2 or more
            "go_on": "You can go on to the next respondent; these answers will be sent once online.",
            "queued": "{n} more questionnaires on this phone are waiting for the network; keep this page open.",
            "queued_one": "1 more questionnaire on this phone is waiting for the network; keep this page open.",
            "queue_refused": "{n} questionnaires queued on this phone{begun} were not accepted: {reason}",
            "queue_refused_one": "A questionnaire queued on this phone{begun} was not accepted: {reason}",
            "begun": " (begun {times})",
            "day_time": "{mon} {day} {time}",
            "months": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
            "list_sep": ", ",
            "and_more": ", …",
            "queue_invalid": "its answers did not pass the checks (the questionnaire may have changed since).",
            "conflict": "These answers were submitted before with different content; the first submission is "
            "kept and this change was not stored.",
            "invalid": "Some answers need attention: see the questions marked in red.",
            "refusals": REFUSALS_EN,
            "already_done": "This phone has already submitted this questionnaire. Thank you for taking part!",
            "updated": "The questionnaire has been updated; the answers you gave are kept. "
            "Please check them and submit again.",
            "field_error": "Please check this answer.",
        },
    },
}


def texts_for(lang: str) -> dict:
    return TEXTS["en" if lang == "en" else "zh"]


def counted(texts: dict, key: str, n: int) -> str:
    """The text `key` for `n` things: its "_one" form for exactly one where the language has one
    (English: "1 question", "2 questions"; Chinese has a single form), with {n} filled in.
    respond.js picks its texts the same way."""
    return texts.get(f"{key}_one" if n == 1 else key, texts[key]).format(n=n)


def missing_text(texts: dict, *, items: int, age_band: bool) -> str:
    """What the page says when answers are missing: the numbered questions by their count (as the
    counter counts them), the age band, asked first and unnumbered, by name. `texts`: the page's
    texts or their "js" part, which say it the same way (respond.js does the same)."""
    if age_band:
        return counted(texts, "missing_age_and", items) if items else texts["missing_age"]
    return counted(texts, "missing", items) if items else ""


def deadline_text(closes_at, lang: str) -> str:
    """Said beside answers waiting for a network on a link that closes: the server refuses what
    arrives after the link's closing time (it cannot trust the phone's clock), so get online
    before it. Blank for a link without a closing time."""
    if closes_at is None:
        return ""
    when = timezone.localtime(closes_at)
    if lang == "en":
        return f"This link closes on {when:%Y-%m-%d at %H:%M}: answers that arrive later cannot be taken."
    return f"这个链接于 {when:%Y年%m月%d日 %H:%M} 截止，此后到达的答卷无法接收，请在截止前联网。"


def rate_limited_text(lang: str, wait: int) -> str:
    """What a refused submission (429) is told: wait a minute, or the minutes until the longest
    of the limits' windows (SUBMISSION_RATE_LIMITS may set an hour's) rolls over: `wait` is the
    Retry-After in seconds."""
    minutes = -(-wait // 60)
    if minutes <= 1:
        return texts_for(lang)["rate_limited"]
    if lang == "en":
        return f"Too many submissions. Please wait {minutes} minutes and try again."
    return f"提交过于频繁，请等 {minutes} 分钟再试。"


def refusal_text(code: str, message: str, lang: str, *, opens_at=None) -> str:
    """What the respondent is told when a link takes no answers: `message` (the server's Chinese
    sentence) unless the page is in English. `opens_at`: when a link not yet open opens."""
    if lang != "en" or code not in REFUSALS_EN:
        return message
    if code == "not_yet_open" and opens_at is not None:
        return f"This questionnaire opens on {timezone.localtime(opens_at):%Y-%m-%d at %H:%M}."
    return REFUSALS_EN[code]
