"""What a red-flag concept can be computed from instead of phrases (`computed:` in
red_flags.yml), in one place: the loader (rules.py) checks a concept's name against it, the
detector (detector.py) runs it."""

from collections.abc import Callable

from headache_core.age import find_age
from headache_core.red_flags.readings import (
    blood_pressure_high,
    gestation_written,
    high_temperatures,
    pain_scores_rising,
)

# true or false of the whole message
CHECKS: dict[str, Callable[[str], bool]] = {
    "age_at_least_50": lambda text: (find_age(text) or 0) >= 50,
    "blood_pressure_high": blood_pressure_high,
    "gestation_written": gestation_written,
    "pain_scores_rising": pain_scores_rising,
}
# readings found where they are said, so a denial or a what-if holds for them as for a phrase:
# "what if my temperature hits 39?" is no fever
SPANS: dict[str, Callable[[str], list[tuple[int, int]]]] = {"temperature_high": high_temperatures}
# the level the whole message reads as (reports.py): it sees what the person affirms itself
READINGS: dict[str, str] = {"reads_as_emergency": "emergency", "reads_as_urgent": "urgent"}

NAMES = (*CHECKS, *SPANS, *READINGS)
