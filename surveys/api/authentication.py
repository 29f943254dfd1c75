"""API tokens read and never write.

Evaluators' and staff's own tools (spreadsheets, scripts, a county's screen of the progress) call
the API with "Authorization: Token <key>", and read what their owner may read.
A token sits in files and shell histories far longer than a browser session lives, so it is
worth less: with a token, every unsafe method (POST, PUT, PATCH, DELETE) is refused with 403
and this module's message, whoever the token belongs to — administrators included. (403, not
401: the session authenticator comes first in settings, and DRF answers 401 only when the first
one names a WWW-Authenticate challenge; a request without a valid token gets 403 alike.) Writing
needs a logged-in session, which comes with CSRF protection.
"""

from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS


class ReadOnlyTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and request.method not in SAFE_METHODS:
            raise AuthenticationFailed(_("API 令牌只能读取；修改请登录网页。"))
        return result
