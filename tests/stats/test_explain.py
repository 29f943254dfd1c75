import numpy as np

from stats import explain, render_text, score
from stats.explain import alpha_caution, chinese_runs, f2
from tests.stats.factories import (
    BASIC,
    BLANK,
    DISSAT,
    DK,
    SAT,
    default_scheme,
    four_dimension_scheme,
    generated_matrix,
    tiny_matrix,
)

NAMES = {"income": "收入", "ecology": "生态环境健康度", "dont_know": "不了解", "A": "朱家村"}


def texts(result, lang="zh"):
    return {e["figure"]: e["text"] for e in explain(result, NAMES, lang)}


def test_it_shows_an_item_sum_with_its_left_out_answers():
    t = texts(score(tiny_matrix(), default_scheme()))
    assert t["item:income"] == "收入（income） = (4×100 + 3×80 + 1×0)/8 = 80.00"
    assert t["item:air"] == "air = (4×100 + 2×80 + 1×0)/7 = 80.00（1 人答“不了解”，不计入）"
    assert t["item:water"] == "water = (3×100 + 3×80 + 1×0)/7 = 77.14（1 人未作答，不计入）"


def test_an_item_with_both_left_out_kinds_says_so_in_one_bracket():
    """（1 人答“不了解”）（1 人未作答）printed two brackets in a row, each ending 不计入."""
    answers = tiny_matrix().answers.copy()
    answers[5, 2] = DK  # r6 water: 不了解 beside r5's blank
    zh, en = (texts(score(tiny_matrix(answers=answers), default_scheme()), lang) for lang in ("zh", "en"))
    assert zh["item:water"].endswith("= 76.67（1 人答“不了解”、1 人未作答，不计入）")
    assert en["item:water"].endswith("= 76.67 (1 answered “不了解” and 1 left it blank, left out)")


def test_it_shows_dimensions_and_the_composite():
    t = texts(score(tiny_matrix(), default_scheme()))
    assert t["dimension:ecology"] == "生态环境健康度（ecology） = (80.00 + 77.14)/2 = 78.57"
    assert t["composite"] == "综合满意度 = 0.5×80.00 + 0.5×78.57 = 79.29"
    assert "6.19" in t["composite:se"] and "= 2" in t["composite:se"]


def test_without_a_counted_answer_the_composite_says_so_rather_than_an_empty_sum():
    empty = score(tiny_matrix(answers=np.full((8, 3), BLANK, dtype=np.int8)), default_scheme())
    assert texts(empty)["composite"] == "综合满意度：还没有计分的回答，无法计算"
    assert texts(empty, "en")["composite"] == "The composite: no counted answer yet, so no score"
    assert " =  = " not in render_text(empty, NAMES)


def test_it_uses_the_item_weighted_form_when_weights_differ():
    t = texts(score(tiny_matrix(), default_scheme(item_weights={"air": 3})))
    assert t["dimension:ecology"] == "生态环境健康度（ecology） = (3×80.00 + 1×77.14)/4 = 79.29"


def test_it_explains_group_weighting():
    t = texts(score(tiny_matrix(), default_scheme(group_weights={"villager": 0.6, "staff": 0.4})))
    assert t["item:air"].startswith("air = ") and "(0.6×92.00 + 0.4×50.00)/1 = 75.20" in t["item:air"]


def test_it_speaks_english_when_asked():
    t = texts(score(tiny_matrix(), default_scheme()), lang="en")
    assert t["item:air"].endswith("(1 answered “不了解”, left out)")
    assert "Taylor linearisation" in t["composite:se"]


def test_it_says_why_a_cell_has_no_score():
    t = texts(score(tiny_matrix(), default_scheme(min_cell=3)))
    assert t["by_group:staff"] == "staff：计分人数 2 少于 3，不公布得分"


