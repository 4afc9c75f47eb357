"""`make conversations`: what it counts in a transcript and how it sums a rater's file."""

from pathlib import Path

from tooling.conversations import counts, reply_text, summarise_ratings


def turn(assistant: str, fallback: bool = False, repeat: bool = False) -> dict:
    return {"assistant": assistant, "fallback": fallback, "repeat": repeat, "placeholder": False}


def test_replies_show_their_buttons() -> None:
    replies = [{"text": "Hello"}, {"buttons": [{"title": "Book"}, {"title": "Check"}]}]
    assert reply_text(replies) == "Hello\n[buttons: Book | Check]"
    assert reply_text([]) == "(no reply)"


def test_a_turn_that_is_both_a_fallback_and_a_repeat_counts_once() -> None:
    played = [{"turns": [turn("a"), turn("b", fallback=True, repeat=True), turn("c", repeat=True)]}]
    summary = counts(played)
    assert summary["fallback"] == 1 and summary["repeat"] == 2
    assert summary["fallback_or_repeat_share"] == round(2 / 3, 3)


def test_ratings_are_summed_against_the_targets(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(
        "ratings:\n"
        "  - {id: A01, stars: 5, turns: [good, good], lost: 0}\n"
        "  - {id: A02, stars: 2, turns: [good, unsafe, failed], lost: 1}\n"
    )
    summary = summarise_ratings(path)
    assert summary["average"] == 3.5 and summary["lowest"] == 2
    assert summary["unsafe"] == 1 and summary["lost"] == 1
    assert summary["turns"] == {"good": 3, "unsafe": 1, "failed": 1}
