"""The routing message a red flag gets, in one home: the action sends it to the person and the
front-desk card says what the person was told, in the same words."""

from __future__ import annotations

from headache_core.clinic import Clinic
from headache_core.messages import Reply, fill_clinic_values, render
from headache_core.red_flags.rules import load_rules

MAX_REASONS = 2


def advice(
    level: str, flag_ids: list[str], brief: bool = False, clinic: Clinic | None = None
) -> Reply:
    """The fixed routing message for a level, with the reasons of its flags at that level (at
    most MAX_REASONS); `brief` (the advice again, after the person's reply) keeps the route and
    what to do meanwhile only. A level with no known flag gets the level's own words."""
    rules = load_rules()
    ids = {f.id for f in rules.flags}
    at_level = [rules.flag(f) for f in flag_ids if f in ids and rules.flag(f).level == level]
    at_level = at_level[:MAX_REASONS]
    # what to do until help comes ("get everyone out into fresh air"), flag by flag
    meanwhile = " ".join(fill_clinic_values(f.meanwhile, clinic) for f in at_level if f.meanwhile)
    if brief:
        return render(f"red_flag_{level}_brief", clinic, meanwhile=meanwhile)
    reasons = " ".join(p for p in (*(f.reason for f in at_level), meanwhile) if p)
    if not reasons:  # a yes to a checklist names no flag: the level's own words
        return render(f"red_flag_{level}_unspecified", clinic)
    return render(f"red_flag_{level}", clinic, reasons=reasons)