def test_an_english_count_of_one_respondent_is_singular():
    """ "1 counted respondents, fewer than 5" and "only 1 respondents with every item counted" in
    the English derivation (the PDF's, the page's); Chinese has one form for both."""
    one_staff = tiny_matrix(group=np.array([0] * 7 + [1]), village=np.array([0, 0, 0, 1, 1, 1, 1, -1]))
    t = texts(score(one_staff, default_scheme(min_cell=3)), "en")
    assert t["by_group:staff"] == "staff: 1 counted respondent, fewer than 3: score not shown"
    assert t["by_group:villager"].startswith("villager: ")
    assert texts(score(one_staff, default_scheme(min_cell=3)))["by_group:staff"] == (
        "staff：计分人数 1 少于 3，不公布得分"
    )
    two_staff = texts(score(tiny_matrix(), default_scheme(min_cell=3)), "en")
    assert two_staff["by_group:staff"] == "staff: 2 counted respondents, fewer than 3: score not shown"

    one_complete = tiny_matrix()
    one_complete.answers[1:, 2] = DK
    assert texts(score(one_complete, default_scheme()), "en")["reliability"].startswith(
        "Cronbach's alpha: only 1 respondent with every item counted (an unscored option or a blank "
        "does not count), at least 2 are needed, so none"
    )


def test_the_text_report_leads_with_the_composite():
    text = render_text(score(tiny_matrix(), default_scheme()), NAMES)
    assert text.startswith("综合满意度：79.29（标准误 6.19，95% 置信区间 [")
    assert "朱家村（A）：84.17" in text


def test_a_warning_is_given_in_the_language_asked_for():
    from stats.explain import warning_text

    both = "群体“staff”只有 1 个初级抽样单元，方差按确定单元计为 0（group 'staff' has a single PSU: counted as a certainty unit, it adds no variance）"
    assert (
        warning_text(both, "en")
        == "group 'staff' has a single PSU: counted as a certainty unit, it adds no variance"
    )
    assert warning_text(both, "zh") == both, "the Chinese document keeps both, as it always has"
    assert warning_text("bootstrap: some replicates had no counted answers", "en") == (
        "bootstrap: some replicates had no counted answers"
    )


def test_a_reader_gets_a_warning_in_one_language():
    from stats.explain import warning_shown

    both = "群体“staff”只有 1 个初级抽样单元，方差按确定单元计为 0（group 'staff' has a single PSU: counted as a certainty unit, it adds no variance）"
    assert warning_shown(both, "zh") == "群体“staff”只有 1 个初级抽样单元，方差按确定单元计为 0"
    assert warning_shown(both, "en").startswith("group 'staff' has a single PSU")
    cut = "7 个 95% 置信区间超出计分范围 [0, 100]，已截断至该范围：a、b、c、d、e…（7 95% confidence intervals reached past the scale [0, 100] and were cut at its ends: a, b, c, d, e, …）"
    assert warning_shown(cut, "zh").endswith("a、b、c、d、e…")
    assert warning_shown(cut, "en").endswith("a, b, c, d, e, …")
    # A Chinese bracket at the end is part of the Chinese sentence, not an English version.
    assert warning_shown("村“东村”的答卷不足（少于 5 份）", "zh") == "村“东村”的答卷不足（少于 5 份）"
    assert warning_shown("村“东村”的答卷不足（少于 5 份）", "en") == "村“东村”的答卷不足（少于 5 份）"


def test_the_bootstraps_warning_is_in_both_languages():
    from stats.explain import warning_shown

    # Water answered in village A only: a replicate that draws village B alone has no water answer.
    answers = tiny_matrix().answers.copy()
    answers[3:, 2] = BLANK
    result = score(tiny_matrix(answers=answers), default_scheme(), method="bootstrap", replicates=30, seed=1)
    (warning,) = [w for w in result.warnings if "bootstrap" in w]
    assert warning_shown(warning, "zh") == "自助法：总体的部分重抽样没有计分的回答，已略去"
    assert (
        warning_shown(warning, "en")
        == "bootstrap: some replicates of the overall figures had no counted answers and were left out"
    )


