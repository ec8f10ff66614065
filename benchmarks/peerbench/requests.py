"""The request types of the comparison, and each one's requests for both servers, built
from the same picks (the same boards, posts, users and pairs), as the files wrk replays
(apibench.workload.Request: method, path, token, JSON body).

A Quad token is sent as `Authorization: Bearer <token>`; the peer's scheme is `Token`, so
its requests carry their Authorization as an extra header field (benchmarks/wrk/requests.lua
sends those after, and instead of, the Bearer one).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from apibench.workload import Request


@dataclass(frozen=True)
class RequestType:
    key: str
    title: str
    quad: str  # the route, as the report names it
    peer: str | None  # None: the peer has no such request
    note: str = ""


REQUEST_TYPES = (
    RequestType("board_page1", "board page 1", "GET /v1/boards/{id}/posts",
                "GET /api/articles?tag={board}&limit=20"),
    RequestType("board_deep", "board page, deep", "GET /v1/boards/{id}/posts?cursor=",
                "GET /api/articles?tag={board}&limit=20&offset={deep}",
                "Quad's cursor after `deep` posts; the peer's offset"),
    RequestType("post_detail", "post detail", "GET /v1/posts/{id}", "GET /api/articles/{slug}"),
    RequestType("comments_30", "~30 comments", "GET /v1/posts/{id}/comments?limit=30",
                "GET /api/articles/{slug}/comments",
                "posts with 20-40 comments; the peer returns them all, unpaged"),
    RequestType("create_comment", "create comment", "POST /v1/posts/{id}/comments",
                "POST /api/articles/{slug}/comments"),
    RequestType("like", "like", "PUT /v1/posts/{id}/like",
                "POST /api/articles/{slug}/favorite", "a new (user, post) pair each request"),
    RequestType("create_post", "create post", "POST /v1/boards/{id}/posts",
                "POST /api/articles", "the peer's article has the board's tag"),
    RequestType("scrap", "scrap", "PUT /v1/posts/{id}/scrap", None,
                "the peer has no scrap (its nearest, favorite, is `like`)"),
    RequestType("follow", "follow", "PUT /v1/users/{id}/follow",
                "POST /api/profiles/{username}/follow", "a new (follower, followed) pair"),
    RequestType("report", "report", "PUT /v1/posts/{id}/report", None,
                "the peer has no reports"),
)  # fmt: skip
BY_KEY = {t.key: t for t in REQUEST_TYPES}
COMMENTS_AROUND = (20, 40)  # the comments_30 posts have this many comments


def peer_request(method: str, path: str, token: str, body: str = "") -> Request:
    """`token`: the peer's whole Authorization value, "Token <jwt>"."""
    return (method, path, "", body, f"Authorization: {token}")


@dataclass
class Picks:
    """What both servers are asked for, in Quad's ids, and the peer's names for them."""

    boards: list[str]  # board ids, busiest first
    deep: list[tuple[str, str]]  # (board id, Quad's cursor after `depth` posts)
    depth: int
    posts: list[tuple[str, str, int]]  # (post id, author id, comments)
    users: list[str]  # user ids, each with a token on both sides
    quad_tokens: dict[str, str]
    peer_tokens: dict[str, str]  # user id -> "Token <jwt>"
    usernames: dict[str, str]  # user id -> the peer's username
    slugs: dict[str, str]  # post id -> the peer's slug
    tags: dict[str, str]  # board id -> the peer's tag
    seen: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # pairs written


def commented(picks: Picks) -> list[tuple[str, str, int]]:
    """The posts comments_30 reads: 20-40 comments, else those nearest 30."""
    low, high = COMMENTS_AROUND
    found = [p for p in picks.posts if low <= p[2] <= high]
    return found or sorted(picks.posts, key=lambda p: abs(p[2] - 30))[:100]


def new_pairs(
    picks: Picks, key: str, n: int, draw: Callable[[], tuple[str, str]]
) -> list[tuple[str, str]]:
    """`n` pairs that no earlier request of `key` wrote, nor the seed (`picks.seen`): a
    repeated like is a no-op for Quad, and the peer answers 400 to a second favorite."""
    seen = picks.seen.setdefault(key, set())
    out: list[tuple[str, str]] = []
    for _ in range(n * 20):
        if len(out) == n:
            break
        pair = draw()
        if pair[0] != pair[1] and pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out


