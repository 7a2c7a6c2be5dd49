"""Zoom's billing contact and upcoming renewals, as the sandbox reads Zoom's 2026 document.

Three operations of the Billing master API sit beside the plan calls: GET and PATCH
`/accounts/{accountId}/billing` (who receives the invoices) and GET `/accounts/billing/renewals`
(one call pages through every sub-account renewing within 30, 60 or 90 days). Their schemas,
codes and rate labels come from the committed extract; what the document leaves open is read
as follows (docs/sandbox.md lists each):

- A subscribe's `contact` becomes the account's billing contact; a seed may set one per account
  (`billing:`), and a subscribed account without one answers a made-up contact so that GET
  always has the fields Zoom's answer requires.
- PATCH refuses, in Zoom's order: self-pay (2100), no subscription yet (200), a field that breaks
  the request schema (300 "Validation Failed."), a field with a special character (300, Zoom's
  sentence), an unknown country (2100) or an unknown US or Canadian state (2100).
- Special characters are those no name, address, e-mail or phone number needs: control
  characters and `<>{}[]\\^|~$%*=;"` (Zoom does not list them).
- The renewals list shows each seeded `renewal:` whose `next_renewal_date` falls from today to
  `interval` days ahead, self-pay accounts never; `page_size` 1 to 50 (default 30), tokens live
  15 minutes like GET /accounts'.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from reconciler.sandbox.bodies import check, is_integer
from reconciler.sandbox.errors import FieldProblem, SeedError, ZoomApiError, validation_failed
from reconciler.zoom_2026 import operation, thawed

CONTACT_PATH = "/accounts/{accountId}/billing"
RENEWALS_PATH = "/accounts/billing/renewals"
RENEWAL_INTERVALS = (30, 60, 90)
PAGE_SIZE_DEFAULT = 30
PAGE_SIZE_MAX = 50
PAGE_TOKEN_TTL_S = 15 * 60
BILLING_CYCLES = ("Monthly", "Annual", "Quarterly", "Two years", "Three years")

_SPECIAL = re.compile(r"[\x00-\x1f\x7f<>{}\[\]\\^|~$%*=;\"]")
#: ISO 3166-1 alpha-2, the "country ID abbreviation" Zoom's document points to.
_COUNTRY_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRIES = frozenset(_COUNTRY_CODES.split())
#: Where Zoom's console asks for a state from a list: the US (with DC and the territories) and
#: Canada. Elsewhere the state is free text.
_US_STATES = """
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY
NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP
"""
_CA_PROVINCES = "AB BC MB NB NL NS NT NU ON PE QC SK YT"
STATES: Mapping[str, frozenset[str]] = {
    "US": frozenset(_US_STATES.split()),
    "CA": frozenset(_CA_PROVINCES.split()),
}


def contact_fields() -> tuple[str, ...]:
    """The fields GET /billing answers, in Zoom's order (employee_count among them)."""
    schema = operation("GET", CONTACT_PATH).response_schemas[200]
    assert schema is not None
    return tuple(schema["properties"])


def made_up_contact(account_id: str, email: str) -> dict[str, str]:
    """A subscribed account's contact when neither the seed nor a subscribe gave one."""
    return {
        "first_name": "Billing",
        "last_name": account_id,
        "email": email,
        "phone_number": "+1 408 555 0100",
        "address": "55 Almaden Blvd",
        "apt": "",
        "city": "San Jose",
        "state": "CA",
        "zip": "95113",
        "country": "US",
        "employee_count": "11-50",
    }


def empty_contact() -> dict[str, str]:
    """GET /billing of an account that never subscribed: Zoom holds no contact for it yet."""
    contact = dict.fromkeys(contact_fields(), "")
    contact["employee_count"] = "Just Me"
    return contact


def seeded_contact(value: object, where: Callable[[str], str]) -> dict[str, str] | None:
    """A seed's `billing:` (GET /billing shape, strings only), or None when absent."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise SeedError(where(""), "'billing' must be a mapping of Zoom's contact fields")
    fields = contact_fields()
    for key, item in value.items():
        if key not in fields:
            raise SeedError(where(str(key)), f"unknown billing field '{key}'")
        if not isinstance(item, str):
            raise SeedError(where(str(key)), f"'{key}' must be a string")
    return {str(key): str(item) for key, item in value.items()}


def seeded_renewal(value: object, where: Callable[[str], str]) -> dict[str, Any] | None:
    """A seed's `renewal:` (one row of the renewals answer, less the account's own fields)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise SeedError(where(""), "'renewal' must be a mapping")
    allowed = {
        "next_renewal_date",
        "auto_renew",
        "total_renewal_amount",
        "renewable_subscriptions",
        "account_number",
    }
    for key in value:
        if key not in allowed:
            raise SeedError(where(str(key)), f"unknown renewal key '{key}'")
    renewal = {str(k): v for k, v in value.items()}
    renewal["next_renewal_date"] = _iso_date(value.get("next_renewal_date"), where, "renewal")
    renewal.setdefault("auto_renew", True)
    if not isinstance(renewal["auto_renew"], bool):
        raise SeedError(where("auto_renew"), "'auto_renew' must be true or false")
    subscriptions = renewal.setdefault("renewable_subscriptions", [])
    if not isinstance(subscriptions, list):
        raise SeedError(where("renewable_subscriptions"), "must be a list")
    renewal["renewable_subscriptions"] = [_subscription(item, where) for item in subscriptions]
    amount = renewal.get("total_renewal_amount")
    if amount is None:
        total = sum(float(s["next_invoice_amount"]) for s in renewal["renewable_subscriptions"])
        renewal["total_renewal_amount"] = round(total)
    elif not is_integer(amount):  # Zoom's document: an integer amount
        raise SeedError(where("total_renewal_amount"), "must be an integer")
    return renewal


