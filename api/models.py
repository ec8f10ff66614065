"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlalchemy import Index

from api.auth.models import EmailVerification, LoginFailure, RefreshToken
from api.boards.models import Board
from api.comments.models import Comment, CommentLike
from api.core.db import Base
from api.courses.models import Course, CourseSlot, Professor, Review
from api.idempotency.models import IdempotencyKey
from api.limits.models import LimitCount
from api.moderation.models import Appeal, RoleChange
from api.notifications.models import Notification
from api.outbox.models import OutboxEvent, ProcessedEvent
from api.posts.models import Post, PostAnonymousAuthor, PostLike, Scrap
from api.reports.models import ModerationAction, Report
from api.schools.models import Department, School, SchoolDomain
from api.social.models import Block, Follow, FriendRequest, Friendship
from api.timetables.models import Timetable, TimetableCourse, TimetableCourseRemoval
from api.uploads.models import Attachment
from api.users.models import Role, User

# BRIN indexes on the time column the analytics DAG reads each day by (migration 0006,
# which explains them). Declared here, across domains, because they serve the DAG rather
# than the domain's own queries; timetables declare theirs in their models.
for _column in (
    User.__table__.c.created_at,
    Post.__table__.c.created_at,
    Comment.__table__.c.created_at,
    PostLike.__table__.c.created_at,
    CommentLike.__table__.c.created_at,
    Scrap.__table__.c.created_at,
    Report.__table__.c.created_at,
    ModerationAction.__table__.c.created_at,
    Review.__table__.c.created_at,
):
    Index(
        f"ix_{_column.table.name}_{_column.name}_brin",
        _column,
        postgresql_using="brin",
        postgresql_with={"autosummarize": "on", "pages_per_range": 32},
    )

__all__ = [
    "Appeal",
    "Attachment",
    "Base",
    "Block",
    "Board",
    "Comment",
    "CommentLike",
    "Course",
    "CourseSlot",
    "Department",
    "EmailVerification",
    "Follow",
    "FriendRequest",
    "Friendship",
    "IdempotencyKey",
    "LimitCount",
    "LoginFailure",
    "ModerationAction",
    "Notification",
    "OutboxEvent",
    "Post",
    "PostAnonymousAuthor",
    "PostLike",
    "ProcessedEvent",
    "Professor",
    "RefreshToken",
    "Report",
    "Review",
    "Role",
    "RoleChange",
    "School",
    "SchoolDomain",
    "Scrap",
    "Timetable",
    "TimetableCourse",
    "TimetableCourseRemoval",
    "User",
]
