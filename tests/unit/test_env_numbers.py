"""Numbers from the environment: defaults, and a clear error naming the variable for a bad value."""

import pytest

from channels.limits import Limits
from handoff_delivery.cliniko import ClinikoConfig
from settings.values import env_float, env_int, env_port, env_ports
from tooling.cluster import ClusterPorts
from webapp.frontdesk.settings import FrontdeskSettings


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_unset_or_blank_gives_the_default(raw):
    env = {} if raw is None else {"X": raw}
    assert env_int("X", 7, env) == 7
    assert env_float("X", 2.5, env) == 2.5
    assert env_port("X", 5005, env) == 5005
    assert env_ports("X", (1, 2), env) == (1, 2)


def test_values_are_read_with_surrounding_spaces():
    env = {"N": " 12 ", "F": "0.25", "P": "8006, 8007"}
    assert env_int("N", 0, env) == 12
    assert env_float("F", 1.0, env) == 0.25
    assert env_ports("P", (), env) == (8006, 8007)


@pytest.mark.parametrize(
    ("read", "raw", "message"),
    [
        (lambda env: env_int("N", 1, env), "ten", "N must be a whole number, not 'ten'"),
        (lambda env: env_int("N", 1, env), "2.5", "N must be a whole number"),
        (lambda env: env_int("N", 1, env), "-1", "N must be 0 or more, not -1"),
        (lambda env: env_float("N", 1.0, env), "3s", "N must be a finite number, not '3s'"),
        (lambda env: env_float("N", 1.0, env), "-0.5", "N must not be negative"),
        (lambda env: env_float("N", 1.0, env), "nan", "N must be a finite number"),
        (lambda env: env_float("N", 1.0, env), "inf", "N must be a finite number"),
        (lambda env: env_float("N", 1.0, env, positive=True), "0", "N must be more than 0"),
        (lambda env: env_port("N", 1, env), "0", "N must be 1 or more"),
        (lambda env: env_port("N", 1, env), "70000", "N must be a port from 1 to 65535"),
        (lambda env: env_ports("N", (1,), env), "8006;8007", "N must be ports separated by"),
        (lambda env: env_ports("N", (1,), env), "8006,", "N must be ports separated by"),
        (lambda env: env_ports("N", (1,), env), "8006,99999", "N must be a port from 1 to 65535"),
    ],
)
def test_a_bad_value_names_the_variable(read, raw, message):
    with pytest.raises(ValueError, match=message):
        read({"N": raw})


def test_callers_report_a_typo_by_name(monkeypatch):
    with pytest.raises(ValueError, match="RATE_LIMIT_PER_MINUTE must be a whole number"):
        Limits.from_env({"RATE_LIMIT_PER_MINUTE": "thirty"})
    with pytest.raises(ValueError, match="FRONTDESK_SESSION_MINUTES must be more than 0"):
        FrontdeskSettings.from_env({"FRONTDESK_SESSION_MINUTES": "0"})
    cliniko = {
        "CLINIKO_API_KEY": "k-au1",
        "CLINIKO_BUSINESS_ID": "1",
        "CLINIKO_PRACTITIONER_ID": "2",
        "CLINIKO_APPOINTMENT_TYPE_ID": "3",
        "CLINIKO_TIMEOUT": "ten",
    }
    with pytest.raises(ValueError, match="CLINIKO_TIMEOUT must be a finite number"):
        ClinikoConfig.from_env(cliniko)
    monkeypatch.setenv("CLUSTER_RASA_PORTS", "8006 8007")
    with pytest.raises(ValueError, match="CLUSTER_RASA_PORTS must be ports separated by commas"):
        ClusterPorts.from_env()
