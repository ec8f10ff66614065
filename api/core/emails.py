"""How an email address is compared: the one normalisation signup, login and the domain
check share.

- Letter case: the whole address is lower-cased (the local part too: no mail system a
  school uses tells `Minji` from `minji`).
- Domains are compared in their ASCII (IDNA 2008, UTS #46) form, so `한빛.kr` and
  `xn--xx3br43b.kr` are one domain, and a look-alike (`hanbit` with a Cyrillic a, U+0430) is a
  different one (`xn--hnbit-4ve`).
- `+tag` addressing is accepted, but the account's key (`users.email_key`, unique) is the
  address without its tag: one account per mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email


@dataclass(frozen=True, slots=True)
class Email:
    address: str  # what is stored and mailed to: lower-cased, ASCII domain
    domain: str  # ASCII, lower case
    key: str  # the address without its +tag: one account per key


def parse_email(text: str) -> Email | None:
    """The normalised address, or None when it is not one (schemas check addresses first,
    so only a caller passing raw text sees None)."""
    try:
        parts = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    local = parts.local_part.lower()
    domain = parts.ascii_domain.lower()
    # "+x@..." keeps its whole local part: stripping the tag would leave nothing.
    untagged = local.split("+", 1)[0] or local
    return Email(address=f"{local}@{domain}", domain=domain, key=f"{untagged}@{domain}")
