"""Every table, imported in one place so Alembic and tests see the whole schema."""

from api.auth.models import RefreshToken
from api.boards.models import Board
from api.comments.models import Comment
from api.core.db import Base
from api.courses.models import Course, CourseSlot, Professor, Review
from api.events.models import OutboxEvent, ProcessedEvent
from api.notifications.models import Notification
from api.posts.models import Post, PostAnonymousAuthor
from api.reactions.models import CommentLike, PostLike, Scrap
from api.reports.models import ModerationAction, Report
from api.schools.models import Department, School
from api.social.models import Follow, FriendRequest, Friendship
from api.timetables.models import Timetable, TimetableCourse
from api.uploads.models import Attachment
from api.users.models import User

__all__ = [
    "Attachment",
    "Base",
    "Board",
    "Comment",
    "CommentLike",
    "Course",
    "CourseSlot",
    "Department",
    "Follow",
    "FriendRequest",
    "Friendship",
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
    "School",
    "Scrap",
    "Timetable",
    "TimetableCourse",
    "User",
]
