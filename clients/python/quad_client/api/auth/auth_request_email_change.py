from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.email_change_in import EmailChangeIn
from ...models.email_change_out import EmailChangeOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EmailChangeIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/email",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EmailChangeOut | Problem | None:
    if response.status_code == 202:
        response_202 = EmailChangeOut.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 408:
        response_408 = Problem.from_dict(response.json())

        return response_408

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[EmailChangeOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EmailChangeIn,
) -> Response[EmailChangeOut | Problem]:
    """Request Email Change

     Ask to change the account's address to `new_email`: nothing changes yet. A 6-digit
    code (and a link) is mailed to the new address; `POST /auth/email/confirm` with it
    makes the change, and the old address gets a notice. The code works for
    EMAIL_CHANGE_CODE_TTL_SECONDS (15 minutes, `expires_at`), once; a new request replaces
    the pending one. Needs the current password (422 `password-incorrect`); the new
    address follows signup's rule: at one of the school's domains (422
    `email-domain-mismatch`; `+tag`s, letter case and IDNA as signup has them) and no
    other account's mailbox (409 `conflict`). The 409 says that an address has an
    account, as signup's 409 already does to anyone, unauthenticated: this endpoint,
    which takes a member's password and a budget of a few a day, reveals nothing signup
    does not. Every request spends the email-change budget (429 `rate-limited`).

    Args:
        body (EmailChangeIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmailChangeOut | Problem]
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
    body: EmailChangeIn,
) -> EmailChangeOut | Problem | None:
    """Request Email Change

     Ask to change the account's address to `new_email`: nothing changes yet. A 6-digit
    code (and a link) is mailed to the new address; `POST /auth/email/confirm` with it
    makes the change, and the old address gets a notice. The code works for
    EMAIL_CHANGE_CODE_TTL_SECONDS (15 minutes, `expires_at`), once; a new request replaces
    the pending one. Needs the current password (422 `password-incorrect`); the new
    address follows signup's rule: at one of the school's domains (422
    `email-domain-mismatch`; `+tag`s, letter case and IDNA as signup has them) and no
    other account's mailbox (409 `conflict`). The 409 says that an address has an
    account, as signup's 409 already does to anyone, unauthenticated: this endpoint,
    which takes a member's password and a budget of a few a day, reveals nothing signup
    does not. Every request spends the email-change budget (429 `rate-limited`).

    Args:
        body (EmailChangeIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmailChangeOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EmailChangeIn,
) -> Response[EmailChangeOut | Problem]:
    """Request Email Change

     Ask to change the account's address to `new_email`: nothing changes yet. A 6-digit
    code (and a link) is mailed to the new address; `POST /auth/email/confirm` with it
    makes the change, and the old address gets a notice. The code works for
    EMAIL_CHANGE_CODE_TTL_SECONDS (15 minutes, `expires_at`), once; a new request replaces
    the pending one. Needs the current password (422 `password-incorrect`); the new
    address follows signup's rule: at one of the school's domains (422
    `email-domain-mismatch`; `+tag`s, letter case and IDNA as signup has them) and no
    other account's mailbox (409 `conflict`). The 409 says that an address has an
    account, as signup's 409 already does to anyone, unauthenticated: this endpoint,
    which takes a member's password and a budget of a few a day, reveals nothing signup
    does not. Every request spends the email-change budget (429 `rate-limited`).

    Args:
        body (EmailChangeIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmailChangeOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EmailChangeIn,
) -> EmailChangeOut | Problem | None:
    """Request Email Change

     Ask to change the account's address to `new_email`: nothing changes yet. A 6-digit
    code (and a link) is mailed to the new address; `POST /auth/email/confirm` with it
    makes the change, and the old address gets a notice. The code works for
    EMAIL_CHANGE_CODE_TTL_SECONDS (15 minutes, `expires_at`), once; a new request replaces
    the pending one. Needs the current password (422 `password-incorrect`); the new
    address follows signup's rule: at one of the school's domains (422
    `email-domain-mismatch`; `+tag`s, letter case and IDNA as signup has them) and no
    other account's mailbox (409 `conflict`). The 409 says that an address has an
    account, as signup's 409 already does to anyone, unauthenticated: this endpoint,
    which takes a member's password and a budget of a few a day, reveals nothing signup
    does not. Every request spends the email-change budget (429 `rate-limited`).

    Args:
        body (EmailChangeIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmailChangeOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
