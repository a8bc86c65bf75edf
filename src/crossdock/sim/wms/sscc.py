"""GS1 check digits and SSCC-18 serial shipping container codes."""

from __future__ import annotations

# GS1's documented example company prefix: never a real company's, so labels cannot collide with real ones
COMPANY_PREFIX = "0614141"


def gs1_check_digit(body: str) -> str:
    """Mod-10 check digit of GS1 keys (GTIN-8/12/13/14, SSCC): weights 3,1,3,... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def is_valid_gs1(code: str) -> bool:
    return code.isdigit() and len(code) >= 2 and gs1_check_digit(code[:-1]) == code[-1]


def make_sscc(serial: int, extension: int = 0, prefix: str = COMPANY_PREFIX) -> str:
    """Extension digit + company prefix + serial reference (17 digits together) + check digit."""
    width = 16 - len(prefix)
    if serial < 0 or serial >= 10**width:
        raise ValueError(f"SSCC serial reference {serial} does not fit {width} digits")
    body = f"{extension}{prefix}{serial:0{width}d}"
    return body + gs1_check_digit(body)