def test_the_method_is_named_in_the_texts_language():
    """Not the document's code ("taylor", "bootstrap (Rao–Wu, R=…)") in a Chinese sentence."""
    taylor = render_text(score(tiny_matrix(), default_scheme()), NAMES)
    assert "，泰勒线性化）" in taylor.splitlines()[0] and "taylor" not in taylor
    boot = score(tiny_matrix(), default_scheme(), method="bootstrap", replicates=50, seed=1)
    chinese = texts(boot)["composite:se"]
    assert "按自助法（Rao–Wu，R=50）重抽样计算" in chinese and "bootstrap" not in chinese
    english = texts(boot, "en")["composite:se"]
    assert (
        english.startswith("The SE of the composite satisfaction,") and "bootstrap (Rao–Wu, R=50)" in english
    )


PARTS = {
    "group": {"staff": "政府工作人员", "villager": "村民群众"},
    "item": {"water": "饮水安全"},
    "dimension": {"ecology": "生态环境"},
    "village": {"A": "朱家村"},
    "age_band": {"60+": "60 岁以上"},
}
PARTS_EN = {
    "group": {"staff": "Government staff"},
    "item": {"water": "Drinking water"},
    "village": {"A": "Zhujia"},
}


def test_a_warning_names_the_parts_readers_know():
    """群体“人大代表”, not 群体“deputy”: the engine has only codes, the document has the names."""
    from stats.explain import warning_named, warning_shown, warning_text

    both = "群体“staff”只有 1 个初级抽样单元，方差按确定单元计为 0（group 'staff' has a single PSU: counted as a certainty unit, it adds no variance）"
    chinese = warning_named(both, PARTS, "zh")
    assert chinese.startswith("群体“政府工作人员”只有 1 个初级抽样单元")
    assert chinese.endswith(
        "（group 'staff' has a single PSU: counted as a certainty unit, it adds no variance）"
    )
    assert warning_shown(chinese, "zh") == "群体“政府工作人员”只有 1 个初级抽样单元，方差按确定单元计为 0"
    english = warning_text(warning_named(both, PARTS_EN, "en"), "en")
    assert (
        english
        == "group “Government staff” has a single PSU: counted as a certainty unit, it adds no variance"
    )
    item = "题目“water”没有计分的回答，不计入（item 'water' has no counted answer and is left out）"
    assert warning_shown(warning_named(item, PARTS, "zh"), "zh") == "题目“饮水安全”没有计分的回答，不计入"
    # A code without a name, and a warning without codes, stay as they are.
    assert warning_named(
        "群体“nobody”只有 1 个初级抽样单元（group 'nobody' has a single PSU）", PARTS, "zh"
    ) == ("群体“nobody”只有 1 个初级抽样单元（group 'nobody' has a single PSU）")
    plain = "3 名整群抽样的受访者没有村，按各自为一个单元计算（3 respondents of a clustered group have no village; each is taken as its own PSU）"
    assert warning_named(plain, PARTS, "zh") == plain


def test_the_figures_whose_interval_was_cut_are_named():
    from stats.explain import figure_named, warning_named, warning_shown

    cut = (
        "7 个 95% 置信区间超出计分范围 [0, 100]，已截断至该范围："
        "composite、item:water、by_village:A、by_village_group:A|villager、by_age_band:60+…"
        "（7 95% confidence intervals reached past the scale [0, 100] and were cut at its ends: "
        "composite, item:water, by_village:A, by_village_group:A|villager, by_age_band:60+, …）"
    )
    chinese = warning_shown(warning_named(cut, PARTS, "zh"), "zh")
    assert chinese.endswith(
        "已截断至该范围：综合满意度、题目“饮水安全”、村“朱家村”、朱家村 · 村民群众、年龄段“60 岁以上”…"
    )
    english = warning_named(cut, PARTS_EN, "en")
    assert english.endswith(
        "cut at its ends: the composite, item “Drinking water”, village “Zhujia”, Zhujia · villager, "
        "age band “60+”, …"
    )
    assert figure_named("dimension:ecology", PARTS) == "维度“生态环境”"
    assert figure_named("reliability", PARTS) == "reliability"


