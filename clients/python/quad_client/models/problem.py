from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_clashing_course import ProblemClashingCourse
    from ..models.problem_errors_item import ProblemErrorsItem


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """An error, as RFC 9457 defines it (`application/problem+json`). `type` is stable: `urn:quad:problem:<slug>`; match on
    it, not on `title`.

        Attributes:
            type_ (str):
            title (str):
            status (int):
            detail (str | Unset):
            instance (str | Unset): The request's path.
            errors (list[ProblemErrorsItem] | Unset): For a request that is not valid: where (`loc`) and why.
            field (str | Unset): The request field the problem is about.
            retry_after (int | Unset): Seconds until trying again may work (also the Retry-After header).
            attempts_left (int | Unset): Wrong codes still allowed.
            request_id (UUID | Unset): The existing request.
            suspended_until (datetime.datetime | None | Unset): When the account's suspension ends; null: it does not.
            domains (list[str] | Unset): The email domains the school accepts.
            clashing_course (ProblemClashingCourse | Unset): The course already in the timetable at that time.
    """

    type_: str
    title: str
    status: int
    detail: str | Unset = UNSET
    instance: str | Unset = UNSET
    errors: list[ProblemErrorsItem] | Unset = UNSET
    field: str | Unset = UNSET
    retry_after: int | Unset = UNSET
    attempts_left: int | Unset = UNSET
    request_id: UUID | Unset = UNSET
    suspended_until: datetime.datetime | None | Unset = UNSET
    domains: list[str] | Unset = UNSET
    clashing_course: ProblemClashingCourse | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        instance = self.instance

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field = self.field

        retry_after = self.retry_after

        attempts_left = self.attempts_left

        request_id: str | Unset = UNSET
        if not isinstance(self.request_id, Unset):
            request_id = str(self.request_id)

        suspended_until: None | str | Unset
        if isinstance(self.suspended_until, Unset):
            suspended_until = UNSET
        elif isinstance(self.suspended_until, datetime.datetime):
            suspended_until = self.suspended_until.isoformat()
        else:
            suspended_until = self.suspended_until

        domains: list[str] | Unset = UNSET
        if not isinstance(self.domains, Unset):
            domains = self.domains

        clashing_course: dict[str, Any] | Unset = UNSET
        if not isinstance(self.clashing_course, Unset):
            clashing_course = self.clashing_course.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail
        if instance is not UNSET:
            field_dict["instance"] = instance
        if errors is not UNSET:
            field_dict["errors"] = errors
        if field is not UNSET:
            field_dict["field"] = field
        if retry_after is not UNSET:
            field_dict["retry_after"] = retry_after
        if attempts_left is not UNSET:
            field_dict["attempts_left"] = attempts_left
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if suspended_until is not UNSET:
            field_dict["suspended_until"] = suspended_until
        if domains is not UNSET:
            field_dict["domains"] = domains
        if clashing_course is not UNSET:
            field_dict["clashing_course"] = clashing_course

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.problem_clashing_course import ProblemClashingCourse
        from ..models.problem_errors_item import ProblemErrorsItem

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail", UNSET)

        instance = d.pop("instance", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemErrorsItem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ProblemErrorsItem.from_dict(errors_item_data)

                errors.append(errors_item)

        field = d.pop("field", UNSET)

        retry_after = d.pop("retry_after", UNSET)

        attempts_left = d.pop("attempts_left", UNSET)

        _request_id = d.pop("request_id", UNSET)
        request_id: UUID | Unset
        if isinstance(_request_id, Unset):
            request_id = UNSET
        else:
            request_id = UUID(_request_id)

        def _parse_suspended_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suspended_until_type_0 = datetime.datetime.fromisoformat(data)

                return suspended_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        suspended_until = _parse_suspended_until(d.pop("suspended_until", UNSET))

        domains = cast(list[str], d.pop("domains", UNSET))

        _clashing_course = d.pop("clashing_course", UNSET)
        clashing_course: ProblemClashingCourse | Unset
        if isinstance(_clashing_course, Unset):
            clashing_course = UNSET
        else:
            clashing_course = ProblemClashingCourse.from_dict(_clashing_course)

        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            instance=instance,
            errors=errors,
            field=field,
            retry_after=retry_after,
            attempts_left=attempts_left,
            request_id=request_id,
            suspended_until=suspended_until,
            domains=domains,
            clashing_course=clashing_course,
        )

        problem.additional_properties = d
        return problem

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
