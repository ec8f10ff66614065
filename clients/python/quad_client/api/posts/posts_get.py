from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.post_out import PostOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    post_id: UUID,
    *,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/posts/{post_id}".format(
            post_id=quote(str(post_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | PostOut | Problem | None:
    if response.status_code == 200:
        response_200 = PostOut.from_dict(response.json())

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
) -> Response[Any | PostOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    post_id: UUID,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | PostOut | Problem]:
    """Get Post

     The post. Send its `ETag` as `If-None-Match` to get 304 while it is unchanged.

    Args:
        post_id (UUID):
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PostOut | Problem]
    """

    kwargs = _get_kwargs(
        post_id=post_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    post_id: UUID,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Any | PostOut | Problem | None:
    """Get Post

     The post. Send its `ETag` as `If-None-Match` to get 304 while it is unchanged.

    Args:
        post_id (UUID):
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PostOut | Problem
    """

    return sync_detailed(
        post_id=post_id,
        client=client,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    post_id: UUID,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | PostOut | Problem]:
    """Get Post

     The post. Send its `ETag` as `If-None-Match` to get 304 while it is unchanged.

    Args:
        post_id (UUID):
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PostOut | Problem]
    """

    kwargs = _get_kwargs(
        post_id=post_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    post_id: UUID,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Any | PostOut | Problem | None:
    """Get Post

     The post. Send its `ETag` as `If-None-Match` to get 304 while it is unchanged.

    Args:
        post_id (UUID):
        if_none_match (None | str | Unset): The `ETag` of the answer you have: 304 with no body if
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PostOut | Problem
    """

    return (
        await asyncio_detailed(
            post_id=post_id,
            client=client,
            if_none_match=if_none_match,
        )
    ).parsed
