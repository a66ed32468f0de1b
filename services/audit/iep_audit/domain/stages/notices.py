"""The notices as of an instant, from `iep.notifications.events`: one record per notice
(its kind and the rule behind it, to whom, by which channel, in which language) with how
far its delivery had got, so an auditor can show that notice was given and when. The
text stays in the event pages; the record keeps dates and statuses."""

from iep_audit.domain.fold import CaseEvent, FoldTable, State

table = FoldTable()
SERVICE = "notifications"


@table.on(SERVICE, "NoticeQueued")
def notice_queued(state: State, event: CaseEvent) -> State:
    d = event.data
    return {**state, "notice_id": d.get("notice_id"), "kind": d.get("kind"),
            "legal_basis": d.get("legal_basis"), "school_id": d.get("school_id"),
            "recipient_id": d.get("recipient_id"), "recipient_role": d.get("recipient_role"),
            "channel": d.get("channel"), "language": d.get("language"),
            "requested_language": d.get("requested_language"), "fallback": d.get("fallback"),
            "subject": d.get("subject"), "message_id": d.get("message_id"),
            "source_event_type": d.get("source_event_type"), "queued_at": d.get("queued_at"),
            "status": "queued" if d.get("channel") == "email" else "to_mail", "attempts": 0}


@table.on(SERVICE, "NoticeDeliveryAttemptFailed")
def attempt_failed(state: State, event: CaseEvent) -> State:
    return {**state, "status": "retrying", "attempts": event.data.get("attempt"),
            "retry_at": event.data.get("retry_at")}


@table.on(SERVICE, "NoticeSent")
def notice_sent(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.503-300.505: the notice was given, by email, on this day.
    return {**state, "status": "sent", "attempts": event.data.get("attempt"),
            "sent_at": event.data.get("sent_at")}


@table.on(SERVICE, "NoticeFailed")
def notice_failed(state: State, event: CaseEvent) -> State:
    return {**state, "status": "failed", "attempts": event.data.get("attempts"),
            "failed_at": event.data.get("failed_at")}


@table.on(SERVICE, "NoticeDeliveryUncertain")
def delivery_uncertain(state: State, event: CaseEvent) -> State:
    return {**state, "status": "uncertain", "attempts": event.data.get("attempt"),
            "claimed_at": event.data.get("claimed_at")}


@table.on(SERVICE, "NoticeMailed")
def notice_mailed(state: State, event: CaseEvent) -> State:
    # 300.505: on paper, by the parent's choice; given on the day it was posted.
    return {**state, "status": "mailed", "mailed_on": event.data.get("mailed_on"),
            "mailed_by": event.data.get("mailed_by")}


@table.on(SERVICE, "DeliveryPreferenceSet")
def preference_set(state: State, event: CaseEvent) -> State:
    return {**state, "guardian_id": event.data.get("guardian_id"),
            "channel": event.data.get("channel"), "set_on": event.data.get("set_on")}


@table.on(SERVICE, "CaseManagerAssigned")
def case_manager_assigned(state: State, event: CaseEvent) -> State:
    return {**state, "case_manager": event.data.get("staff_id"),
            "assigned_on": event.data.get("assigned_on")}
