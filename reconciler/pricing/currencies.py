"""ISO 4217 currency codes and their minor units: how many decimals an amount in each may have.

A limit of "500" means nothing without a currency, and "0.001" of a dollar or "12.5" yen is
not an amount anyone is billed. So every currency code we accept (price list, limits) must be
one of ISO 4217's, and a limit may have no more decimals than its currency has (JPY 0, USD 2,
KWD 3). Costs are rounded to the same unit, as an invoice is.

The table is ISO 4217 list one (published 2026-01-01) as the maintenance agency publishes it,
less the codes with no minor unit (gold, SDR, test codes: nobody is billed in them). Written
here rather than installed: it changes about once a year (XCG in 2025, ZWG in 2024), and a
new code is one word added to one line below.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

_BY_DECIMALS = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: """AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
        CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
        GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK
        LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
        NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS
        SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST
        XAD XCD XCG YER ZAR ZMW ZWG""",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}

#: Currency code -> number of decimals of its minor unit (ISO 4217's "CcyMnrUnts").
MINOR_UNITS = MappingProxyType(
    {code: decimals for decimals, codes in _BY_DECIMALS.items() for code in codes.split()}
)


class UnknownCurrency(ValueError):
    """A currency code that is not one of ISO 4217's."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"{code!r} is not an ISO 4217 currency code (three capital letters, e.g. USD, EUR, JPY)"
        )


def is_currency(code: object) -> bool:
    """True for an ISO 4217 code with a minor unit (USD, JPY, KWD...)."""
    return isinstance(code, str) and code in MINOR_UNITS


def minor_units(code: str) -> int:
    """How many decimals an amount in `code` has; UnknownCurrency for a code ISO does not list."""
    try:
        return MINOR_UNITS[code]
    except KeyError:
        raise UnknownCurrency(code) from None


def minor_unit(code: str) -> Decimal:
    """The smallest amount of `code`: Decimal('0.01') for USD, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units(code))
