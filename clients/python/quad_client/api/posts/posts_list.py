from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_post_summary import PagePostSummary
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    board_id: UUID,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

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
        "url": "/v1/boards/{board_id}/posts".format(
            board_id=quote(str(board_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | PagePostSummary | Problem | None:
    if response.status_code == 200:
        response_200 = PagePostSummary.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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
) -> Response[Any | PagePostSummary | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    board_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | PagePostSummary | Problem]:
    """List Board Posts

     The board's posts, newest first. Hidden posts are left out. Polling: send the
    `ETag` you got as `If-None-Match`; 304 means nothing changed.

    Args:
        board_id (UUID):
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PagePostSummary | Problem]
    """

    kwargs = _get_kwargs(
        board_id=board_id,
        cursor=cursor,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    board_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    if_none_match: None | str | Unset = UNSET,
) -> Any | PagePostSummary | Problem | None:
    """List Board Posts

     The board's posts, newest first. Hidden posts are left out. Polling: send the
    `ETag` you got as `If-None-Match`; 304 means nothing changed.

    Args:
        board_id (UUID):
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PagePostSummary | Problem
    """

    return sync_detailed(
        board_id=board_id,
        client=client,
        cursor=cursor,
        limit=limit,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    board_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | PagePostSummary | Problem]:
    """List Board Posts

     The board's posts, newest first. Hidden posts are left out. Polling: send the
    `ETag` you got as `If-None-Match`; 304 means nothing changed.

    Args:
        board_id (UUID):
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PagePostSummary | Problem]
    """

    kwargs = _get_kwargs(
        board_id=board_id,
        cursor=cursor,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    board_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    if_none_match: None | str | Unset = UNSET,
) -> Any | PagePostSummary | Problem | None:
    """List Board Posts

     The board's posts, newest first. Hidden posts are left out. Polling: send the
    `ETag` you got as `If-None-Match`; 304 means nothing changed.

    Args:
        board_id (UUID):
        cursor (None | str | Unset): `next_cursor` of the previous page
        limit (int | Unset): Items per page Default: 20.
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PagePostSummary | Problem
    """

    return (
        await asyncio_detailed(
            board_id=board_id,
            client=client,
            cursor=cursor,
            limit=limit,
            if_none_match=if_none_match,
        )
    ).parsed
