"""A user's deadlines written as an iCalendar file (RFC 5545), for calendar programs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, vDuration

ALARM_DAYS = (7, 1)
# An all-day event starts at midnight: ring at 8:00 of the day instead.
ALARM_TIME = datetime.timedelta(hours=8)
REFRESH = datetime.timedelta(hours=6)


@dataclass(frozen=True)
class Deadline:
    """One all-day entry of a user's calendar."""

    uid: str
    day: datetime.date
    summary: str
    description: str
    path: str
    alarms: bool


def _event(deadline: Deadline, stamp: datetime.datetime, site_url: str) -> Event:
    url = f"{site_url}{deadline.path}"
    event = Event()
    event.add("uid", deadline.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.day)
    event.add("dtend", deadline.day + datetime.timedelta(days=1))
    event.add("summary", deadline.summary)
    event.add("description", f"{deadline.description}\n\n{url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    if deadline.alarms:
        for days in ALARM_DAYS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", ALARM_TIME - datetime.timedelta(days=days))
            alarm.add("description", f"Còn {days} ngày: {deadline.summary}")
            event.add_component(alarm)
    return event


def calendar_ics(name: str, deadlines: list[Deadline], *, site_url: str, time_zone: str, owner: str) -> bytes:
    """`deadlines` as an iCalendar file (RFC 5545) called `name`, one all-day event per deadline, its
    links under `site_url`, for people in `time_zone`, published by `owner`."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{owner}//{name}//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", "Các hạn báo cáo kết quả thực hiện kế hoạch liên quan đến bạn.")
    calendar.add("x-wr-timezone", time_zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for deadline in deadlines:
        calendar.add_component(_event(deadline, stamp, site_url))
    return calendar.to_ical()
