"""Settings for the load and crash scripts: the site's own, with the submission limits raised.

Every request of a load run comes from 127.0.0.1 and uses a handful of invitations, so the
per-address and per-invitation limits would stop it within a second; a real deployment keeps
them. Everything else — middleware, database, cache — is the production stack.
"""

from survey_site.settings import *  # noqa: F403

SUBMISSION_RATE_LIMITS = {"ip": (10**9, 60), "invitation": (10**9, 60)}
