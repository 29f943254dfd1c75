"""意见建议: what respondents wrote to the government was kept and exported by a command only; the
survey's staff and evaluators now read it on a page and download it, counted responses only,
a small cell's village not named."""

import html as entities
import io
import re

import pytest
from openpyxl import load_workbook

from surveys.models import Response, Survey, SurveyMembership, Village
from tests.surveys.staff_factories import make_member, make_response

pytestmark = pytest.mark.django_db


def _with_comment(survey, comment, **kwargs):
    response = make_response(survey, **kwargs)
    Response.objects.filter(pk=response.pk).update(comment=comment)
    return response


@pytest.fixture
def written(survey):
    """East's villagers: five counted responses (a cell big enough to name), three with comments;
    west's: two (too few: its village not named); five staff (no village), one with a comment;
    one excluded; one blank, one of spaces and a control character only."""
    _with_comment(survey, "希望多修几条村道。", village="east")
    _with_comment(survey, "垃圾清运要及时。\n河边的垃圾堆了好几天。", village="east")
    _with_comment(survey, '=HYPERLINK("http://x","点我")', village="east")
    _with_comment(survey, "", village="east")
    _with_comment(survey, "  \x0b ", village="east")
    _with_comment(survey, "路灯坏了很久没人修\x0b。", village="west")
    _with_comment(survey, "", village="west")
    _with_comment(survey, "办事窗口态度很好。", village=None, group="staff", age_band=None)
    for _ in range(4):  # five staff in all: a group big enough to name
        make_response(survey, village=None, group="staff", age_band=None)
    _with_comment(survey, "这条不该出现。", village="east", excluded=True)
    return survey


def _listed(html: str) -> list[tuple[str, str]]:
    """(the line above the comment, the comment) of each listed comment, as shown: tags taken
    out, a line break as "\n"."""

    def shown(fragment: str) -> str:
        return entities.unescape(re.sub(r"<[^>]+>", "", fragment.replace("<br>", "\n"))).strip()

    items = re.findall(r'<p class="meta[^"]*">(.*?)</p>\s*<p class="text"[^>]*>(.*?)</p>', html, re.S)
    return [(" ".join(shown(meta).split()), shown(body)) for meta, body in items]


def test_staff_read_every_counted_comment_with_its_village_where_the_cell_is_big_enough(client, written):
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    dashboard = client.get("/staff/hill-2024/").content.decode()
    assert 'href="/staff/hill-2024/comments/"' in dashboard
    html = client.get("/staff/hill-2024/comments/").content.decode()
    assert "12 份计入的答卷中，5 份留了意见建议。" in html
    assert _listed(html) == [
        # By what is shown: the named village, then the rest (by group), each by text.
        ("东村 · 村民群众", '=HYPERLINK("http://x","点我")'),
        ("东村 · 村民群众", "垃圾清运要及时。\n河边的垃圾堆了好几天。"),
        ("东村 · 村民群众", "希望多修几条村道。"),
        ("（村名不列出） · 村民群众", "路灯坏了很久没人修。"),  # west: two counted responses
        ("政府工作人员", "办事窗口态度很好。"),
    ]
    assert "这条不该出现" not in html, "an excluded response's comment is not listed"
    assert "comments-synthetic" not in html, "real responses are not called synthetic"
    assert "少于 5 份时不写村名" in html


def test_the_village_is_named_once_its_cell_has_min_cell_counted_responses(client, written):
    for _ in range(3):
        make_response(written, village="west")
    client.force_login(make_member(written, "pinggu", SurveyMembership.Role.EVALUATOR))
    assert ("西村 · 村民群众", "路灯坏了很久没人修。") in _listed(
        client.get("/staff/hill-2024/comments/").content.decode()
    )
    Survey.objects.filter(pk=written.pk).update(scheme={**(written.scheme or {}), "min_cell": 6})
    listed = _listed(client.get("/staff/hill-2024/comments/").content.decode())
    assert all(meta.startswith("（村名不列出）") for meta, _text in listed if "村民群众" in meta), (
        "six or more with the survey's own min_cell"
    )


def test_the_page_and_the_download_speak_english_with_the_english_names(client, written):
    Village.objects.filter(survey=written, code="east").update(name_en="East Village")
    client.force_login(make_member(written, "pinggu", SurveyMembership.Role.EVALUATOR))
    html = client.get("/staff/hill-2024/comments/?lang=en").content.decode()
    assert "Of 12 counted responses, 5 left a comment." in html
    listed = _listed(html)
    assert listed[0][0].startswith("East Village") and listed[3][0].startswith("(village not named)")
    assert 'href="/staff/hill-2024/comments.xlsx?lang=en"' in html


