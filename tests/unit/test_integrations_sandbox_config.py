"""The sandbox's fault settings and latency scale, from JSON and from the environment, and its
credit and valuation rules as pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.credit_bureau import Application, decide
from sandbox.faults import Fault, FaultError, Faults, latency_scale_from_env
from sandbox.vehicle_data import CONDITIONS, estimate

TODAY = date(2026, 6, 15)

# Faults


def test_an_update_changes_only_the_fields_given() -> None:
    fault = Fault(error_rate=0.5).updated({"latency_ms": 250})
    assert fault == Fault(error_rate=0.5, latency_ms=250, down=False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"error_rate": 2}, "error_rate"),
        ({"error_rate": -0.1}, "error_rate"),
        ({"error_rate": "0.5"}, "error_rate"),
        ({"error_rate": True}, "error_rate"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"latency_ms": 10**9}, "latency_ms"),
        ({"down": "yes"}, "down"),
        ({"down": 1}, "down"),
        ({"slow": True}, "slow"),
        ([1], "body"),
    ],
)
def test_a_bad_setting_is_refused_naming_its_field(changes: object, field: str) -> None:
    with pytest.raises(FaultError) as raised:
        Fault().updated(changes)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_faults_from_the_environment_are_keyed_by_service() -> None:
    env = {
        "TREX_SANDBOX_FAULTS": '{"credit-bureau": {"down": true}, "lead-crm": {"error_rate": 0.2}}'
    }
    faults = Faults.from_env(env)
    assert faults.of("credit-bureau") == Fault(down=True)
    assert faults.of("lead-crm") == Fault(error_rate=0.2)
    assert faults.of("communications") == Fault()


@pytest.mark.parametrize("text", ["", "  "])
def test_no_faults_in_the_environment_means_none(text: str) -> None:
    assert Faults.from_env({"TREX_SANDBOX_FAULTS": text}) == Faults()
    assert Faults.from_env({}) == Faults()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "TREX_SANDBOX_FAULTS"),
        ("[]", "TREX_SANDBOX_FAULTS"),
        ('{"credit-bureu": {"down": true}}', "credit-bureu"),
        ('{"credit-bureau": {"error_rate": 3}}', "credit-bureau.error_rate"),
        ('{"credit-bureau": true}', "credit-bureau"),
    ],
)
def test_bad_faults_in_the_environment_name_what_is_wrong(text: str, field: str) -> None:
    with pytest.raises(FaultError) as raised:
        Faults.from_env({"TREX_SANDBOX_FAULTS": text})
    assert raised.value.field == field


def test_the_latency_scale_defaults_to_one_and_reads_a_float() -> None:
    assert latency_scale_from_env({}) == 1.0
    assert latency_scale_from_env({"TREX_SANDBOX_LATENCY_SCALE": "0.01"}) == 0.01


@pytest.mark.parametrize("text", ["fast", "-1", "inf", "nan"])
def test_a_bad_latency_scale_is_refused(text: str) -> None:
    with pytest.raises(FaultError, match="TREX_SANDBOX_LATENCY_SCALE"):
        latency_scale_from_env({"TREX_SANDBOX_LATENCY_SCALE": text})


# Credit decisions (the documented table)


def applicant(
    income: float = 50_000, ssn: str | None = "0", born: date | None = None
) -> Application:
    return Application(annual_income=income, date_of_birth=born, ssn_last_digit=ssn)


@pytest.mark.parametrize(
    ("application", "status"),
    [
        (applicant(ssn=None, income=0), "prequalified"),
        (applicant(income=14_999.99), "declined"),
        (applicant(income=15_000), "approved"),
        (applicant(ssn="9"), "declined"),
        (applicant(ssn="8"), "referred"),
        (applicant(ssn="7"), "referred"),
        (applicant(income=10_000, ssn="7"), "declined"),  # income is checked first
        (applicant(ssn="6"), "approved"),
    ],
)
def test_the_decision_follows_the_documented_table(application: Application, status: str) -> None:
    assert decide(application, TODAY)["status"] == status


def test_approval_is_forty_percent_of_income_rounded_down_to_500() -> None:
    decision = decide(applicant(income=51_234, born=date(1980, 1, 1)), TODAY)
    assert decision == {"status": "approved", "amount": 20_000, "apr": 6.9, "reason": None}
    assert decide(applicant(income=52_500), TODAY)["amount"] == 21_000


def test_the_apr_is_higher_under_25() -> None:
    assert decide(applicant(born=date(2001, 6, 15)), TODAY)["apr"] == 6.9  # 25 today
    assert decide(applicant(born=date(2001, 6, 16)), TODAY)["apr"] == 9.9  # 25 tomorrow


# Valuations


def test_a_valuation_falls_with_age_and_mileage_and_rises_with_condition() -> None:
    good = CONDITIONS["good"]
    assert estimate(30_000, 3, 36_000, good) > estimate(30_000, 6, 72_000, good)
    assert estimate(30_000, 3, 20_000, good) > estimate(30_000, 3, 90_000, good)
    assert estimate(30_000, 3, 36_000, CONDITIONS["excellent"]) > estimate(30_000, 3, 36_000, good)
    assert estimate(30_000, 3, 36_000, CONDITIONS["poor"]) < estimate(30_000, 3, 36_000, good)


def test_a_valuation_never_goes_under_500_dollars() -> None:
    assert estimate(20_000, 40, 900_000, CONDITIONS["poor"]) == 500
