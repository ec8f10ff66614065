"""The problems only moderation raises (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Conflict, Forbidden, InvalidInput


class ModeratorOnly(Forbidden):
    slug, title = "moderator-only", "Only the school's moderators may do this"

    def __init__(self) -> None:
        super().__init__("Ask a moderator of your school.")


class AdministratorOnly(Forbidden):
    slug, title = "administrator-only", "Only the platform's administrators may do this"

    def __init__(self) -> None:
        super().__init__("Ask a platform administrator.")


class BoardOwnerCannot(Forbidden):
    slug, title = "board-owner-cannot", "A board's owner may not do this"

    def __init__(self) -> None:
        super().__init__(
            "A board's owner may hide, restore, dismiss, lock and unlock; removing content "
            "and suspending its author are for the school's moderators."
        )


class NotForTarget(InvalidInput):
    slug, title = "action-not-for-target", "This action does not apply to this target"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="action")


class NotAMember(InvalidInput):
    slug, title = "not-a-member", "The account is not a member of this school"

    def __init__(self) -> None:
        super().__init__("A school's moderators are its members.", field="user_id")


class AlreadyAppealed(Conflict):
    slug, title = "already-appealed", "This decision was already appealed"

    def __init__(self) -> None:
        super().__init__("A decision may be appealed once.")


class NotAppealable(InvalidInput):
    slug, title = "not-appealable", "This decision cannot be appealed"

    def __init__(self) -> None:
        super().__init__("Hides, removals, locks and suspensions are appealed; not this.")


class AppealDecided(Conflict):
    slug, title = "appeal-decided", "The appeal was decided already"

    def __init__(self) -> None:
        super().__init__("An appeal is decided once.")
