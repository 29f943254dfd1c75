from django.core.management.base import CommandError

from surveys.models import Survey


def get_survey(slug: str) -> Survey:
    try:
        return Survey.objects.get(slug=slug)
    except Survey.DoesNotExist:
        known = ", ".join(Survey.objects.values_list("slug", flat=True)) or "（无）"
        raise CommandError(f"没有代码为 {slug!r} 的调查。已有：{known}") from None
