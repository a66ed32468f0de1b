"""Found from outside: a NUL in a sealed name was accepted (then poisoned every consumer),
and look-alike ids (zero-width, bidirectional override, byte-order mark, decomposed) were
accepted as new students and guardians or answered 500 in a path or query."""

import pytest

API = "/api/referral/referrals"

LOOK_ALIKES = ["stu\u200b100", "stu\u202e100", "\ufeffstu100", "Jose\u0301", "stu\x00100"]


@pytest.mark.parametrize("field", ["student__name", "guardians__0__name", "referred_by__name",
                                   "concerns__text"])
async def test_a_nul_in_personal_text_is_422_and_nothing_is_recorded(desk, field):
    response = await desk.make(desk.referral_body(**{field: "Maria\x00 Lopez"}))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field.replace("__", ".")]
    assert await desk.events() == []


@pytest.mark.parametrize("field", ["student__district_student_id", "student__school_id",
                                   "guardians__0__guardian_id"])
@pytest.mark.parametrize("look_alike", LOOK_ALIKES)
async def test_a_look_alike_id_in_a_referral_is_422(desk, field, look_alike):
    response = await desk.make(desk.referral_body(**{field: look_alike}))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field.replace("__", ".")]
    assert await desk.events() == []


@pytest.mark.parametrize("look_alike", ["stu%E2%80%8B100", "stu%00100", "%EF%BB%BFstu"])
async def test_a_look_alike_id_in_a_path_or_query_is_422_not_500(desk, look_alike):
    read = await desk.client.get(f"{API}/{look_alike}", headers=desk.who())
    assert (read.status_code, read.json()["errors"][0]["field"]) == (422, "path.referral_id")
    listed = await desk.client.get(f"{API}?student_id={look_alike}", headers=desk.who())
    assert (listed.status_code, listed.json()["errors"][0]["field"]) == (
        422, "query.student_id")
