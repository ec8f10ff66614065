"""Likes and scraps. PUT adds, DELETE removes; repeating either changes nothing.

The row's primary key makes a second like a no-op even when 50 arrive at once, and the
counter moves only when a row was really inserted or deleted, so counts stay exact.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.auth.tokens import Viewer
from api.comments import service as comments_service
from api.comments.models import Comment
from api.core.errors import Forbidden, NotFound
from api.posts import service as posts_service
from api.posts.models import Post
from api.reactions.models import CommentLike, PostLike, Scrap
from api.reactions.schemas import LikeState, ScrapState


def _likeable_post(session: Session, viewer: Viewer, post_id: UUID) -> Post:
    post = posts_service.visible_post(session, viewer, post_id)
    if post.hidden_at is not None:
        raise NotFound("No such post.")
    return post


def like_post(session: Session, viewer: Viewer, post_id: UUID) -> LikeState:
    post = _likeable_post(session, viewer, post_id)
    if post.author_id == viewer.id:
        raise Forbidden("You cannot like your own post.")
    added = session.execute(
        insert(PostLike)
        .values(post_id=post_id, user_id=viewer.id)
        .on_conflict_do_nothing()
        .returning(PostLike.user_id)
    ).first()
    count = (
        posts_service.change_counter(session, post_id, "like_count", +1)
        if added
        else post.like_count
    )
    return LikeState(liked=True, like_count=count)


def unlike_post(session: Session, viewer: Viewer, post_id: UUID) -> LikeState:
    post = _likeable_post(session, viewer, post_id)
    removed = session.execute(
        delete(PostLike)
        .where(PostLike.post_id == post_id, PostLike.user_id == viewer.id)
        .returning(PostLike.user_id)
    ).first()
    count = (
        posts_service.change_counter(session, post_id, "like_count", -1)
        if removed
        else post.like_count
    )
    return LikeState(liked=False, like_count=count)


def _likeable_comment(session: Session, viewer: Viewer, comment_id: UUID) -> Comment:
    comment, _post = comments_service.visible_comment(session, viewer, comment_id)
    if comment.hidden_at is not None:
        raise NotFound("No such comment.")
    return comment


def _change_comment_likes(session: Session, comment_id: UUID, delta: int) -> int:
    return session.execute(
        update(Comment)
        .where(Comment.id == comment_id)
        .values(like_count=Comment.like_count + delta)
        .returning(Comment.like_count)
    ).scalar_one()


def like_comment(session: Session, viewer: Viewer, comment_id: UUID) -> LikeState:
    comment = _likeable_comment(session, viewer, comment_id)
    if comment.author_id == viewer.id:
        raise Forbidden("You cannot like your own comment.")
    added = session.execute(
        insert(CommentLike)
        .values(comment_id=comment_id, user_id=viewer.id)
        .on_conflict_do_nothing()
        .returning(CommentLike.user_id)
    ).first()
    count = _change_comment_likes(session, comment_id, +1) if added else comment.like_count
    return LikeState(liked=True, like_count=count)


def unlike_comment(session: Session, viewer: Viewer, comment_id: UUID) -> LikeState:
    comment = _likeable_comment(session, viewer, comment_id)
    removed = session.execute(
        delete(CommentLike)
        .where(CommentLike.comment_id == comment_id, CommentLike.user_id == viewer.id)
        .returning(CommentLike.user_id)
    ).first()
    count = _change_comment_likes(session, comment_id, -1) if removed else comment.like_count
    return LikeState(liked=False, like_count=count)


def scrap_post(session: Session, viewer: Viewer, post_id: UUID) -> ScrapState:
    post = _likeable_post(session, viewer, post_id)
    added = session.execute(
        insert(Scrap)
        .values(post_id=post_id, user_id=viewer.id)
        .on_conflict_do_nothing()
        .returning(Scrap.user_id)
    ).first()
    count = (
        posts_service.change_counter(session, post_id, "scrap_count", +1)
        if added
        else post.scrap_count
    )
    return ScrapState(scrapped=True, scrap_count=count)


def unscrap_post(session: Session, viewer: Viewer, post_id: UUID) -> ScrapState:
    post = posts_service.visible_post(session, viewer, post_id)
    removed = session.execute(
        delete(Scrap)
        .where(Scrap.post_id == post_id, Scrap.user_id == viewer.id)
        .returning(Scrap.user_id)
    ).first()
    count = (
        posts_service.change_counter(session, post_id, "scrap_count", -1)
        if removed
        else post.scrap_count
    )
    return ScrapState(scrapped=False, scrap_count=count)
