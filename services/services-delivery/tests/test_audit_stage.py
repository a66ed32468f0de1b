"""The audit service's as-of fold of the services stage, fed with this service's own events
as published: an auditor sees the schedules, minutes, owed minutes and reports as they
stood at any instant."""

from datetime import UTC, date, datetime, timedelta

from delivery_specs import SPEECH, Given, consent, log, on, plan
from iep_audit.domain.fold import CaseEvent
from iep_audit.domain.stages import CASE
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.values import EndReason, MissedCause, SessionOutcome

START = datetime(2026, 5, 10, 15, tzinfo=UTC)


def published(given: Given) -> list[CaseEvent]:
    return [CaseEvent(service="services-delivery", stream_id="delivery-S-1",
                      stream_version=i + 1, event_type=type(e).__name__,
                      occurred_at=START + timedelta(hours=i),
                      recorded_at=START + timedelta(hours=i), actor={},
                      data=e.model_dump(mode="json"))
            for i, e in enumerate(given.events)]


def story() -> Given:
    given = Given()
    given.run(plan((SPEECH,)), consent())
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, date(2026, 5, 18)),
              log(schedule_id, date(2026, 5, 25), SessionOutcome.MISSED,
                  cause=MissedCause.PROVIDER_ABSENT),
              log(schedule_id, date(2026, 5, 18), minutes=20, correction="ended early"),
              c.DeliverCompensatory("comp-1", schedule_id, on(date(2026, 5, 29)), 10, ""),
              c.ObserveProgress("obs-1", "g1", on(date(2026, 6, 1)), 52, ""),
              c.RaiseReportDue(date(2026, 8, 12)),
              c.IssueReport(None, on(date(2026, 8, 14))),
              c.StopServices(date(2026, 10, 1), EndReason.CONSENT_REVOKED))
    return given


def test_the_services_stage_as_of_the_end():
    events = published(story())
    case = CASE.fold("S-1", events[-1].recorded_at, events)
    (record,) = case.stages["services-delivery"]
    assert record.uninterpreted == []
    state = record.state
    assert (state["status"], state["stopped_on"]) == ("stopped", "2026-10-01")
    (speech,) = state["schedules"]
    assert (speech["minutes_delivered"], speech["minutes_missed"], speech["corrections"]) == (
        20, 30, 1)
    assert (speech["compensatory_owed"], speech["compensatory_delivered"]) == (20, 10)
    assert (speech["ended_on"], speech["end_reason"]) == ("2026-09-30", "consent_revoked")
    (report,) = state["reports"]
    assert (report["due_on"], report["issued_on"], report["late"]) == (
        "2026-08-12", "2026-08-14", True)
    assert report["statuses"] == {"g1": "some_progress"}  # 24% of the way, 25% of the year
    assert state["observations_by_goal"] == {"g1": 1}


def test_the_services_stage_as_of_an_earlier_instant():
    events = published(story())
    before_the_miss = [e for e in events if e.event_type != "SessionMissed"][:4]
    case = CASE.fold("S-1", before_the_miss[-1].recorded_at, before_the_miss)
    state = case.stages["services-delivery"][0].state
    assert state["status"] == "in_effect"
    (speech,) = state["schedules"]
    assert (speech["minutes_delivered"], speech["minutes_missed"], speech["ended_on"]) == (
        30, 0, None)
    assert state["reports"] == []


def test_a_plan_waiting_for_consent_is_shown_waiting():
    given = Given()
    given.run(plan((SPEECH,)))
    events = published(given)
    state = CASE.fold("S-1", events[-1].recorded_at, events).stages["services-delivery"][
        0].state
    assert (state["status"], state["schedules"]) == ("awaiting_consent", [])
