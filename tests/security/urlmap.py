"""Every URL pattern of the site, found through the resolver, so that a new page cannot hide."""

import re
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, or the route itself when unnamed
    route: str
    pattern: object
    default_kwargs: dict

    @property
    def parameters(self) -> list[str]:
        return [a or b for a, b in PARAMETER.findall(self.route)]

    def url(self, values: dict) -> str:
        """The route with each parameter replaced by values[name] (regex groups included)."""
        path = PARAMETER.sub(lambda m: str(values[m.group(1) or m.group(2)]), self.route)
        return "/" + path.lstrip("^").rstrip("$").replace("^", "").replace("$", "")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            name = (
                ":".join(part for part in (namespace, pattern.name or "") if part) if pattern.name else route
            )
            yield Route(name, route, pattern, pattern.default_args)


def site_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))
