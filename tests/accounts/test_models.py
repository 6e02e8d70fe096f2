"""The user's own time zone, as every part of relcrm reads it."""

import datetime
import zoneinfo

from accounts.models import User


def test_local_date_is_the_day_where_the_user_lives():
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert User(time_zone="Pacific/Auckland").local_date(moment) == datetime.date(2027, 1, 1)
    assert User(time_zone="America/Los_Angeles").local_date(moment) == datetime.date(2026, 12, 31)


def test_an_unknown_zone_falls_back_to_the_sites(settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    assert User(time_zone="Mars/Olympus_Mons").zone == zoneinfo.ZoneInfo("Europe/Lisbon")
    assert User(time_zone="").zone == zoneinfo.ZoneInfo("Europe/Lisbon")
