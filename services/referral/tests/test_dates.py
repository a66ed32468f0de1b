"""Dates are the district's: the service clock read in the district's time zone."""

from datetime import UTC, date, datetime

from iep_referral.app.commands import district_date


def test_today_is_the_districts_date_not_utcs():
    evening_in_california = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert district_date(evening_in_california, "America/Los_Angeles") == date(2026, 3, 2)
    assert district_date(evening_in_california, "UTC") == date(2026, 3, 3)
