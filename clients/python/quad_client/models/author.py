from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Author")


@_attrs_define
class Author:
    """Who wrote something, as the caller may see it.

    For anonymous content `id` and `nickname` are always null: nothing here is stable
    across posts. In a post's comments each anonymous commenter has a `number` (stable
    within that post) and the post's own anonymous author shows as `is_writer`. Clients
    render their own label ("익명1", "익명(글쓴이)"); `label` is an English default.

        Attributes:
            label (str):
            id (None | Unset | UUID):
            nickname (None | str | Unset):
            anonymous (bool | Unset):  Default: False.
            number (int | None | Unset): Anonymous commenter's number in this post
            is_writer (bool | Unset): Written by the post's author Default: False.
            deleted (bool | Unset): The author closed their account Default: False.
    """

    label: str
    id: None | Unset | UUID = UNSET
    nickname: None | str | Unset = UNSET
    anonymous: bool | Unset = False
    number: int | None | Unset = UNSET
    is_writer: bool | Unset = False
    deleted: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        nickname: None | str | Unset
        if isinstance(self.nickname, Unset):
            nickname = UNSET
        else:
            nickname = self.nickname

        anonymous = self.anonymous

        number: int | None | Unset
        if isinstance(self.number, Unset):
            number = UNSET
        else:
            number = self.number

        is_writer = self.is_writer

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "label": label,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if nickname is not UNSET:
            field_dict["nickname"] = nickname
        if anonymous is not UNSET:
            field_dict["anonymous"] = anonymous
        if number is not UNSET:
            field_dict["number"] = number
        if is_writer is not UNSET:
            field_dict["is_writer"] = is_writer
        if deleted is not UNSET:
            field_dict["deleted"] = deleted

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        label = d.pop("label")

        def _parse_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                id_type_0 = UUID(data)

                return id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_nickname(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        nickname = _parse_nickname(d.pop("nickname", UNSET))

        anonymous = d.pop("anonymous", UNSET)

        def _parse_number(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        number = _parse_number(d.pop("number", UNSET))

        is_writer = d.pop("is_writer", UNSET)

        deleted = d.pop("deleted", UNSET)

        author = cls(
            label=label,
            id=id,
            nickname=nickname,
            anonymous=anonymous,
            number=number,
            is_writer=is_writer,
            deleted=deleted,
        )

        author.additional_properties = d
        return author

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
