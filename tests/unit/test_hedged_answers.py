"""A hedge beside a yes to warning signs stays a yes: "yes, perhaps the vision" must escalate a
hinted flag, not be set aside as unsure (found when the cue words moved into the lexicon)."""

import pytest

from headache_core.screening.answers import read_red_flag_check


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("yes perhaps", "yes"),
        ("yes, perhaps the vision", "yes"),
        ("maybe", "not_sure"),
        ("not sure", "not_sure"),
        ("no, none of those", "no"),
    ],
)
def test_warning_sign_answers(text: str, reading: str) -> None:
    assert read_red_flag_check(text) == reading
