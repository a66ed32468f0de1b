"""Who may do what: the permission table, school and family scoping (404 outside one's
reach, 403 for a role that may never act), and the record of every read."""

import pytest
from iep_kernel.auth import ROLES
from iep_kernel.permissions import route_permissions, unguarded_routes

STAFF = {"teacher", "case_manager", "evaluator", "provider", "administrator"}


def app_of(desk):
    return desk.client._transport.app


async def test_every_route_declares_who_may_use_it(desk):
    app = app_of(desk)
    assert unguarded_routes(app) == []
    table = {(r.method, r.path): r.roles for r in route_permissions(app)}
    base = "/api/referral/referrals"
    assert table["POST", base] == STAFF
    assert table["POST", base + "/{referral_id}/consent-request"] == {"case_manager",
                                                                      "administrator"}
    assert table["POST", base + "/{referral_id}/consent"] == {"parent", "case_manager",
                                                              "administrator"}
    assert table["POST", base + "/{referral_id}/close"] == {"case_manager", "administrator"}
    assert table["GET", base + "/{referral_id}"] == set(ROLES)


async def test_each_role_on_each_route_is_allowed_or_refused_as_the_table_says(desk):
    for row in route_permissions(app_of(desk)):
        path = row.path.replace("{referral_id}", "no-such-referral")
        for role in ROLES:
            response = await desk.client.request(
                row.method, path, json={}, params={"student_id": "s"},
                headers=desk.who(role, schools=("sch-1",), purpose="audit"))
            if role in row.roles:
                assert response.status_code != 403, (row, role, response.text)
            else:
                assert response.status_code == 403, (row, role, response.text)


async def test_a_teacher_of_another_school_cannot_see_the_referral(desk):
    referral_id = await desk.made()
    elsewhere = desk.who("teacher", "t-2", schools=("sch-2",))
    response = await desk.read(referral_id, headers=elsewhere)
    assert response.status_code == 404
    missing = await desk.read("never-made", headers=elsewhere)
    assert response.json()["detail"] == missing.json()["detail"]
    assert (await desk.find(headers=elsewhere)).json() == []
    assert (await desk.find(headers=elsewhere, school_id="sch-1")).json() == []
    assert (await desk.read(referral_id, headers=desk.who("teacher"))).status_code == 200


async def test_a_case_manager_of_another_school_cannot_act_on_the_referral(desk):
    referral_id = await desk.made()
    elsewhere = desk.who("case_manager", "cm-2", schools=("sch-2",))
    assert (await desk.ask(referral_id, headers=elsewhere)).status_code == 404
    await desk.ask(referral_id)
    assert (await desk.consent(referral_id, headers=elsewhere)).status_code == 404
    assert (await desk.close(referral_id, headers=elsewhere)).status_code == 404
    assert [e.event_type for e in await desk.events()][-1] == "PriorWrittenNoticeIssued"


async def test_staff_make_referrals_only_for_the_schools_they_serve(desk):
    ours = await desk.make(headers=desk.who("teacher", schools=("sch-1",)))
    assert ours.status_code == 201
    theirs = await desk.make(headers=desk.who("teacher", "t-2", schools=("sch-2",)))
    assert theirs.status_code == 403
    assert theirs.json()["detail"] == "you may make referrals only for students of your schools"
    district = await desk.make(headers=desk.who("administrator", schools=()))
    assert district.status_code == 201


async def test_a_parent_sees_only_their_own_children(desk):
    ours = await desk.made()
    other_family = await desk.made(student__district_student_id="stu-200",
                                   guardians__0={"guardian_id": "g-9", "name": "Kim Cho",
                                                 "preferred_language": "ko"},
                                   guardians__1={"guardian_id": "g-8", "name": "Min Cho",
                                                 "preferred_language": "ko"})
    parent = desk.who("parent", "g-1")
    assert (await desk.read(ours, headers=parent)).status_code == 200
    assert (await desk.read(other_family, headers=parent)).status_code == 404
    assert [r["referral_id"] for r in (await desk.find(headers=parent)).json()] == [ours]
    assert (await desk.find(headers=parent, student_id="stu-200")).json() == []


async def test_a_parent_cannot_record_consent_for_another_family(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, headers=desk.who("parent", "g-9"),
                                  guardian_id=...)
    assert response.status_code == 404
    assert response.json()["detail"] == "no such referral"


async def test_a_parent_records_only_their_own_decision(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, headers=desk.who("parent", "g-1"),
                                  guardian_id="g-2")
    assert response.status_code == 403
    assert response.json()["detail"] == "a parent may record only their own decision"


async def test_an_auditor_reads_the_whole_district_and_changes_nothing(desk):
    referral_id = await desk.made()
    auditor = desk.who("auditor", schools=())
    assert (await desk.read(referral_id, headers=auditor)).status_code == 200
    assert len((await desk.find(headers=auditor)).json()) == 1
    refused = await desk.close(referral_id, headers=auditor)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "a auditor may not close referral"


async def test_list_filters_by_student_school_and_status(desk):
    first = await desk.made()
    second = await desk.made(student__district_student_id="stu-101")
    await desk.close(second)
    admin = desk.who("administrator", schools=())
    third = (await desk.make(desk.referral_body(student__school_id="sch-2",
                                                student__district_student_id="stu-200"),
                             headers=admin)).json()["referral_id"]
    ids = lambda response: {r["referral_id"] for r in response.json()}  # noqa: E731
    assert ids(await desk.find(headers=admin)) == {first, second, third}
    assert ids(await desk.find()) == {first, second}  # a case manager of sch-1
    assert ids(await desk.find(headers=admin, school_id="sch-2")) == {third}
    assert ids(await desk.find(student_id="stu-101")) == {second}
    assert ids(await desk.find(status="referred")) == {first}


# -- the record of access -------------------------------------------------------------------


async def test_every_read_is_recorded_with_who_and_why(desk):
    referral_id = await desk.made()
    await desk.read(referral_id, headers=desk.who("teacher", purpose="intervention meeting"))
    await desk.read(referral_id, headers=desk.who("parent", "g-1"))
    await desk.find(headers=desk.who("administrator", schools=(), purpose="caseload"))
    accesses = await desk.client.get("/api/referral/record-accesses",
                                     params={"student_id": "stu-100"},
                                     headers=desk.who("parent", "g-1"))
    assert accesses.status_code == 200
    assert [(a["accessor_role"], a["purpose"], a["resource"]) for a in accesses.json()] == [
        ("teacher", "intervention meeting", f"referral/{referral_id}"),
        ("parent", "a parent viewing their own child's record", f"referral/{referral_id}"),
        ("administrator", "caseload", f"referral/{referral_id}")]


@pytest.mark.parametrize("path", ["/referrals/some-id", "/referrals"])
async def test_staff_say_why_before_reading(desk, path):
    referral_id = await desk.made()
    response = await desk.client.get(f"/api/referral{path.replace('some-id', referral_id)}",
                                     headers=desk.who("case_manager", purpose=None))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.X-Access-Purpose"
    store = desk.system.runtime("referral").store
    assert await store.read_student("stu-100", ["RecordAccessed"]) == []


async def test_a_parent_cannot_read_another_familys_record_of_access(desk):
    await desk.made()
    response = await desk.client.get("/api/referral/record-accesses",
                                     params={"student_id": "stu-100"},
                                     headers=desk.who("parent", "g-9"))
    assert response.status_code == 404
