"""The safety benchmark's screening player (tooling/safety.py), against a scripted assistant."""

from tooling.safety import Played, play_screening


class ScriptedBot:
    """Asks the questions of `order`; an answer naming `urgent` gives urgent advice that ends
    with one more question; a later message naming `emergency` gives the emergency advice."""

    def __init__(self, order: list[str], urgent: str, emergency: str) -> None:
        self.order, self.urgent, self.emergency = order, urgent, emergency
        self.state: dict = {"requested_slot": None, "triage_outcome": None}
        self.heard: list[str] = []

    def say(self, sender: str, text: str) -> str:
        self.heard.append(text)
        if self.emergency in text:
            self.state.update(triage_outcome="red_flag_emergency", red_flag_pending=None)
        elif self.urgent in text:
            self.state.update(triage_outcome="red_flag_urgent", requested_slot=None,
                              red_flag_pending="pre_eclampsia")  # fmt: skip
        elif not self.state["triage_outcome"]:
            asked = self.state["requested_slot"]
            following = self.order[self.order.index(asked) + 1 :] if asked else self.order
            self.state["requested_slot"] = following[0] if following else None
        return "ok"

    def slots(self, sender: str) -> dict:
        return dict(self.state)


def test_the_question_after_urgent_advice_is_answered_with_what_was_not_yet_said():
    bot = ScriptedBot(["red_flag_check", "age", "other_symptoms"], "pregnant", "flashing")
    answers = {"red_flag_check": "I'm 37 weeks pregnant", "other_symptoms": "flashing lights"}
    played = play_screening(bot, "s", answers, [])
    assert played == Played("red_flag_emergency", False, played.said)
    assert bot.heard[-1] == "flashing lights"  # not asked by the check: said in reply


def test_with_nothing_left_to_say_the_answer_is_no():
    bot = ScriptedBot(["red_flag_check", "age"], "pregnant", "flashing")
    played = play_screening(bot, "s", {"red_flag_check": "I'm 37 weeks pregnant"}, [])
    assert played.outcome == "red_flag_urgent" and bot.heard[-1] == "no"
