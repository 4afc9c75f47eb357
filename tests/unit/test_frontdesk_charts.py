"""The insights charts (webapp/frontdesk/charts.py) and the words they show: the numbers in
the SVG and in its table agree with the data, hostile labels stay text, and no data, one day
and 90 days all draw something a receptionist can read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.insights_stand_in import insights_fixture
from webapp.frontdesk import insights_view, words
from webapp.frontdesk.charts import (
    Bar,
    Segment,
    daily_bars,
    day_words,
    horizontal_bars,
    nice_ticks,
    number,
    stacked_bars,
)

HOSTILE = '<script>alert(1)</script>&"\' onload="x'
SVG = "{http://www.w3.org/2000/svg}"


def parse(html: str) -> ET.Element:
    """The figure as XML: fails on any markup the labels could have broken."""
    return ET.fromstring(html)


def svg(figure: ET.Element) -> ET.Element:
    return figure.find(f"{SVG}svg")


def table_rows(figure: ET.Element) -> list[list[str]]:
    return [
        ["".join(cell.itertext()) for cell in row]
        for row in figure.iter("tr")
        if row.find("td") is not None
    ]


def bar_heights(figure: ET.Element) -> list[float]:
    return [float(rect.get("height")) for rect in svg(figure).iter(f"{SVG}rect")]


def days(count: int, value=lambda i: i) -> list[tuple[str, float]]:
    start = date(2026, 9, 8)
    return [((start + timedelta(days=i)).isoformat(), value(i)) for i in range(count)]


def test_daily_bars_draw_each_day_to_scale_and_tabulate_the_same_numbers() -> None:
    data = [("2026-11-30", 10), ("2026-12-01", 20), ("2026-12-02", 0), ("2026-12-03", 5)]
    figure = parse(daily_bars(data, chart_id="c", title="Conversations per day", unit="chats"))
    heights = bar_heights(figure)
    assert heights[2] == 0 and heights[1] == pytest.approx(2 * heights[0])
    assert heights[0] == pytest.approx(2 * heights[3])
    assert table_rows(figure) == [
        ["Mon 30 Nov", "10"],
        ["Tue 1 Dec", "20"],
        ["Wed 2 Dec", "0"],
        ["Thu 3 Dec", "5"],
    ]
    title = svg(figure).find(f"{SVG}title").text
    assert title == (
        "Conversations per day, Mon 30 Nov to Thu 3 Dec: 35 chats in all; most on Tue 1 Dec (20)."
    )
    assert svg(figure).get("role") == "img"
    assert svg(figure).get("aria-labelledby") == "c-title"
    tips = [t.text for t in svg(figure).iter(f"{SVG}title")][1:]
    assert tips[1] == "Tue 1 Dec: 20 chats"
    shown = [t.text for t in svg(figure).iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert shown == ["10", "20", "0", "5"]  # few days: the count over each bar


def test_ninety_days_keep_every_bar_but_only_a_few_day_labels() -> None:
    figure = parse(daily_bars(days(90), chart_id="c", title="Per day", unit="chats"))
    assert len(bar_heights(figure)) == 90
    assert len(table_rows(figure)) == 90
    values = [t for t in svg(figure).iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == []  # too narrow to print: the tooltip and the table carry them
    labels = [t.text for t in svg(figure).iter(f"{SVG}text") if re.match(r"\d+ \w{3}$", t.text)]
    assert 5 <= len(labels) <= 15 and labels[0] == "8 Sep"
    assert all(float(r.get("width")) >= 1 for r in svg(figure).iter(f"{SVG}rect"))


def test_one_day_and_no_activity_still_draw_a_readable_chart() -> None:
    one = parse(daily_bars([("2026-12-06", 3)], chart_id="c", title="Per day", unit="chats"))
    assert table_rows(one) == [["Sun 6 Dec", "3"]]
    assert len(bar_heights(one)) == 1
    quiet = parse(daily_bars(days(7, lambda i: 0), chart_id="c", title="Per day", unit="chats"))
    assert bar_heights(quiet) == [0.0] * 7
    assert svg(quiet).find(f"{SVG}title").text.endswith(": 0 chats in all.")
    ticks = [t.text for t in svg(quiet).iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[:2] == ["0", "1"]  # an axis, not a division by zero


def test_shares_per_day_are_percentages() -> None:
    figure = parse(
        daily_bars(
            [("2026-12-05", 0.05), ("2026-12-06", 0.126)],
            chart_id="u",
            title="Unsure",
            unit="of messages",
            percent=True,
        )
    )
    assert table_rows(figure) == [["Sat 5 Dec", "5%"], ["Sun 6 Dec", "13%"]]
    assert "Highest on Sun 6 Dec: 13%." in svg(figure).find(f"{SVG}title").text


def test_horizontal_bars_in_order_with_counts_and_shares() -> None:
    bars = [Bar("Asked questions only", 60), Bar("Red flag", 10, "emergency"), Bar("Other", 0)]
    figure = parse(
        horizontal_bars(
            bars, chart_id="j", title="Journeys", unit="conversations", empty="-", show_share=True
        )
    )
    assert table_rows(figure) == [
        ["Asked questions only", "60", "86%"],
        ["Red flag", "10", "14%"],
        ["Other", "0", "0%"],
    ]
    widths = [float(r.get("width")) for r in svg(figure).iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(6 * widths[1])
    fills = [r.get("fill") for r in svg(figure).iter(f"{SVG}rect")]
    assert fills[1] == "#a3001b"
    assert "Red flag 10 (14%)" in svg(figure).find(f"{SVG}title").text


def test_without_shares_zero_bars_are_left_out_and_nothing_at_all_says_so() -> None:
    figure = parse(
        horizontal_bars(
            [Bar("Fever", 2), Bar("Rash", 0)], chart_id="f", title="Flags", unit="x", empty="-"
        )
    )
    assert table_rows(figure) == [["Fever", "2"]]
    empty = horizontal_bars([Bar("Rash", 0)], chart_id="f", title="Flags", unit="x", empty="None.")
    assert empty == '<p class="chart-empty" id="f">None.</p>'
    assert "<svg" not in horizontal_bars([], chart_id="f", title="F", unit="x", empty="None.")


def test_stacked_bars_say_every_part_in_words_and_total_it() -> None:
    figure = parse(
        stacked_bars(
            [("Booking requests", [2, 1, 5]), ("Asked for a person", [0, 0, 0])],
            [Segment("New", "urgent"), Segment("Claimed", "consistent"), Segment("Done", "muted")],
            chart_id="h",
            title="Handoffs",
            empty="None.",
        )
    )
    assert table_rows(figure) == [["Booking requests", "2", "1", "5", "8"]]  # empty row left out
    assert "Booking requests: 2 new, 1 claimed, 5 done" in svg(figure).find(f"{SVG}title").text
    segments = [r for r in svg(figure).iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    widths = [float(r.get("width")) for r in segments]
    assert widths[2] == pytest.approx(5 * widths[1], rel=0.01)
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)


def test_hostile_labels_are_escaped_everywhere() -> None:
    charts = [
        horizontal_bars([Bar(HOSTILE, 1)], chart_id="a", title=HOSTILE, unit=HOSTILE, empty="-"),
        stacked_bars(
            [(HOSTILE, [1])], [Segment(HOSTILE, "brand")], chart_id="b", title=HOSTILE, empty="-"
        ),
        daily_bars([(HOSTILE, 1)], chart_id='c"><script>', title=HOSTILE, unit=HOSTILE),
    ]
    for html in charts:
        assert "<script>" not in html
        figure = parse(html)  # well-formed: nothing broke out of an attribute or element
        assert figure.find(".//script") is None and figure.find(f".//{SVG}script") is None
        assert all(not name.startswith("on") for el in figure.iter() for name in el.attrib)
        assert any(HOSTILE in "".join(el.itertext()) for el in figure.iter())


def test_long_labels_wrap_and_push_the_rows_below_down() -> None:
    long = "New weakness, numbness, drooping face, slurred speech or sight loss, and more words"
    figure = parse(
        horizontal_bars(
            [Bar(long, 2), Bar("Fever", 1)], chart_id="w", title="Flags", unit="x", empty="-"
        )
    )
    labels = [t for t in svg(figure).iter(f"{SVG}text") if t.get("class") == "chart-label"]
    lines = [span.text for span in labels[0]]
    assert len(lines) == 2 and " ".join(lines) == long  # nothing cut, in two lines
    bars = [r for r in svg(figure).iter(f"{SVG}rect")]
    assert float(bars[0].get("y")) > 16 + 20  # under both lines of its label
    assert float(labels[1].get("y")) > float(bars[0].get("y")) + 20  # the next row below it
    assert float(svg(figure).get("height")) > float(bars[1].get("y")) + 20
    endless = parse(
        horizontal_bars([Bar("x" * 500, 1)], chart_id="e", title="F", unit="x", empty="-")
    )
    spans = [span.text for t in svg(endless).iter(f"{SVG}text") for span in t]
    assert len(spans) == 3 and spans[-1].endswith("…")
    assert table_rows(endless) == [["x" * 500, "1"]]  # the table keeps it whole


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (17, [0, 5, 10, 15, 20]), (1234, [0, 500, 1000, 1500])],
)
def test_grid_lines_fall_on_round_numbers(top, ticks) -> None:
    assert nice_ticks(top) == ticks


def test_numbers_and_days_in_words() -> None:
    assert number(1234) == "1,234" and number(0.053, percent=True) == "5.3%"
    assert number(0.04, percent=True) == "4%" and number(0.5, percent=True) == "50%"
    assert day_words("2026-12-06") == "Sun 6 Dec" and day_words("nonsense") == "nonsense"


def test_flag_words_use_a_label_when_the_file_has_one(tmp_path: Path) -> None:
    rules = tmp_path / "red_flags.yml"
    rules.write_text(
        "flags:\n  - id: thunderclap_onset\n    label: Sudden, worst-ever headache\n"
        "  - id: fever_neck_stiffness\n"
    )
    assert words.flag_labels(rules) == {"thunderclap_onset": "Sudden, worst-ever headache"}
    assert words.readable("fever_neck_stiffness") == "Fever neck stiffness"
    assert words.flag_words("no_such_flag") == "No such flag"


def test_intent_words_prefer_a_topic_title_then_names_then_button_titles(tmp_path) -> None:
    education = tmp_path / "education.yml"
    education.write_text(
        "topics:\n"
        "  - {id: p, intents: [ask_posture], title: Posture at work,"
        " buttons: [{title: Why posture matters, payload: /ask_posture}]}\n"
        "  - {id: s, intents: [ask_self_care],"
        " buttons: [{title: Self-care, payload: /ask_self_care},"
        ' {title: Neck check, payload: \'/ask_neck_anatomy{"body_part": "x"}\'}]}\n'
    )
    titled, from_buttons = words.topic_titles(education)
    assert titled == {"ask_posture": "Posture at work"}
    assert from_buttons == {"ask_posture": "Why posture matters", "ask_self_care": "Self-care"}
    assert words.intent_words("request_human") == "Asked for a person"
    assert words.intent_words("ask_neck_anatomy") == "Neck anatomy"  # made readable
    assert words.intent_words("new_topic") == "New topic"
    assert "nlu_fallback" in words.intents_shown() and "ask_posture" in words.intents_shown()


def test_ids_have_one_home_and_the_words_follow_them() -> None:
    """The labels, outcomes and handoff kinds/statuses are declared once; words, the summary
    and the review API use those declarations (a new id cannot be missed in one of them)."""
    from headache_core.handoff import model
    from insights import export, summary, tally

    assert tuple(words.LABEL_WORDS) == export.SPECIAL_LABELS
    assert words.intents_shown() == (*tally.domain_intents(), "nlu_fallback")
    assert not hasattr(words, "domain_intents") or words.domain_intents is tally.domain_intents
    assert tuple(model.OUTCOME_RANK) == summary.OUTCOMES == tuple(words.OUTCOMES)
    assert (summary.HANDOFF_KINDS, summary.HANDOFF_STATUSES) == (model.KINDS, model.STATUSES)


def test_the_insights_view_shows_the_backends_figures_in_words() -> None:
    data = insights_fixture(7)
    heads = {h.label: (h.value, h.detail) for h in insights_view.headlines(data)}
    assert heads["Conversations"] == (number(data["conversations"]), "600 messages")
    assert heads["Red flags"][0] == str(data["journeys"]["red_flag"])
    assert heads["Assistant unsure"] == ("8%", "48 of 600 messages")
    charts = insights_view.charts(data)
    per_day = table_rows(parse(charts["per_day"]))
    assert [int(count) for _, count in per_day] == [d["conversations"] for d in data["by_day"]]
    journeys = dict((row[0], row[1]) for row in table_rows(parse(charts["journeys"])))
    assert journeys["Red flag"] == str(data["journeys"]["red_flag"])
    assert words.flag_words("thunderclap_onset") in charts["flags"]
    assert "conversations" in charts["flags"] and "times" not in charts["flags"]  # as counted


def test_the_unsure_share_is_the_backends_never_worked_out_again() -> None:
    data = {"messages": 10, "unsure_messages": 5, "unsure_share": 0.0,
            "by_day": [{"day": "2026-12-06", "messages": 10, "unsure_messages": 5,
                        "unsure_share": 0.0}]}  # fmt: skip
    assert {h.label: h.value for h in insights_view.headlines(data)}["Assistant unsure"] == "0%"
    assert insights_view._days(data, "unsure_share") == [("2026-12-06", 0.0)]


def test_the_insights_view_survives_missing_and_odd_fields() -> None:
    charts = insights_view.charts({"by_day": [{"day": "2026-12-06"}], "topics": "nonsense"})
    assert "No conversations in this period." in charts["journeys"]
    assert "No topics asked in this period." in charts["topics"]
    assert table_rows(parse(charts["per_day"])) == [["Sun 6 Dec", "0"]]
    assert [h.value for h in insights_view.headlines({})] == ["0", "0", "0", "0%"]
