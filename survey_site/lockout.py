"""The page a locked-out login gets (django-axes, settings.AXES_LOCKOUT_CALLABLE): a page of the
site in the person's language saying for how long, instead of axes' bare line of text."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {"failures": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
