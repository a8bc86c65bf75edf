"""Small X12 interchanges for the tests, built field by field so the ISA is exactly 106 characters."""

from __future__ import annotations

# the test SFTP server's one user (conftest.py)
USER = "harbor"
PASSWORD = "correct-horse-battery"


def isa(sender: str, control: str, separator: str = "*", component: str = ">", terminator: str = "~") -> str:
    s = separator
    header = (
        f"ISA{s}00{s}{'':10}{s}00{s}{'':10}{s}ZZ{s}{sender:<15}{s}ZZ{s}{'CROSSDOCK':<15}{s}"
        f"261127{s}0130{s}U{s}00401{s}{control}{s}0{s}P{s}{component}{terminator}"
    )
    assert len(header) == 106, len(header)
    return header


def interchange_945(sender: str, control: str, order: str = "SO0042", separator: str = "*") -> str:
    s = separator
    body = [
        f"GS{s}SW{s}{sender}{s}CROSSDOCK{s}20261127{s}0130{s}{int(control)}{s}X{s}004010",
        f"ST{s}945{s}0001",
        f"W06{s}N{s}{order}{s}20261127{s}SH{order}",
        f"SE{s}3{s}0001",
        f"GE{s}1{s}{int(control)}",
        f"IEA{s}1{s}{control}",
    ]
    return isa(sender, control, separator) + "~".join(body) + "~\n"
