"""Contains all the data models used in inputs/outputs"""

from .account_out import AccountOut
from .action_in import ActionIn
from .action_name import ActionName
from .action_result import ActionResult
from .appeal_decision_in import AppealDecisionIn
from .appeal_entry import AppealEntry
from .appeal_in import AppealIn
from .appeal_out import AppealOut
from .appeal_outcome import AppealOutcome
from .appeal_state import AppealState
from .attachment_out import AttachmentOut
from .audit_entry import AuditEntry
from .author import Author
from .author_history import AuthorHistory
from .block_out import BlockOut
from .board_in import BoardIn
from .board_out import BoardOut
from .board_update import BoardUpdate
from .comment_in import CommentIn
from .comment_out import CommentOut
from .comment_thread import CommentThread
from .comment_update import CommentUpdate
from .course_out import CourseOut
from .department_out import DepartmentOut
from .direction import Direction
from .email_change_confirm_in import EmailChangeConfirmIn
from .email_change_in import EmailChangeIn
from .email_change_out import EmailChangeOut
from .follow_out import FollowOut
from .follow_state import FollowState
from .friend_out import FriendOut
from .friend_request_in import FriendRequestIn
from .friend_request_out import FriendRequestOut
from .image_urls import ImageUrls
from .like_state import LikeState
from .log_entry import LogEntry
from .login_in import LoginIn
from .me_out import MeOut
from .me_update import MeUpdate
from .moderator_out import ModeratorOut
from .my_decision import MyDecision
from .name_rule import NameRule
from .notification_out import NotificationOut
from .page_appeal_entry import PageAppealEntry
from .page_audit_entry import PageAuditEntry
from .page_block_out import PageBlockOut
from .page_comment_thread import PageCommentThread
from .page_course_out import PageCourseOut
from .page_follow_out import PageFollowOut
from .page_friend_out import PageFriendOut
from .page_friend_request_out import PageFriendRequestOut
from .page_log_entry import PageLogEntry
from .page_my_decision import PageMyDecision
from .page_notification_out import PageNotificationOut
from .page_post_summary import PagePostSummary
from .page_queue_entry import PageQueueEntry
from .page_review_out import PageReviewOut
from .password_change_in import PasswordChangeIn
from .password_reset_confirm_in import PasswordResetConfirmIn
from .password_reset_in import PasswordResetIn
from .post_in import PostIn
from .post_out import PostOut
from .post_summary import PostSummary
from .post_update import PostUpdate
from .problem import Problem
from .problem_clashing_course import ProblemClashingCourse
from .problem_errors_item import ProblemErrorsItem
from .professor_out import ProfessorOut
from .professor_ref import ProfessorRef
from .profile_out import ProfileOut
from .queue_entry import QueueEntry
from .queue_entry_reasons import QueueEntryReasons
from .queue_status import QueueStatus
from .read_all_out import ReadAllOut
from .refresh_in import RefreshIn
from .report_in import ReportIn
from .report_reason import ReportReason
from .report_state import ReportState
from .review_in import ReviewIn
from .review_out import ReviewOut
from .school_detail import SchoolDetail
from .school_out import SchoolOut
from .school_ref import SchoolRef
from .scrap_state import ScrapState
from .session_out import SessionOut
from .sessions_out import SessionsOut
from .signup_in import SignupIn
from .signup_in_language import SignupInLanguage
from .slot_out import SlotOut
from .target_type import TargetType
from .timetable_in import TimetableIn
from .timetable_out import TimetableOut
from .timetable_summary import TimetableSummary
from .timetable_update import TimetableUpdate
from .token_pair import TokenPair
from .upload_in import UploadIn
from .upload_out import UploadOut
from .upload_out_status import UploadOutStatus
from .upload_slot_out import UploadSlotOut
from .upload_slot_out_status import UploadSlotOutStatus
from .upload_target import UploadTarget
from .upload_target_headers import UploadTargetHeaders
from .user_summary import UserSummary
from .verify_email_in import VerifyEmailIn
from .write_rule import WriteRule

__all__ = (
    "AccountOut",
    "ActionIn",
    "ActionName",
    "ActionResult",
    "AppealDecisionIn",
    "AppealEntry",
    "AppealIn",
    "AppealOut",
    "AppealOutcome",
    "AppealState",
    "AttachmentOut",
    "AuditEntry",
    "Author",
    "AuthorHistory",
    "BlockOut",
    "BoardIn",
    "BoardOut",
    "BoardUpdate",
    "CommentIn",
    "CommentOut",
    "CommentThread",
    "CommentUpdate",
    "CourseOut",
    "DepartmentOut",
    "Direction",
    "EmailChangeConfirmIn",
    "EmailChangeIn",
    "EmailChangeOut",
    "FollowOut",
    "FollowState",
    "FriendOut",
    "FriendRequestIn",
    "FriendRequestOut",
    "ImageUrls",
    "LikeState",
    "LogEntry",
    "LoginIn",
    "MeOut",
    "MeUpdate",
    "ModeratorOut",
    "MyDecision",
    "NameRule",
    "NotificationOut",
    "PageAppealEntry",
    "PageAuditEntry",
    "PageBlockOut",
    "PageCommentThread",
    "PageCourseOut",
    "PageFollowOut",
    "PageFriendOut",
    "PageFriendRequestOut",
    "PageLogEntry",
    "PageMyDecision",
    "PageNotificationOut",
    "PagePostSummary",
    "PageQueueEntry",
    "PageReviewOut",
    "PasswordChangeIn",
    "PasswordResetConfirmIn",
    "PasswordResetIn",
    "PostIn",
    "PostOut",
    "PostSummary",
    "PostUpdate",
    "Problem",
    "ProblemClashingCourse",
    "ProblemErrorsItem",
    "ProfessorOut",
    "ProfessorRef",
    "ProfileOut",
    "QueueEntry",
    "QueueEntryReasons",
    "QueueStatus",
    "ReadAllOut",
    "RefreshIn",
    "ReportIn",
    "ReportReason",
    "ReportState",
    "ReviewIn",
    "ReviewOut",
    "SchoolDetail",
    "SchoolOut",
    "SchoolRef",
    "ScrapState",
    "SessionOut",
    "SessionsOut",
    "SignupIn",
    "SignupInLanguage",
    "SlotOut",
    "TargetType",
    "TimetableIn",
    "TimetableOut",
    "TimetableSummary",
    "TimetableUpdate",
    "TokenPair",
    "UploadIn",
    "UploadOut",
    "UploadOutStatus",
    "UploadSlotOut",
    "UploadSlotOutStatus",
    "UploadTarget",
    "UploadTargetHeaders",
    "UserSummary",
    "VerifyEmailIn",
    "WriteRule",
)
