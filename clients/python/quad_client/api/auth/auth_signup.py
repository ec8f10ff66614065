from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_out import AccountOut
from ...models.problem import Problem
from ...models.signup_in import SignupIn
from ...types import Response


def _get_kwargs(
    *,
    body: SignupIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/signup",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccountOut | Problem | None:
    if response.status_code == 201:
        response_201 = AccountOut.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 408:
        response_408 = Problem.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccountOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SignupIn,
) -> Response[AccountOut | Problem]:
    """Signup

     An unverified account (the email must be at one of the school's `email_domains`)
    and its tokens; a mail with a 6-digit code follows. Until the code is entered
    (`/auth/verify-email`) the account may only sign in, read `/users/me`, verify, resend
    and leave: everything else answers 403 `verification-required`.

    Args:
        body (SignupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountOut | Problem]
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
    client: AuthenticatedClient | Client,
    body: SignupIn,
) -> AccountOut | Problem | None:
    """Signup

     An unverified account (the email must be at one of the school's `email_domains`)
    and its tokens; a mail with a 6-digit code follows. Until the code is entered
    (`/auth/verify-email`) the account may only sign in, read `/users/me`, verify, resend
    and leave: everything else answers 403 `verification-required`.

    Args:
        body (SignupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SignupIn,
) -> Response[AccountOut | Problem]:
    """Signup

     An unverified account (the email must be at one of the school's `email_domains`)
    and its tokens; a mail with a 6-digit code follows. Until the code is entered
    (`/auth/verify-email`) the account may only sign in, read `/users/me`, verify, resend
    and leave: everything else answers 403 `verification-required`.

    Args:
        body (SignupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SignupIn,
) -> AccountOut | Problem | None:
    """Signup

     An unverified account (the email must be at one of the school's `email_domains`)
    and its tokens; a mail with a 6-digit code follows. Until the code is entered
    (`/auth/verify-email`) the account may only sign in, read `/users/me`, verify, resend
    and leave: everything else answers 403 `verification-required`.

    Args:
        body (SignupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
