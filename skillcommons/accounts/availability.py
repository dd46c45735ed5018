"""Weekly availability in another person's time zone (pure: no ORM).

Slots are stored as ``{"day": 0-6 (Monday = 0), "start": "HH:MM", "end": "HH:MM"}`` in the owner's
time zone. Converting uses the week of ``reference`` so daylight-saving time is applied as it is
that week; a slot that crosses midnight in the viewer's zone is split in two.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _parse(value: object) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def convert_slots(
    slots: list[dict[str, object]], source: str, target: str, reference: date
) -> list[dict[str, object]]:
    """``slots`` given in time zone ``source``, expressed in time zone ``target``."""
    if source == target:
        return sorted(slots, key=lambda s: (s["day"], s["start"]))
    src, dst = ZoneInfo(source), ZoneInfo(target)
    monday = reference - timedelta(days=reference.weekday())
    converted: list[dict[str, object]] = []
    for slot in slots:
        day = monday + timedelta(days=int(str(slot["day"])))
        start = datetime.combine(day, _parse(slot["start"]), tzinfo=src).astimezone(dst)
        end = datetime.combine(day, _parse(slot["end"]), tzinfo=src).astimezone(dst)
        while start < end:
            midnight = datetime.combine(start.date() + timedelta(days=1), time(0), tzinfo=dst)
            piece_end = min(end, midnight)
            converted.append(
                {
                    "day": start.weekday(),
                    "start": start.strftime("%H:%M"),
                    # A piece that runs to midnight ends at 24:00 of its own day.
                    "end": "24:00" if piece_end == midnight else piece_end.strftime("%H:%M"),
                }
            )
            start = piece_end
    return sorted(converted, key=lambda s: (s["day"], s["start"]))
