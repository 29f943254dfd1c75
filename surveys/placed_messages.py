"""Messages told beside what they are about (a response in the review list, a sheet among the
paper discrepancies) rather than at the top of the page, out of sight on a phone.

The view that acts adds its message with extra_tags "<prefix><key>" (the key is also the
element's id the redirect lands on; more tags may follow after a space). The page that shows
the list takes those messages back by key.
"""

from collections.abc import Collection

from django.contrib import messages
from django.contrib.messages.storage.base import Message


def messages_placed(
    request, prefix: str, listed: Collection[str]
) -> tuple[dict[str, Message], list[Message]]:
    """The request's messages tagged for one of the `listed` keys, by key; the others, in their
    order, for the top of the page (also those for a key not listed: not on this page of the
    list, or gone from it meanwhile)."""
    placed: dict[str, Message] = {}
    others: list[Message] = []
    for message in messages.get_messages(request):
        tag = (message.extra_tags or "").split(" ")[0]
        key = tag.removeprefix(prefix)
        if tag.startswith(prefix) and key in listed:
            placed[key] = message
        else:
            others.append(message)
    return placed, others
