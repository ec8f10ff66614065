from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.refresh_in import RefreshIn
from ...types import Response


def _get_kwargs(
    *,
    body: RefreshIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/logout",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = Problem.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RefreshIn,
) -> Response[Any | Problem]:
    """Logout

     End the caller's session: send its access token and the session's refresh token.
    From then on the session's refresh token is refused, and so are its access tokens'
    writes (401 `session-revoked`); reads accept them until they expire (at most
    ACCESS_TOKEN_TTL_SECONDS). Another session's or another account's refresh token is
    404 `session-not-found`, and nothing is revoked.

    Args:
        body (RefreshIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: RefreshIn,
) -> Any | Problem | None:
    """Logout

     End the caller's session: send its access token and the session's refresh token.
    From then on the session's refresh token is refused, and so are its access tokens'
    writes (401 `session-revoked`); reads accept them until they expire (at most
    ACCESS_TOKEN_TTL_SECONDS). Another session's or another account's refresh token is
    404 `session-not-found`, and nothing is revoked.

    Args:
        body (RefreshIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RefreshIn,
) -> Response[Any | Problem]:
    """Logout

     End the caller's session: send its access token and the session's refresh token.
    From then on the session's refresh token is refused, and so are its access tokens'
    writes (401 `session-revoked`); reads accept them until they expire (at most
    ACCESS_TOKEN_TTL_SECONDS). Another session's or another account's refresh token is
    404 `session-not-found`, and nothing is revoked.

    Args:
        body (RefreshIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RefreshIn,
) -> Any | Problem | None:
    """Logout

     End the caller's session: send its access token and the session's refresh token.
    From then on the session's refresh token is refused, and so are its access tokens'
    writes (401 `session-revoked`); reads accept them until they expire (at most
    ACCESS_TOKEN_TTL_SECONDS). Another session's or another account's refresh token is
    404 `session-not-found`, and nothing is revoked.

    Args:
        body (RefreshIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
