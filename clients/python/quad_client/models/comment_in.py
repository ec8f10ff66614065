from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CommentIn")


@_attrs_define
class CommentIn:
    """
    Attributes:
        body (str):
        anonymous (bool | Unset):  Default: False.
        parent_id (None | Unset | UUID): Reply to this comment (a reply to a reply joins its thread)
    """

    body: str
    anonymous: bool | Unset = False
    parent_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        body = self.body

        anonymous = self.anonymous

        parent_id: None | str | Unset
        if isinstance(self.parent_id, Unset):
            parent_id = UNSET
        elif isinstance(self.parent_id, UUID):
            parent_id = str(self.parent_id)
        else:
            parent_id = self.parent_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "body": body,
            }
        )
        if anonymous is not UNSET:
            field_dict["anonymous"] = anonymous
        if parent_id is not UNSET:
            field_dict["parent_id"] = parent_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        body = d.pop("body")

        anonymous = d.pop("anonymous", UNSET)

        def _parse_parent_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_id_type_0 = UUID(data)

                return parent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_id = _parse_parent_id(d.pop("parent_id", UNSET))

        comment_in = cls(
            body=body,
            anonymous=anonymous,
            parent_id=parent_id,
        )

        return comment_in
