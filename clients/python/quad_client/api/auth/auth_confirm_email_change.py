from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.email_change_confirm_in import EmailChangeConfirmIn
from ...models.me_out import MeOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EmailChangeConfirmIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/email/confirm",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MeOut | Problem | None:
    if response.status_code == 200:
        response_200 = MeOut.from_dict(response.json())

        return response_200

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
) -> Response[MeOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EmailChangeConfirmIn,
) -> Response[MeOut | Problem]:
    """Confirm Email Change

     Make the pending change with the code mailed to the new address (or the mail's
    link token): answers the account with its new address. The access token carries no
    address, so the caller's tokens go on as they are. A wrong code is 422
    `email-change-code-invalid` with `attempts_left`; after 5 wrong codes, once expired,
    used, or with no change pending it is 422 `email-change-code-expired` (ask again).
    Open password-reset links, which went to the old address, stop working; the old
    address is mailed a notice. 409 `conflict` if another account took the address
    meanwhile. Every attempt spends the email-change-confirm budget.

    Args:
        body (EmailChangeConfirmIn): Exactly one of the code mailed to the new address or the
            mail's link token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MeOut | Problem]
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
    body: EmailChangeConfirmIn,
) -> MeOut | Problem | None:
    """Confirm Email Change

     Make the pending change with the code mailed to the new address (or the mail's
    link token): answers the account with its new address. The access token carries no
    address, so the caller's tokens go on as they are. A wrong code is 422
    `email-change-code-invalid` with `attempts_left`; after 5 wrong codes, once expired,
    used, or with no change pending it is 422 `email-change-code-expired` (ask again).
    Open password-reset links, which went to the old address, stop working; the old
    address is mailed a notice. 409 `conflict` if another account took the address
    meanwhile. Every attempt spends the email-change-confirm budget.

    Args:
        body (EmailChangeConfirmIn): Exactly one of the code mailed to the new address or the
            mail's link token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MeOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EmailChangeConfirmIn,
) -> Response[MeOut | Problem]:
    """Confirm Email Change

     Make the pending change with the code mailed to the new address (or the mail's
    link token): answers the account with its new address. The access token carries no
    address, so the caller's tokens go on as they are. A wrong code is 422
    `email-change-code-invalid` with `attempts_left`; after 5 wrong codes, once expired,
    used, or with no change pending it is 422 `email-change-code-expired` (ask again).
    Open password-reset links, which went to the old address, stop working; the old
    address is mailed a notice. 409 `conflict` if another account took the address
    meanwhile. Every attempt spends the email-change-confirm budget.

    Args:
        body (EmailChangeConfirmIn): Exactly one of the code mailed to the new address or the
            mail's link token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MeOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EmailChangeConfirmIn,
) -> MeOut | Problem | None:
    """Confirm Email Change

     Make the pending change with the code mailed to the new address (or the mail's
    link token): answers the account with its new address. The access token carries no
    address, so the caller's tokens go on as they are. A wrong code is 422
    `email-change-code-invalid` with `attempts_left`; after 5 wrong codes, once expired,
    used, or with no change pending it is 422 `email-change-code-expired` (ask again).
    Open password-reset links, which went to the old address, stop working; the old
    address is mailed a notice. 409 `conflict` if another account took the address
    meanwhile. Every attempt spends the email-change-confirm budget.

    Args:
        body (EmailChangeConfirmIn): Exactly one of the code mailed to the new address or the
            mail's link token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MeOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
