from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_log_entry import PageLogEntry
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    school_id: UUID,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_school_id = str(school_id)
    params["school_id"] = json_school_id

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/moderation/log",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageLogEntry | Problem | None:
    if response.status_code == 200:
        response_200 = PageLogEntry.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PageLogEntry | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    school_id: UUID,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[PageLogEntry | Problem]:
    """Moderation Log

     The school's decisions, newest first, for its moderators. It never names whose
    content a decision was about.

    Args:
        school_id (UUID): The school
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageLogEntry | Problem]
    """

    kwargs = _get_kwargs(
        school_id=school_id,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    school_id: UUID,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> PageLogEntry | Problem | None:
    """Moderation Log

     The school's decisions, newest first, for its moderators. It never names whose
    content a decision was about.

    Args:
        school_id (UUID): The school
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageLogEntry | Problem
    """

    return sync_detailed(
        client=client,
        school_id=school_id,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    school_id: UUID,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[PageLogEntry | Problem]:
    """Moderation Log

     The school's decisions, newest first, for its moderators. It never names whose
    content a decision was about.

    Args:
        school_id (UUID): The school
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageLogEntry | Problem]
    """

    kwargs = _get_kwargs(
        school_id=school_id,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    school_id: UUID,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> PageLogEntry | Problem | None:
    """Moderation Log

     The school's decisions, newest first, for its moderators. It never names whose
    content a decision was about.

    Args:
        school_id (UUID): The school
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageLogEntry | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            school_id=school_id,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