def _subscription(item: object, where: Callable[[str], str]) -> dict[str, Any]:
    place = where("renewable_subscriptions")
    if not isinstance(item, Mapping):
        raise SeedError(place, "a renewable subscription must be a mapping")
    entry = {str(k): v for k, v in item.items()}
    if not isinstance(entry.get("plan_name"), str):
        raise SeedError(place, "each subscription needs a string 'plan_name'")
    if not is_integer(entry.get("quantity")):
        raise SeedError(place, "each subscription needs an integer 'quantity'")
    if entry.get("billing_cycle") not in BILLING_CYCLES:
        raise SeedError(place, f"'billing_cycle' must be one of {', '.join(BILLING_CYCLES)}")
    amount = entry.get("next_invoice_amount")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
        raise SeedError(place, "each subscription needs a finite number 'next_invoice_amount'")
    for key in ("service_effective_date", "next_invoice_date"):
        entry[key] = _iso_date(entry.get(key), where, "renewable_subscriptions")
    return entry


def _iso_date(value: object, where: Callable[[str], str], key: str) -> str:
    text = value.isoformat() if isinstance(value, date) else value
    try:
        return date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise SeedError(where(key), f"dates must be YYYY-MM-DD, not {value!r}") from None


def update_refusal(body: dict[str, Any]) -> ZoomApiError | None:
    """Why PATCH /billing refuses a body (schema, special characters, country, state)."""
    schema = thawed(operation("PATCH", CONTACT_PATH).request_schema)
    problems = check(schema, body)
    if problems:
        return validation_failed(*problems)
    for name, value in body.items():
        if isinstance(value, str) and _SPECIAL.search(value):
            return ZoomApiError(
                400,
                300,
                f'Your request was not accepted because "{name}" contains special character(s).',
            )
    return None


def place_refusal(contact: Mapping[str, str]) -> ZoomApiError | None:
    """The contact after a PATCH must name a country Zoom knows, and a state of it where Zoom
    lists states; refusals are Zoom's 2100 sentences."""
    country = contact.get("country", "")
    if country not in COUNTRIES:
        return ZoomApiError(400, 2100, f"Invalid country parameter: {country}.")
    states = STATES.get(country)
    state = contact.get("state", "")
    if states is not None and state not in states:
        return ZoomApiError(400, 2100, f"Invalid state parameter: {state}.")
    return None


def self_pay_contact() -> ZoomApiError:
    """GET and PATCH /billing of a self-pay sub-account (Zoom's own sentence for each)."""
    return ZoomApiError(400, 2100, "This subaccount is on self pay mode.")


def renewal_row(
    account_id: str, name: str, email: str, renewal: Mapping[str, Any]
) -> dict[str, Any]:
    """One entry of the renewals answer, in Zoom's shape."""
    number = str(renewal.get("account_number") or sum(ord(c) for c in account_id) * 7919)
    return {
        "account_id": account_id,
        "account_number": number,
        "account_name": name,
        "email": email,
        "total_renewal_amount": renewal["total_renewal_amount"],
        "next_renewal_date": renewal["next_renewal_date"],
        "auto_renew": renewal["auto_renew"],
        "renewable_subscriptions": thawed(renewal["renewable_subscriptions"]),
    }


class RenewalPages:
    """GET /accounts/billing/renewals: the query checked, the rows cut into pages, and the
    tokens that lead to the next page (each lives 15 minutes, then 400 / 300)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._tokens: dict[str, tuple[int, int, float]] = {}  # token -> (interval, offset, until)

    def answer(self, query: str, rows: Callable[[int], list[dict[str, Any]]]) -> dict[str, Any]:
        """`rows(interval)` lists the renewing accounts, in a stable order."""
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        interval_text = params.get("interval", "") or str(RENEWAL_INTERVALS[0])
        size_text = params.get("page_size", "") or str(PAGE_SIZE_DEFAULT)
        if (
            not interval_text.isdigit()
            or int(interval_text) not in RENEWAL_INTERVALS
            or not size_text.isdigit()
            or not 1 <= int(size_text) <= PAGE_SIZE_MAX
        ):
            raise ZoomApiError(400, 2100, "Invalid parameter: interval/page_size.")
        interval, page_size = int(interval_text), int(size_text)
        now = self._clock()
        offset = 0
        token = params.get("next_page_token", "")
        if token:
            found = self._tokens.get(token)
            if found is None or found[2] < now or found[0] != interval:
                raise ZoomApiError(400, 300, "The next page token is invalid or expired.")
            offset = found[1]
        listed = rows(interval)
        page = listed[offset : offset + page_size]
        answer: dict[str, Any] = {
            "interval": interval,
            "page_size": page_size,
            "total_records": len(listed),
            "results": page,
        }
        if offset + page_size < len(listed):
            self._tokens = {t: v for t, v in self._tokens.items() if v[2] >= now}
            next_token = secrets.token_urlsafe(24)
            self._tokens[next_token] = (interval, offset + page_size, now + PAGE_TOKEN_TTL_S)
            answer["next_page_token"] = next_token
        return answer

    def expire(self) -> None:
        """Forget every token, as if their 15 minutes had passed (for tests)."""
        self._tokens.clear()


def problems_of_contact(contact: Mapping[str, Any]) -> list[FieldProblem]:
    """What in a stored contact breaks GET /billing's answer schema (a guard for seeds)."""
    schema = thawed(operation("GET", CONTACT_PATH).response_schemas[200])
    return check({**schema, "required": []}, dict(contact))
