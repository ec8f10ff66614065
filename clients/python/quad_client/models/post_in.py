from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PostIn")


@_attrs_define
class PostIn:
    """
    Attributes:
        title (str):
        body (str):
        anonymous (bool | Unset):  Default: False.
        question (bool | Unset): Cannot be edited or deleted once commented Default: False.
        attachment_ids (list[UUID] | Unset): Your ready uploads (`POST /v1/uploads`), in display order; at most 10
    """

    title: str
    body: str
    anonymous: bool | Unset = False
    question: bool | Unset = False
    attachment_ids: list[UUID] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        body = self.body

        anonymous = self.anonymous

        question = self.question

        attachment_ids: list[str] | Unset = UNSET
        if not isinstance(self.attachment_ids, Unset):
            attachment_ids = []
            for attachment_ids_item_data in self.attachment_ids:
                attachment_ids_item = str(attachment_ids_item_data)
                attachment_ids.append(attachment_ids_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "title": title,
                "body": body,
            }
        )
        if anonymous is not UNSET:
            field_dict["anonymous"] = anonymous
        if question is not UNSET:
            field_dict["question"] = question
        if attachment_ids is not UNSET:
            field_dict["attachment_ids"] = attachment_ids

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        title = d.pop("title")

        body = d.pop("body")

        anonymous = d.pop("anonymous", UNSET)

        question = d.pop("question", UNSET)

        _attachment_ids = d.pop("attachment_ids", UNSET)
        attachment_ids: list[UUID] | Unset = UNSET
        if _attachment_ids is not UNSET:
            attachment_ids = []
            for attachment_ids_item_data in _attachment_ids:
                attachment_ids_item = UUID(attachment_ids_item_data)

                attachment_ids.append(attachment_ids_item)

        post_in = cls(
            title=title,
            body=body,
            anonymous=anonymous,
            question=question,
            attachment_ids=attachment_ids,
        )

        return post_in
