from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, EmailStr, Field, field_validator, model_validator

from api.core.schemas import InputModel, OutputModel
from api.users.schemas import NICKNAME_DESCRIPTION, MeOut, check_nickname

# Signup's rule for a new password, shared by every way of setting one.
NewPassword = Annotated[str, Field(min_length=10, max_length=128)]


class SignupIn(InputModel):
    email: EmailStr = Field(max_length=320)
    password: NewPassword
    nickname: str = Field(min_length=2, max_length=20, description=NICKNAME_DESCRIPTION)
    school_id: UUID
    department_id: UUID | None = None
    language: Literal["ko", "en"] = Field(
        "ko", description="The language of the mails the account gets"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "minji.kim@hanbit.ac.kr",
                    "password": "correct-horse-battery-staple",
                    "nickname": "minji_24",
                    "school_id": "0193a1f0-2c4d-7e8f-9a0b-1c2d3e4f5a6b",
                    "language": "ko",
                },
                {
                    "email": "lucas.martin@hanbit.ac.kr",
                    "password": "purple-monkey-dishwasher",
                    "nickname": "lucas.exchange",
                    "school_id": "0193a1f0-2c4d-7e8f-9a0b-1c2d3e4f5a6b",
                    "department_id": "0193a1f1-3d5e-7f60-8a1b-2c3d4e5f6a7b",
                    "language": "en",
                },
            ]
        }
    )

    _nickname = field_validator("nickname")(check_nickname)


class LoginIn(InputModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=128)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"email": "minji.kim@hanbit.ac.kr", "password": "correct-horse-battery-staple"}
            ]
        }
    )


class RefreshIn(InputModel):
    refresh_token: str = Field(min_length=1, max_length=200)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"refresh_token": "example-refresh-token-from-login"}]}
    )


class TokenPair(OutputModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str
    refresh_expires_in: int


class AccountOut(OutputModel):
    """An account and a token pair for it: what signup and verification answer."""

    user: MeOut
    tokens: TokenPair


class VerifyEmailIn(InputModel):
    """Exactly one of the mailed code or the mail's link token."""

    code: str | None = Field(None, pattern=r"^[0-9]{6}$", description="The mailed 6-digit code")
    token: str | None = Field(
        None, min_length=1, max_length=100, description="The token in the mail's link"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "482913"}, {"token": "example-token-from-the-mail-link"}]
        }
    )

    @model_validator(mode="after")
    def _one(self) -> VerifyEmailIn:
        if (self.code is None) == (self.token is None):
            raise ValueError("send either code or token")
        return self


class PasswordChangeIn(InputModel):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: NewPassword

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "current_password": "correct-horse-battery-staple",
                    "new_password": "purple-monkey-dishwasher",
                }
            ]
        }
    )


class PasswordResetIn(InputModel):
    email: EmailStr = Field(max_length=320)

    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "minji.kim@hanbit.ac.kr"}]})


class PasswordResetConfirmIn(InputModel):
    token: str = Field(min_length=1, max_length=100, description="The token in the mail's link")
    new_password: NewPassword

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "example-token-from-the-mail-link",
                    "new_password": "purple-monkey-dishwasher",
                }
            ]
        }
    )


class EmailChangeIn(InputModel):
    new_email: EmailStr = Field(
        max_length=320, description="At one of the school's email domains, like signup's"
    )
    password: str = Field(min_length=1, max_length=128, description="The current password")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "new_email": "mkim.2024@hanbit.ac.kr",
                    "password": "correct-horse-battery-staple",
                }
            ]
        }
    )


class EmailChangeOut(OutputModel):
    """A change waiting for the code mailed to the new address."""

    sent_to: str = Field(description="The new address the code is mailed to, as stored")
    expires_at: datetime = Field(description="When the code (and the mail's link) stops working")
    expires_in: int = Field(description="Seconds until then")


class EmailChangeConfirmIn(VerifyEmailIn):
    """Exactly one of the code mailed to the new address or the mail's link token."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "730518"}, {"token": "example-token-from-the-mail-link"}]
        }
    )


class SessionOut(OutputModel):
    """A session: a login and the refreshes that continued it. No token material."""

    id: UUID
    created_at: datetime = Field(description="When the session signed in")
    last_used_at: datetime = Field(description="When it last signed in or refreshed its tokens")
    current: bool = Field(description="Whether the access token of this request is its")


class SessionsOut(OutputModel):
    items: list[SessionOut]
