"""A time a page wrote into its form (timezone.now(), with its zone), read back from the post."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def posted_time(text: str) -> datetime | None:
    """The time as the page wrote it; anything else — altered, without its zone, a date that does
    not exist (month 13), or out of what the database stores in UTC (0001-01-01T00:00+14:00) — is
    no time, not an error."""
    try:
        moment = parse_datetime(text or "")
        if moment is None or not timezone.is_aware(moment):
            return None
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment
