"""api.main includes the most requested routers first, for speed; that is only safe while
no request path is matched by routes of two different routers."""

from fastapi.routing import APIRoute
from starlette.routing import Route

from api.main import create_app

SOME_ID = "0190e0c4-0000-7000-8000-000000000001"


def _routes() -> list[Route]:
    found: list[Route] = []

    def walk(routes):
        for route in routes:
            if hasattr(route, "original_router"):  # an included router
                walk(route.original_router.routes)
            elif isinstance(route, (APIRoute, Route)):
                found.append(route)

    walk(create_app().router.routes)
    return found


def test_no_path_is_matched_by_routes_of_two_routers():
    routes = _routes()
    literals = {s for r in routes for s in r.path.split("/") if s and not s.startswith("{")}
    clashes = set()
    for route in routes:
        segments = route.path.split("/")
        base = [SOME_ID if s.startswith("{") else s for s in segments]
        paths = ["/".join(base)]
        # A path parameter may also take any literal segment of another route: "me", "hot".
        for i, segment in enumerate(segments):
            if segment.startswith("{"):
                paths += ["/".join([*base[:i], word, *base[i + 1 :]]) for word in literals]
        for path in paths:
            modules = {r.endpoint.__module__ for r in routes if r.path_regex.fullmatch(path)}
            if len(modules) > 1:
                clashes.add((path, tuple(sorted(modules))))
    assert len(routes) > 60
    assert clashes == set()