def test_the_text_report_names_the_parts_of_its_warnings():
    answers = tiny_matrix().answers.copy()
    answers[:, 2] = BLANK  # nobody answered the third item
    result = score(tiny_matrix(answers=answers), default_scheme())
    code = result.items[2].code
    text = render_text(result, NAMES, part_names={"item": {code: "第三题"}})
    assert "题目“第三题”没有计分的回答" in text and f"题目“{code}”" not in text


def test_an_english_derivation_is_cut_into_its_chinese_names_and_its_english_words():
    t = texts(score(tiny_matrix(), default_scheme()), "en")
    assert chinese_runs(t["item:income"]) == [
        ("收入", True),
        (" (income) = (4×100 + 3×80 + 1×0)/8 = 80.00", False),
    ]
    assert chinese_runs(t["item:air"])[1:] == [("不了解", True), ("”, left out)", False)]
    assert chinese_runs("18–44岁 (18-44): 80.00 (n = 8)")[0] == ("18–44岁", True)
    assert chinese_runs("东村|村民群众: 80.00") == [
        ("东村", True),
        ("|", False),
        ("村民群众", True),
        (": 80.00", False),
    ]
    assert chinese_runs("Composite satisfaction = 0.5×80.00") == [
        ("Composite satisfaction = 0.5×80.00", False)
    ]
    assert chinese_runs("") == []


def test_without_alpha_the_derivation_says_why_rather_than_alpha_equals_a_dash():
    """α rests on the respondents who have every item counted (listwise); when there is none, the
    sentence names the reason: too few such respondents (naming an item nobody scored), a single
    item, or totals that are all the same."""
    nobody_scored_water = tiny_matrix()
    nobody_scored_water.answers[:, 2] = DK
    t = texts(score(nobody_scored_water, default_scheme()))
    assert t["reliability"] == (
        "克朗巴赫 α：只有 0 名受访者全部题目都计分（选不计分的选项或未答的不算），至少需要 2 名，"
        "无法计算；没有计分回答的题目：water"
    )
    en = texts(score(nobody_scored_water, default_scheme()), "en")["reliability"]
    assert en.startswith("Cronbach's alpha: only 0 respondents with every item counted")
    assert en.endswith("items with no counted answer: water")

    one_complete = tiny_matrix()
    one_complete.answers[1:, 2] = DK
    assert texts(score(one_complete, default_scheme()))["reliability"].startswith("克朗巴赫 α：只有 1 名")
    assert "没有计分回答的题目" not in texts(score(one_complete, default_scheme()))["reliability"]

    same = tiny_matrix(answers=np.full((8, 3), SAT, dtype=np.int8))
    assert texts(score(same, default_scheme()))["reliability"] == (
        "克朗巴赫 α：8 名全部题目都计分的受访者总分都相同，无法计算"
    )

    single = tiny_matrix(
        answers=tiny_matrix().answers[:, :1].copy(),
        item_codes=["income"],
        item_dimension=["economy"],
        dimension_codes=["economy"],
    )
    assert texts(score(single, default_scheme(dimension_weights={"economy": 1})))["reliability"] == (
        "克朗巴赫 α：只有 1 道题，无法计算（α 比较各题的回答）"
    )
    assert texts(score(tiny_matrix(), default_scheme()))["reliability"].startswith("克朗巴赫 α = ")


def test_the_se_names_villages_as_psus_only_where_a_group_was_sampled_in_them():
    """A survey without a group sampled by village (a bureau's of the firms it serves) was told its
    clustered groups' PSUs were villages."""
    clustered = texts(score(tiny_matrix(), default_scheme()))["composite:se"]
    assert "整群抽样的群体以村为初级抽样单元" in clustered
    single = score(tiny_matrix(group_clustered=[False, False]), default_scheme())
    assert (
        "每个受访者为一个初级抽样单元" in texts(single)["composite:se"]
        and "村" not in texts(single)["composite:se"]
    )
    assert "each respondent is a PSU" in texts(single, "en")["composite:se"]


