"""Numbers that carry a finding without words: a blood-pressure reading, a pregnancy in weeks.

"Home BP 152/98" and "37+2" (weeks+days of pregnancy, as midwives write it) say what
"high blood pressure" and "pregnant" say; the phrase rules cannot read numbers, so these do.
Thresholds: clinical-reference.md §2 (pre-eclampsia: raised blood pressure, NICE NG133 >= 140/90).
"""

import re

# systolic/diastolic with an optional "bp" or "blood pressure" nearby; 2-3 digits each
_READING = re.compile(r"(?<![\d/.])(\d{2,3})\s*/\s*(\d{2,3})(?!\d|[./]\d)")
_BP_WORDS = re.compile(r"\b(bp|blood\s+pressure|pressure|reading|mmhg)\b", re.I)
# 24+0 .. 42+6: weeks and days of gestation
_GESTATION = re.compile(r"(?<![\d.+])(2[4-9]|3\d|4[0-2])\s*\+\s*[0-6](?!\d|[.+]\d)")


def blood_pressure_high(text: str) -> bool:
    """A reading of 140/90 or more, named as blood pressure (so "10/10 pain" is no reading)."""
    if not _BP_WORDS.search(text):
        return False
    for systolic, diastolic in _READING.findall(text):
        high, low = int(systolic), int(diastolic)
        if 60 <= high <= 300 and 30 <= low < high and (high >= 140 or low >= 90):
            return True
    return False


def gestation_written(text: str) -> bool:
    """Weeks+days of a pregnancy written as midwives do ("37+2")."""
    return _GESTATION.search(text) is not None
