from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field

from api.boards.models import NameRule, WriteRule
from api.core.schemas import InputModel, OutputModel

WRITE_RULE = (
    "Who may write posts and comments: `members` (every member of the school) or "
    "`moderators` (a read-only board, such as notices: its owner and the school's moderators)"
)
NAME_RULE = (
    "Under which name: `anonymous` only, `named` only, or `either` (the writer chooses); "
    "a post or comment that breaks it is refused (422)"
)


class BoardIn(InputModel):
    name: str = Field(min_length=1, max_length=50)
    description: str = Field("", max_length=500)
    write_rule: WriteRule = Field(WriteRule.members, description=WRITE_RULE)
    name_rule: NameRule = Field(NameRule.either, description=NAME_RULE)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "새내기게시판",
                    "description": "26학번 새내기들의 질문과 정보 공유",
                    "write_rule": "members",
                    "name_rule": "either",
                },
                {
                    "name": "총학생회 공지",
                    "description": "Notices from the student council",
                    "write_rule": "moderators",
                    "name_rule": "named",
                },
                {"name": "비밀게시판", "name_rule": "anonymous"},
            ]
        }
    )


class BoardUpdate(InputModel):
    """What a board's owner may change (its name stays: links and habits point at it)."""

    description: str | None = Field(None, max_length=500)
    write_rule: WriteRule | None = Field(None, description=WRITE_RULE)
    name_rule: NameRule | None = Field(None, description=NAME_RULE)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"description": "26·27학번 새내기 질문 환영"},
                {"write_rule": "moderators", "name_rule": "named"},
            ]
        }
    )


class BoardOut(OutputModel):
    id: UUID
    school_id: UUID
    name: str
    description: str
    write_rule: WriteRule = Field(description=WRITE_RULE)
    name_rule: NameRule = Field(description=NAME_RULE)
    is_owner: bool = Field(description="The caller owns the board: may edit or delete it")
    can_write: bool = Field(description="The caller may write posts and comments here")
    created_at: datetime
