"""The screening outcome in plain words, and the answers as a summary for the front desk.

clinical-reference §3: a neck-pattern outcome is a pattern worth an assessment, never a diagnosis;
say which answers fitted, what only an in-person examination can check, and give the disclaimer
with the emergency number every time.
"""

from headache_core.clinic import Clinic
from headache_core.messages import Reply, render
from headache_core.screening.questions import ORDER, load_questions, self_care_tips
from headache_core.screening.rules import CONSISTENT, Criterion, Outcome

MAX_QUOTE = 70
# How the front desk's summary names each answer: the questions' `summary` in screening.yml.
SUMMARY_LABELS = {slot: q.summary for slot, q in load_questions().items() if q.summary}


def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 3].rstrip() + "..."


def deciding_slots(criterion: Criterion, result: bool | None, answers: dict) -> tuple[str, ...]:
    """The answers that decided a criterion: the ones that fit it when it fitted, the ones
    answered "not sure" when unknown (for the neck's involvement, "a little bit" stiff fits it,
    not the "I don't know" about posture before it), all of them when it did not fit."""
    if result is True:
        return criterion.fitting_slots(answers)
    if result is None:
        return criterion.unknown_slots(answers)
    return criterion.slots


def _items(
    criteria: tuple[Criterion, ...], result: bool | None, answers: dict, words: dict[str, str]
) -> str:
    parts = []
    for criterion in criteria:
        slots = deciding_slots(criterion, result, answers)
        said = [words[s] for s in slots if words.get(s)]
        label = criterion.label[0].lower() + criterion.label[1:]
        parts.append(f'{label} (you said "{_quote(said[0])}")' if said else label)
    return "; ".join(parts) + "."


def outcome_replies(
    outcome: Outcome,
    words: dict[str, str],
    unsure_questions: list[str],
    clinic: Clinic | None = None,
) -> list[Reply]:
    """The messages that end a screening, in the order they are sent."""
    consistent = outcome.outcome == CONSISTENT
    replies = [
        render(
            "screening_outcome_consistent" if consistent else "screening_outcome_not_typical",
            clinic,
        )  # fmt: skip
    ]
    for key, criteria, result in (
        ("screening_fitted", outcome.fitted, True),
        ("screening_not_fitted", outcome.not_fitted, False),
        ("screening_unknown", outcome.unknown, None),
    ):
        if criteria:
            items = _items(criteria, result, outcome.answers, words)
            replies.append(render(key, clinic, items=items))
    replies.append(render("screening_clinic_only", clinic, items="; ".join(outcome.clinic_only)))
    for question in unsure_questions:
        replies.append(render("screening_unsure_flag", clinic, question=question))
    if consistent:
        tips = "\n".join(f"- {tip}" for tip in self_care_tips())
        replies.append(render("screening_next_consistent", clinic, tips=tips))
    else:
        replies.append(render("screening_next_not_typical", clinic))
    replies.append(render("screening_disclaimer", clinic))
    return replies


def summary(
    outcome: str | None,
    rules_version: str,
    values: dict[str, object],
    words: dict[str, str],
    notes: list[str] = (),
) -> str:
    """Plain text for the front desk: the outcome, then each answer as read and as said."""
    lines = [f"Neck screening (rules {rules_version}): {outcome or 'not finished'}"]
    for slot in ORDER:
        if slot not in SUMMARY_LABELS or (slot not in values and slot not in words):
            continue
        value = values.get(slot)
        said = words.get(slot)
        shown = "" if value is None else str(value).replace("_", " ")
        if said and str(said).strip().lower() != shown.lower():
            shown = f'{shown} ("{_quote(said)}")' if shown else f'"{_quote(said)}"'
        lines.append(f"{SUMMARY_LABELS[slot]}: {shown or slot}")
    lines += list(notes)
    return "\n".join(lines)
