"""Issuing invitation links: one per village for village-sampled groups, one per other group."""

from django.db import transaction

from surveys.models import Group, Invitation, Survey, Village


@transaction.atomic
def invitations_issue(*, survey: Survey) -> list[Invitation]:
    """Create the invitations that are missing; existing ones (active or not) are kept."""
    existing = set(Invitation.objects.filter(survey=survey).values_list("village_id", "group_id"))
    villages = list(Village.objects.filter(survey=survey).order_by("order", "code"))
    created = []
    for group in Group.objects.filter(survey=survey).order_by("order", "code"):
        for village in villages if group.by_village else [None]:
            key = (village.pk if village else None, group.pk)
            if key not in existing:
                created.append(Invitation.objects.create(survey=survey, village=village, group=group))
    return created
