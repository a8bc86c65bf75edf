"""Simulated time: it only moves when told to (`/_sim/advance`) or when a speed is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # a Monday morning; the seeded lots expire later in 2027


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class SimClock:
    def __init__(self, now: datetime = EPOCH) -> None:
        self.now = now

    def advance_to(self, moment: datetime) -> None:
        if moment > self.now:  # time never runs backwards, even if a task was scheduled in the past
            self.now = moment

    def plus(self, minutes: float) -> datetime:
        return self.now + timedelta(minutes=minutes)

    def today(self) -> str:
        return self.now.date().isoformat()
