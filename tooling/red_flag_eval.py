"""Detector-only evaluation of a red-flag corpus (converse.py format), without a server.

    .venv/bin/python -m tooling.red_flag_eval tests/red_flags/holdout2.yml [-v]

Prints recall by level, under-triage and false alarms; -v lists every miss and false alarm with
the concepts the detector saw, for a clinician improving `knowledge/red_flags.yml`. The server-level
gates run in `make test` (tests/server/test_red_flag_server.py).
"""

import argparse
from pathlib import Path

import yaml

from headache_core.red_flags.detector import default_detector


def text_of(item: dict) -> str:
    """A case's words as one text: a message, messages in turn, or screening answers (the
    conversation-level evidence judges them together in the assistant; here, the detector)."""
    if "text" in item:
        return str(item["text"])
    if "turns" in item:
        return " ".join(str(t) for t in item["turns"])
    return "I have headaches. " + " ".join(f"{v}." for v in item["screening"].values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    detector = default_detector()
    corpus = yaml.safe_load(args.corpus.read_text(encoding="utf-8"))
    found = {"emergency": [0, 0], "urgent": [0, 0]}
    details = []
    for case in corpus.get("cases", []):
        detection = detector.detect(text_of(case))
        wanted = ("emergency",) if case["level"] == "emergency" else ("emergency", "urgent")
        found[case["level"]][1] += 1
        if detection.level in wanted:
            found[case["level"]][0] += 1
        else:
            details.append(("MISSED" if not detection.flags else "UNDER", case, detection))
    negatives = corpus.get("negatives", [])
    alarms = [(n, detector.detect(text_of(n))) for n in negatives]
    alarms = [(n, d) for n, d in alarms if d.flags]
    for level, (hit, total) in found.items():
        print(f"{level}: {hit}/{total} ({hit / total:.1%})" if total else f"{level}: none")
    print(f"false alarms: {len(alarms)}/{len(negatives)}")
    if args.verbose:
        for kind, case, detection in details:
            print(kind, case["id"], case["flag"], detection.flag_ids, dict(detection.concepts))
        for negative, detection in alarms:
            print("ALARM", negative["id"], detection.flag_ids, dict(detection.concepts))


if __name__ == "__main__":
    main()
