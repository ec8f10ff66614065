"""The problems only school membership raises (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import InvalidInput


class EmailDomainMismatch(InvalidInput):
    slug, title = "email-domain-mismatch", "The email is not at one of the school's domains"


class SchoolNotOpen(InvalidInput):
    slug, title = "school-not-open", "The school accepts no signups until it has an email domain"