def test_every_comment_downloads_as_an_excel_sheet_as_the_page_lists_them(client, written):
    client.force_login(make_member(written, "pinggu", SurveyMembership.Role.EVALUATOR))
    response = client.get("/staff/hill-2024/comments.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert 'filename="hill-2024-comments.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert [row[:4] for row in rows[header + 1 :]] == [
        (1, "东村", "村民群众", '=HYPERLINK("http://x","点我")'),
        (2, "东村", "村民群众", "垃圾清运要及时。\n河边的垃圾堆了好几天。"),
        (3, "东村", "村民群众", "希望多修几条村道。"),
        (4, "（村名不列出）", "村民群众", "路灯坏了很久没人修。"),
        (5, None, "政府工作人员", "办事窗口态度很好。"),
    ]
    assert "一个群体少于 5 份时村名和群体都不写" in sheet.cell(row=2, column=1).value  # as the page says
    link = sheet.cell(row=header + 2, column=4)
    assert link.data_type == "s", "a comment starting with = stays text, not a live formula"


def test_a_comment_with_noncharacters_is_listed_without_them_and_its_download_opens(client, written):
    """A comment holding U+FFFF (sent through the API, say) made comments.xlsx a file Excel will
    not open (XML has no such character): every comment's download broken by one response."""
    _with_comment(written, "\ufffe村口\uffff路灯\ufdd0不亮。\U0010ffff", village="east")
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/").content.decode()
    assert "村口路灯不亮。" in [text for _meta, text in _listed(html)]
    assert not {"\ufffe", "\uffff", "\ufdd0", "\U0010ffff"} & set(html)
    content = client.get("/staff/hill-2024/comments.xlsx").content
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert "村口路灯不亮。" in [row[3] for row in rows]


def test_a_comment_is_read_in_the_order_it_was_typed_whatever_direction_marks_it_holds(client, written):
    """A right-to-left override (U+202E) pasted into a comment showed the words after it reversed
    on the page and in the workbook: 路灯没修 typed after one read as 修没灯路. The embeddings,
    overrides and isolates are left out of what staff read; the stored comment keeps them."""
    typed = "村里\u202e路灯没修\u202c，\u2067请\u2069尽快。"
    response = _with_comment(written, typed, village="east")
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/").content.decode()
    assert "村里路灯没修，请尽快。" in [text for _meta, text in _listed(html)]
    assert not set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") & set(html)
    content = client.get("/staff/hill-2024/comments.xlsx").content
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert "村里路灯没修，请尽快。" in [row[3] for row in rows]
    response.refresh_from_db()
    assert response.comment == typed


def test_a_page_at_a_time(client, survey):
    for n in range(53):
        _with_comment(survey, f"意见 {n:02d}", village="east")
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    first = client.get("/staff/hill-2024/comments/").content.decode()
    assert len(_listed(first)) == 50 and "第 1 / 2 页" in first and 'href="?page=2"' in first
    second = client.get("/staff/hill-2024/comments/?page=2").content.decode()
    assert [text for _meta, text in _listed(second)] == ["意见 50", "意见 51", "意见 52"]
    assert '<ol class="comments" start="51">' in second


def test_nobody_else_reads_them(client, written):
    from tests.factories import make_survey

    other = make_survey("other-2024")
    client.force_login(make_member(other, "outsider", SurveyMembership.Role.STAFF))
    assert client.get("/staff/hill-2024/comments/").status_code == 404
    assert client.get("/staff/hill-2024/comments.xlsx").status_code == 404
    client.logout()
    assert client.get("/staff/hill-2024/comments/")["Location"].startswith("/accounts/login/")


def test_no_comment_yet_says_so(client, survey):
    make_response(survey)
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/").content.decode()
    assert "还没有人留意见建议。" in html and "comments-download" not in html


def test_the_list_narrows_to_one_named_village_and_so_does_its_download(client, written):
    """Staff forward a village's comments to its committee: the list (and its Excel sheet) narrows
    to one village. Only named villages are offered: choosing west (too few to name) would name
    its comment's village, so ?village=west lists everything, as no choice does."""
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/").content.decode()
    villages = html[html.index('<select id="village"') : html.index("</select>")]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', villages)
    assert options == [("", "全部（5 条）"), ("east", "东村（3 条）")]
    east = client.get("/staff/hill-2024/comments/?village=east").content.decode()
    assert [meta for meta, _text in _listed(east)] == ["东村 · 村民群众"] * 3
    assert "12 份计入的答卷中，5 份留了意见建议。" in east, "the whole survey's count, as the choice says"
    assert '<option value="east" selected>' in east
    assert 'href="/staff/hill-2024/comments.xlsx?village=east"' in east
    workbook = client.get("/staff/hill-2024/comments.xlsx?village=east")
    assert 'filename="hill-2024-comments-east.xlsx"' in workbook["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(workbook.content)).worksheets[0].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert [row[1] for row in rows[header + 1 :]] == ["东村"] * 3
    for asked in ("west", "nowhere"):
        page = client.get(f"/staff/hill-2024/comments/?village={asked}").content.decode()
        assert len(_listed(page)) == 5, asked
        sheet = client.get(f"/staff/hill-2024/comments.xlsx?village={asked}")
        assert 'filename="hill-2024-comments.xlsx"' in sheet["Content-Disposition"], asked


def test_a_narrowed_list_keeps_its_village_from_page_to_page(client, survey):
    for n in range(52):
        _with_comment(survey, f"意见 {n:02d}", village="east")
    _with_comment(survey, "西村的意见", village="west")
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    first = client.get("/staff/hill-2024/comments/?village=east&lang=en").content.decode()
    assert 'href="?page=2&amp;village=east&amp;lang=en"' in first
    second = client.get("/staff/hill-2024/comments/?page=2&village=east").content.decode()
    assert [text for _meta, text in _listed(second)] == ["意见 50", "意见 51"]


def test_a_group_too_small_to_name_is_not_named_and_neither_is_its_village(client, survey):
    """Three deputies, say: a comment under their group's name is one of three people's."""
    for _ in range(5):
        make_response(survey, village="east")
    _with_comment(survey, "村里的意见。", village="east")
    _with_comment(survey, "我是唯一的工作人员。", village=None, group="staff", age_band=None)
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    assert _listed(client.get("/staff/hill-2024/comments/").content.decode()) == [
        ("东村 · 村民群众", "村里的意见。"),
        ("（群体不列出）", "我是唯一的工作人员。"),
    ]
    sheet = load_workbook(io.BytesIO(client.get("/staff/hill-2024/comments.xlsx").content)).worksheets[0]
    assert (2, None, "（群体不列出）", "我是唯一的工作人员。", None) in list(
        sheet.iter_rows(values_only=True)
    )


@pytest.mark.parametrize(
    ("text", "nothing"),
    [
        ("无", True),
        ("无。", True),
        (" 没有 ", True),
        ("暂无意见", True),
        ("没什么建议", True),
        ("没有了！", True),
        ("我没有意见", True),
        ("无意见和建议", True),
        ("基本没有问题", True),
        ("不知道", True),
        ("/", True),
        ("——", True),
        ("N/A", True),
        ("No comment.", True),
        ("没有意见，路灯要修", False),  # says something more
        ("没有路灯", False),
        ("无论如何要把路修好", False),
        ("很好", False),  # an opinion, however short
        ("👍", False),
        ("~~~", True),
        ("满意", False),
        ("希望多修几条村道。", False),
    ],
)
def test_a_comment_that_only_says_there_is_nothing_to_say_is_told_apart(text, nothing):
    from surveys.selectors_comments import says_nothing

    assert says_nothing(text) is nothing


def test_the_comments_that_say_nothing_are_counted_and_listed_on_asking(client, written):
    """In a town's survey most of the box holds 无 or 没有意见: the page opens on what was said,
    tells how many say nothing, and lists them on asking; the download does as the page."""
    _with_comment(written, "无。", village="east")
    _with_comment(written, "没有意见", village="west")
    _with_comment(written, "没有意见，路灯要修", village="west")
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/").content.decode()
    assert "15 份计入的答卷中，8 份留了意见建议。" in html
    assert "其中 2 份只写了“无”“没有意见”之类，未列出。" in html
    texts = [text for _meta, text in _listed(html)]
    assert "没有意见，路灯要修" in texts and "无。" not in texts and "没有意见" not in texts
    assert len(texts) == 6
    assert re.findall(r'<option value="[^"]*"[^>]*>([^<]*)</option>', html)[0] == "全部（6 条）"
    link = re.search(r'<p id="comments-nothing">.*?<a href="([^"]+)">全部列出</a>', html, re.S)
    everything = client.get("/staff/hill-2024/comments/" + entities.unescape(link[1])).content.decode()
    texts = [text for _meta, text in _listed(everything)]
    assert len(texts) == 8 and "无。" in texts and "没有意见" in texts
    assert "下面包括只写了“无”“没有意见”之类的 2 份。" in everything
    assert 'href="/staff/hill-2024/comments.xlsx?all=1"' in everything
    assert '<input type="hidden" name="all" value="1">' in everything  # the village choice keeps it

    def listed_in(query: str) -> tuple[list, list]:
        rows = list(
            load_workbook(io.BytesIO(client.get("/staff/hill-2024/comments.xlsx" + query).content))
            .worksheets[0]
            .iter_rows(values_only=True)
        )
        header = next(i for i, row in enumerate(rows) if row[0] == "序号")
        return [row[0] for row in rows[:header]], [row[3] for row in rows[header + 1 :]]

    notes, texts = listed_in("")
    assert len(texts) == 6 and "只写了“无”“没有意见”之类的 2 份未列出。" in notes
    notes, texts = listed_in("?all=1")
    assert len(texts) == 8 and not any("未列出。" in (note or "") for note in notes)
    notes, texts = listed_in("?village=east")
    assert len(texts) == 3 and "只写了“无”“没有意见”之类的 1 份未列出。" in notes  # east's own


def test_only_comments_that_say_nothing_are_not_said_to_be_none(client, survey):
    _with_comment(survey, "无", village="east")
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/?lang=en").content.decode()
    assert "Of 1 counted response, 1 left a comment." in html
    assert '1 of them only says "none", "no comment" or the like, and is not listed.' in entities.unescape(
        html
    )
    assert "Nobody has left a comment yet." not in html and _listed(html) == []


def test_the_demo_shows_what_the_comments_page_is_for(client, settings):
    """The demo's synthetic responses get synthetic comments (a quarter, half of them 无 or 没有
    意见), once, and no figure of the report changes: comments are not in the data hash."""
    from django.core.management import call_command

    from surveys.reports.data import report_data
    from surveys.synthetic import synthetic_comments_add

    call_command("loaddata", "daligang-2020", verbosity=0)
    call_command(
        "import_responses",
        "daligang-2020",
        str(settings.BASE_DIR / "fixtures" / "daligang-2020-synthetic.csv"),
        "--synthetic",
        verbosity=0,
    )
    survey = Survey.objects.get(slug="daligang-2020")
    before = report_data(survey, use_cache=False)
    added = synthetic_comments_add(survey)
    assert 60 <= added <= 140, added
    assert synthetic_comments_add(survey) == 0, "run again, the demo changes nothing"
    stored = dict(Response.objects.filter(survey=survey).exclude(comment="").values_list("pk", "comment"))
    assert len(stored) == added
    after = report_data(survey, use_cache=False)
    assert (after.data_hash, after.document["composite"]) == (before.data_hash, before.document["composite"])
    client.force_login(make_member(survey, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/daligang-2020/comments/").content.decode()
    listed = _listed(html)
    assert listed and all("无" != text and "没有意见" != text for _meta, text in listed)
    assert "只写了“无”“没有意见”之类" in html
    assert "注意：400 份答卷为合成演示数据，其中的意见建议也是编写的" in html  # said before any comment
    assert html.index('id="comments-synthetic"') < html.index('<ol class="comments"')
    sheet = load_workbook(io.BytesIO(client.get("/staff/daligang-2020/comments.xlsx").content)).worksheets[0]
    assert sheet.cell(row=2, column=1).value.startswith("注意：400 份答卷为合成演示数据")


def test_the_same_words_in_several_responses_are_counted_on_each(client, written):
    """Ten responses with one pasted text are a question for staff (one hand, perhaps), as the
    quality flags are; each says how many have the very words, spaces aside."""
    _with_comment(written, "希望多修几条村道。", village="west")
    _with_comment(written, "希望多修几条  村道。", village=None, group="staff", age_band=None)
    _with_comment(written, "无", village="east")
    _with_comment(written, "无", village="west")
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/?all=1").content.decode()
    listed = _listed(html)
    assert [meta for meta, text in listed if "村道" in text] == [
        "东村 · 村民群众 · 同样的话共 3 份",
        "（村名不列出） · 村民群众 · 同样的话共 3 份",
        "政府工作人员 · 同样的话共 3 份",
    ]
    assert ("东村 · 村民群众", "垃圾清运要及时。\n河边的垃圾堆了好几天。") in listed
    assert [meta for meta, text in listed if text == "无"] == ["东村 · 村民群众", "（村名不列出） · 村民群众"]
    rows = list(
        load_workbook(io.BytesIO(client.get("/staff/hill-2024/comments.xlsx").content))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert [row[4] for row in rows if row[3] and "村道" in row[3]] == [3, 3, 3]


def test_staff_find_the_comments_that_hold_some_words_and_download_just_those(client, written):
    """Hundreds of comments: staff look for what was said about the street lights (路灯), in the
    whole survey or one village; the comment's spaces and case aside, the words apart each looked
    for; the download holds what the page lists."""
    _with_comment(written, "村口路 灯不亮。", village="east")
    _with_comment(written, "Street LIGHTS are out.", village=None, group="staff", age_band=None)
    client.force_login(make_member(written, "xiaowang", SurveyMembership.Role.STAFF))
    html = client.get("/staff/hill-2024/comments/?q=路灯").content.decode()
    assert [text for _meta, text in _listed(html)] == ["村口路 灯不亮。", "路灯坏了很久没人修。"]
    assert "含“路灯”的 2 条。" in html
    assert 'value="路灯"' in html  # the field keeps what was typed
    assert 'href="/staff/hill-2024/comments.xlsx?q=%E8%B7%AF%E7%81%AF"' in html
    assert "下载筛选出的意见建议（Excel）" in html
    east = client.get("/staff/hill-2024/comments/?q=路灯&village=east").content.decode()
    assert [text for _meta, text in _listed(east)] == ["村口路 灯不亮。"]
    clear = re.search(r'<a href="([^"]*)">不按字词筛选</a>', east)[1]
    assert entities.unescape(clear) == "?village=east"
    rows = list(
        load_workbook(io.BytesIO(client.get("/staff/hill-2024/comments.xlsx?q=路灯").content))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert "只列出含“路灯”的意见建议。" in [row[0] for row in rows]
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert [row[3] for row in rows[header + 1 :]] == ["村口路 灯不亮。", "路灯坏了很久没人修。"]
    # Words pasted with a control character (a workbook holds none): one line, found, downloaded.
    pasted = client.get("/staff/hill-2024/comments.xlsx", {"q": "路\x01灯\x0b"})
    assert pasted.status_code == 200
    rows = list(load_workbook(io.BytesIO(pasted.content)).worksheets[0].iter_rows(values_only=True))
    assert "只列出含“路 灯”的意见建议。" in [row[0] for row in rows]
    assert [row[3] for row in rows[header + 1 :]] == ["村口路 灯不亮。", "路灯坏了很久没人修。"]
    hostile = client.get("/staff/hill-2024/comments/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in hostile and "含“&lt;script&gt;" in hostile
    english = client.get("/staff/hill-2024/comments/?q=street+lights&lang=en").content.decode()
    assert [text for _meta, text in _listed(english)] == ["Street LIGHTS are out."]
    # Words apart are each looked for, as in the lists of surveys: what speaks of both.
    both = client.get("/staff/hill-2024/comments/", {"q": "路灯 修"}).content.decode()
    assert [text for _meta, text in _listed(both)] == ["路灯坏了很久没人修。"]
    assert [
        text
        for _meta, text in _listed(
            client.get("/staff/hill-2024/comments/", {"q": "修 路灯"}).content.decode()
        )
    ] == ["路灯坏了很久没人修。"]


def test_evaluators_read_what_one_named_group_wrote(client, written):
    """What the staff said, apart from the villagers; the choice combines with the others. Only
    named groups are offered: a group too small to name would be named by choosing it."""
    client.force_login(make_member(written, "pinggu", SurveyMembership.Role.EVALUATOR))
    html = client.get("/staff/hill-2024/comments/").content.decode()
    select = html[
        html.index('<select id="group"') : html.index("</select>", html.index('<select id="group"'))
    ]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "villager", "staff"]
    staff = client.get("/staff/hill-2024/comments/?group=staff").content.decode()
    assert _listed(staff) == [("政府工作人员", "办事窗口态度很好。")]
    assert '<option value="staff" selected>' in staff
    assert 'href="/staff/hill-2024/comments.xlsx?group=staff"' in staff
    both = client.get("/staff/hill-2024/comments/?group=villager&village=east").content.decode()
    assert {meta for meta, _text in _listed(both)} == {"东村 · 村民群众"}
    rows = list(
        load_workbook(io.BytesIO(client.get("/staff/hill-2024/comments.xlsx?group=staff").content))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert [row[2:4] for row in rows[header + 1 :]] == [("政府工作人员", "办事窗口态度很好。")]

    Survey.objects.filter(pk=written.pk).update(scheme={**(written.scheme or {}), "min_cell": 6})
    html = client.get("/staff/hill-2024/comments/?group=staff").content.decode()  # five staff: not named
    assert '<select id="group"' not in html, "one named group: nothing to choose"
    assert len(_listed(html)) == 5, "a group not named is not narrowed to"