def build(
    key: str, picks: Picks, n: int, rng: random.Random
) -> tuple[list[Request], list[Request]]:
    """`n` requests of `key` for Quad and the same ones for the peer (none if it has none)."""
    users, posts = picks.users, picks.posts
    qt, pt, slug = picks.quad_tokens, picks.peer_tokens, picks.slugs

    def user() -> str:
        return users[rng.randrange(len(users))]

    quad: list[Request] = []
    peer: list[Request] = []
    if key == "board_page1":
        for i in range(n):
            board, u = picks.boards[i % len(picks.boards)], user()
            quad.append(("GET", f"/v1/boards/{board}/posts", qt[u], ""))
            peer.append(
                peer_request("GET", f"/api/articles?tag={picks.tags[board]}&limit=20", pt[u])
            )
    elif key == "board_deep":
        for i in range(n):
            (board, cursor), u = picks.deep[i % len(picks.deep)], user()
            quad.append(("GET", f"/v1/boards/{board}/posts?cursor={cursor}", qt[u], ""))
            path = f"/api/articles?tag={picks.tags[board]}&limit=20&offset={picks.depth}"
            peer.append(peer_request("GET", path, pt[u]))
    elif key in ("post_detail", "comments_30"):
        chosen = posts if key == "post_detail" else commented(picks)
        for i in range(n):
            post, u = chosen[i % len(chosen)][0], user()
            if key == "post_detail":
                quad.append(("GET", f"/v1/posts/{post}", qt[u], ""))
                peer.append(peer_request("GET", f"/api/articles/{slug[post]}", pt[u]))
            else:
                quad.append(("GET", f"/v1/posts/{post}/comments?limit=30", qt[u], ""))
                peer.append(peer_request("GET", f"/api/articles/{slug[post]}/comments", pt[u]))
    elif key == "create_comment":
        for i in range(n):
            post, u = posts[i % len(posts)][0], user()
            text = f"벤치마크 댓글 {i}: 좋은 글 감사합니다"
            body = json.dumps({"body": text, "anonymous": False})
            quad.append(("POST", f"/v1/posts/{post}/comments", qt[u], body))
            comment = json.dumps({"comment": {"body": text}})
            peer.append(
                peer_request("POST", f"/api/articles/{slug[post]}/comments", pt[u], comment)
            )
    elif key in ("like", "scrap", "report"):
        authors = {p: a for p, a, _ in posts}

        def post_and_user() -> tuple[str, str]:
            post = posts[rng.randrange(len(posts))][0]
            u = user()
            return (post, u) if u != authors[post] else (post, post)  # own post: drawn again

        for post, u in new_pairs(picks, key, n, post_and_user):
            if key == "like":
                quad.append(("PUT", f"/v1/posts/{post}/like", qt[u], ""))
                peer.append(peer_request("POST", f"/api/articles/{slug[post]}/favorite", pt[u]))
            elif key == "scrap":
                quad.append(("PUT", f"/v1/posts/{post}/scrap", qt[u], ""))
            else:
                quad.append(("PUT", f"/v1/posts/{post}/report", qt[u], '{"reason": "spam"}'))
    elif key == "create_post":
        run = f"{rng.getrandbits(32):08x}"  # the peer's slug is its title's: never repeat one
        for i in range(n):
            board, u = picks.boards[i % len(picks.boards)], user()
            title = f"bench {run} {i} 질문 있어요"
            text = f"벤치마크 글 {i}: 같이 공부하실 분 구해요"
            quad.append(
                ("POST", f"/v1/boards/{board}/posts", qt[u],
                 json.dumps({"title": title, "body": text}))
            )  # fmt: skip
            article = {"title": title, "description": title, "body": text,
                       "tagList": [picks.tags[board]]}  # fmt: skip
            peer.append(
                peer_request("POST", "/api/articles", pt[u], json.dumps({"article": article}))
            )
    elif key == "follow":
        for follower, followed in new_pairs(picks, key, n, lambda: (user(), user())):
            quad.append(("PUT", f"/v1/users/{followed}/follow", qt[follower], ""))
            username = quote(picks.usernames[followed])
            peer.append(peer_request("POST", f"/api/profiles/{username}/follow", pt[follower]))
    else:
        raise KeyError(key)
    return quad, peer if BY_KEY[key].peer else []
