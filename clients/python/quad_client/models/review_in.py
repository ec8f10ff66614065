from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReviewIn")


@_attrs_define
class ReviewIn:
    """
    Attributes:
        rating (int):
        semester_taken (str): e.g. 2026-1
        text (str | Unset):  Default: ''.
    """

    rating: int
    semester_taken: str
    text: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        rating = self.rating

        semester_taken = self.semester_taken

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rating": rating,
                "semester_taken": semester_taken,
            }
        )
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        rating = d.pop("rating")

        semester_taken = d.pop("semester_taken")

        text = d.pop("text", UNSET)

        review_in = cls(
            rating=rating,
            semester_taken=semester_taken,
            text=text,
        )

        return review_in
