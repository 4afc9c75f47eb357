"""The whole-message reading (headache_core/red_flags/reports.py): what it learns from, how it
reads, and how its flags stand aside for a flag a rule names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from headache_core.red_flags.encoder import default_encoder_detector
from headache_core.red_flags.evaluation import evaluate
from headache_core.red_flags.reports import (
    ReportFileError,
    Support,
    digest,
    learn,
    load_examples,
    needs_learning,
)
from headache_core.red_flags.rules import load_rules

REPORTS = [
    "the worst headache of my life hit me in a second",
    "my face drooped on one side and my words came out wrong",
    "high temperature and my neck is too stiff to bend forward",
    "I can't lift my left arm and my headache is awful",
    "my dad is very confused and sleepy after hitting his head",
    "sudden explosive pain at the back of my head while lifting",
]
NOT_REPORTS = [
    "what exercises help a stiff neck from my desk?",
    "my usual tension headache after a long day at the laptop",
    "how much does a session cost?",
    "can I book an appointment on Friday?",
    "no fever, no numbness, just tight shoulders",
    "thanks, that was helpful",
]


def _write(
    tmp_path: Path, cases=REPORTS, negatives=NOT_REPORTS, threshold=None, support=None
) -> Path:
    sets = tmp_path / "sets.yml"
    sets.write_text(
        yaml.safe_dump(
            {
                "cases": [{"text": t, "level": "emergency"} for t in cases],
                "negatives": [{"text": t} for t in negatives],
            }
        )
    )
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hello there\n'
        "    - hi [Anna](name), good morning\n"
    )
    config = tmp_path / "reports.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "reports_version": "test",
                "threshold": threshold or {"emergency": 0.5, "urgent": 0.5},
                "reports": [{"file": str(sets), "source": "test"}],
                "not_reports": [{"file": str(nlu)}],
                **({} if support is None else {"support": support}),
            }
        )
    )
    return config


def test_examples_come_from_the_files_named_with_their_levels(tmp_path):
    _, examples = load_examples(_write(tmp_path))
    assert len(examples.texts) == len(REPORTS) + len(NOT_REPORTS) + 2
    assert examples.levels.count(2) == len(REPORTS)
    # an entity annotation in an NLU example is read as its words
    assert "hi Anna, good morning" in examples.texts


def test_a_missing_file_or_a_file_without_reports_is_an_error(tmp_path):
    config = _write(tmp_path)
    broken = yaml.safe_load(config.read_text())
    broken["reports"].append({"file": "tests/red_flags/nowhere.yml"})
    config.write_text(yaml.safe_dump(broken))
    with pytest.raises(ReportFileError, match="nowhere.yml does not exist"):
        load_examples(config)
    with pytest.raises(ReportFileError, match="needs both"):
        load_examples(_write(tmp_path, cases=[]))


def test_a_threshold_for_each_level_between_half_and_one(tmp_path):
    with pytest.raises(ReportFileError, match="an emergency and an urgent value"):
        learn(default_encoder_detector(), _write(tmp_path, threshold={"emergency": 0.9}))
    with pytest.raises(ReportFileError, match="urgent 1.5 is not"):
        learn(
            default_encoder_detector(),
            _write(tmp_path, threshold={"emergency": 0.9, "urgent": 1.5}),
            tmp_path / "cache",
        )


def test_a_reading_needs_learnt_reports_nearer_than_learnt_other_messages(tmp_path):
    """Far from every report and near a message that is not one, the regression can be sure of
    anything ("the monstera is drooping"): `support` drops such a reading, not one in unusual
    words that is far from everything."""
    support = Support(near=0.5, closer=0.08)
    assert not support.holds(report=0.29, other=0.82)  # "split the dinner bill 4 ways"
    assert support.holds(report=0.36, other=0.42)  # "like someone flicked a switch"
    assert support.holds(report=0.6, other=0.95)  # near a report: the regression decides
    text = "the most terrible headache of my whole life came on in seconds"
    cache = tmp_path / "cache"
    far = {"near": 0.99, "closer": 0.0}
    reader = learn(default_encoder_detector(), _write(tmp_path, support=far), cache)
    assert len(reader.other_vectors) == len(NOT_REPORTS) + 2  # kept beside the reports
    assert reader.read(text).level == "emergency"  # nearer a report than any other message
    reader.support = Support(near=0.99, closer=-1.0)  # every report too far, anything too near
    reader._recent.cache_clear()
    assert reader.read(text).level is None
    assert reader.read(REPORTS[0]).level == "emergency"  # a learnt report is its own support
    with pytest.raises(ReportFileError, match="support near 1.5 is not"):
        learn(default_encoder_detector(), _write(tmp_path, support={"near": 1.5, "closer": 0}))
    with pytest.raises(ReportFileError, match="needs `near` and `closer`"):
        learn(default_encoder_detector(), _write(tmp_path, support=0.5), cache)


def test_any_edit_to_a_message_is_learnt_again(tmp_path):
    first = digest(*load_examples(_write(tmp_path)))
    changed = digest(*load_examples(_write(tmp_path, negatives=[*NOT_REPORTS, "see you soon"])))
    assert first != changed


def test_it_learns_once_and_reads_what_the_person_affirms(tmp_path):
    config, cache = _write(tmp_path), tmp_path / "cache"
    assert needs_learning(default_encoder_detector(), config, cache)
    reader = learn(default_encoder_detector(), config, cache)
    assert not needs_learning(default_encoder_detector(), config, cache)
    assert len(list(cache.glob("*.npz"))) == 1
    reading = reader.read("the most terrible headache of my whole life came on in seconds")
    assert reading.level == "emergency"
    assert reading.like in REPORTS  # the nearest report, for the audit
    assert "reads as emergency" in reading.evidence
    # the same words denied are not a report: only affirmed clauses are read beside the whole
    assert reader.read("how do I book a session for my neck?").level is None
    again = learn(default_encoder_detector(), config, cache)  # from the cache
    assert (again.weights == reader.weights).all()
    # new data is learnt again, and what the old data learnt is not kept
    learn(default_encoder_detector(), _write(tmp_path, negatives=NOT_REPORTS[:-1]), cache)
    assert len(list(cache.glob("*.npz"))) == 1


RULES = load_rules()


def test_a_reading_stands_aside_for_a_flag_a_rule_names():
    said = {"reads_like_emergency": ("≈ ...",), "fever": ("fever",), "neck_stiffness": ("stiff",)}
    assert evaluate(RULES, said).flag_ids == ["fever_neck_stiffness"]
    alone = evaluate(RULES, {"reads_like_emergency": ("≈ ...",)})
    assert alone.flag_ids == ["emergency_by_meaning"] and alone.level == "emergency"


def test_a_reading_more_serious_than_the_named_flag_still_counts():
    said = {"reads_like_emergency": ("≈ ...",), "anticoagulant": ("warfarin",),
            "headache": ("headache",)}  # fmt: skip
    assert evaluate(RULES, said).flag_ids == ["emergency_by_meaning", "anticoagulant_new_headache"]
    urgent = {"reads_like_urgent": ("≈ ...",), "anticoagulant": ("warfarin",),
              "headache": ("headache",)}  # fmt: skip
    assert evaluate(RULES, urgent).flag_ids == ["anticoagulant_new_headache"]


def test_what_it_was_learnt_from_reads_the_same_in_every_process():
    # the digest holds the cue pattern; a set's order would change with Python's hash seed, and
    # every start would learn again for minutes
    script = (
        "from headache_core.red_flags.encoder import _cue_pattern;"
        "from headache_core.red_flags.rules import load_rules;"
        "print(_cue_pattern(load_rules()).pattern)"
    )
    patterns = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(patterns) == 1