def test_alpha_comes_with_its_interval_and_a_caution_when_it_reaches_below_zero():
    """α from six complete respondents (城关街道's α = 0.40 rested on four) was shown as a figure
    like any other; its Feldt interval says how little it means."""
    r = score(tiny_matrix(), default_scheme())
    lo, hi = r.reliability["ci95"]
    assert r.reliability["n"] == 6 and lo < 0 < hi < 1
    zh, en = texts(r)["reliability"], texts(r, "en")["reliability"]
    assert f"95% 置信区间 [{f2(lo)}, {f2(hi)}]，Feldt 法）" in zh
    assert zh.endswith("区间下限低于 0：受访者太少，α 说明不了各题的回答是否一致")
    assert f"95% CI [{f2(lo)}, {f2(hi)}], Feldt's method)" in en
    assert en.endswith("too few respondents for alpha to say whether the items' answers agree")

    many = generated_matrix(400, seed=2)
    r = score(many, four_dimension_scheme())
    lo, hi = r.reliability["ci95"]
    assert 0 < lo < r.reliability["cronbach_alpha"] < hi < 1
    assert texts(r)["reliability"].endswith("Feldt 法）")


def test_a_low_alpha_from_many_respondents_is_not_blamed_on_too_few_of_them():
    """α = 0.17 from 88 respondents, interval [−0.13, 0.41], was said to rest on "too few
    respondents": it is low, and more respondents would not make it acceptable."""
    rng = np.random.default_rng(7)
    unrelated = rng.choice([SAT, BASIC, DISSAT], size=(90, 3)).astype(np.int8)  # answers at random
    r = score(tiny_matrix(**_spread_over(90), answers=unrelated), default_scheme())
    lo, hi = r.reliability["ci95"]
    assert lo < 0 and hi < 0.7 and r.reliability["n"] == 90
    zh, en = texts(r)["reliability"], texts(r, "en")["reliability"]
    assert zh.endswith("区间下限低于 0、上限低于 0.7：各题的回答几乎不一致（α 与 0 没有显著差别）")
    assert "受访者太少" not in zh
    assert en.endswith("the items' answers hardly agree (alpha is not significantly above 0)")
    assert alpha_caution({"ci95": [-0.61, 0.94]}) == "few"  # also reaches an acceptable α
    assert alpha_caution({"ci95": [-0.13, 0.41]}) == "weak"
    assert alpha_caution({"ci95": [0.36, 0.56]}) is None and alpha_caution({}) is None


def _spread_over(n: int) -> dict:
    """tiny_matrix's design for n respondents: villagers in A and B, the last fifth staff."""
    staff = n // 5
    return dict(
        group=np.array([0] * (n - staff) + [1] * staff),
        village=np.array([i % 2 for i in range(n - staff)] + [-1] * staff),
        age_band=np.array([i % 2 for i in range(n - staff)] + [-1] * staff),
    )


def test_the_finite_population_correction_names_the_strata_it_applies_to():
    """ "按各层总体单元数作有限总体校正" was said when only staff had a population count (106 in
    the demo): the villagers and deputies were taken as drawn with replacement."""
    matrix = generated_matrix(300, seed=3, populations=(None, 106, None))
    zh = texts(score(matrix, four_dimension_scheme()))["composite:se"]
    assert (
        "并对已知总体单元数的层作有限总体校正（staff共 106 个单元；其余层没有总体数，按有放回抽样计算）" in zh
    )
    assert "各层总体单元数" not in zh
    en = texts(score(matrix, four_dimension_scheme()), "en")["composite:se"]
    assert "for the strata whose population count is known (staff: 106 units; the other strata" in en
    every = texts(score(generated_matrix(300, seed=3, populations=(40, 106, 30)), four_dimension_scheme()))
    assert "并按各层总体单元数作有限总体校正" in every["composite:se"]
    none = texts(
        score(generated_matrix(300, seed=3, populations=(None, None, None)), four_dimension_scheme())
    )
    assert "有限总体校正" not in none["composite:se"]
