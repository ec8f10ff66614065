from __future__ import annotations

from uuid import UUID

from pydantic import EmailStr, Field, field_validator

from api.core.schemas import InputModel, OutputModel
from api.users.schemas import NICKNAME_PATTERN, check_nickname


class SignupIn(InputModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=10, max_length=128)
    nickname: str = Field(
        pattern=NICKNAME_PATTERN, description="2-20 letters, digits, '_', '.', '-'"
    )
    school_id: UUID
    department_id: UUID | None = None

    _nickname = field_validator("nickname")(check_nickname)


class LoginIn(InputModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(InputModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class TokenPair(OutputModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str
    refresh_expires_in: int
