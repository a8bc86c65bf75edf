"""Transaction set structures (data only): segment order, usage, max use and loops, per release.

A body entry is either ``"<segment> <M|O> <max use>"`` or a loop ``[<loop id>, <M|O>, <max repeats>, [body]]``
whose first entry is the loop's trigger segment. ST and SE are added by the compiler. Loop maxima are capped
at 10,000 (x12-notes, Addenda): a bigger snapshot is split over several sets.
"""

from __future__ import annotations

from typing import Any

Body = list[Any]
N1_LOOP: Body = ["N1", "O", 10, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "PER O 2"]]
N1_LOOP_940: Body = ["N1", "O", 10, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "G61 O 1", "PER O 2"]]
N1_LOOP_214: Body = ["N1", "O", 10, ["N1 M 1", "N2 O 1", "N3 O 2", "N4 O 1", "G61 O 1", "G62 O 1"]]
AT7_LOOP: Body = ["AT7", "O", 10, ["AT7 M 1", "MS1 O 1", "MS2 O 1"]]

STRUCTURES_4010: dict[str, dict[str, Any]] = {
    "940": {
        "name": "Warehouse Shipping Order",
        "body": [
            "W05 M 1",
            N1_LOOP_940,
            "N9 O 10",
            "G61 O 5",
            "G62 O 10",
            "NTE O 10",
            "W09 O 1",
            "W66 O 1",
            ["LM", "O", 10, ["LM M 1", "LQ M 100"]],
            [
                "LX",
                "M",
                10000,
                [
                    "LX M 1",
                    [
                        "W01",
                        "M",
                        10000,
                        ["W01 M 1", "G69 O 5", "N9 O 200", "W20 O 1", "G62 O 5", "NTE O 10", "QTY O 10"],
                    ],
                ],
            ],
            "W76 O 1",
        ],
    },
    "945": {
        "name": "Warehouse Shipping Advice",
        "body": [
            "W06 M 1",
            N1_LOOP,
            "N9 O 10",
            "G62 O 10",
            "NTE O 10",
            "W27 M 1",
            "W10 O 1",
            "G72 O 5",  # allowances/charges (freight), after W10 in 4010 and 5010 (x12-notes §3.2)
            [
                "LX",
                "M",
                10000,
                [
                    "LX M 1",
                    "MAN O 10",
                    [
                        "W12",
                        "M",
                        10000,
                        ["W12 M 1", "G69 O 5", "N9 O 200", "W20 O 1", "QTY O 10", "MAN O 10"],
                    ],
                ],
            ],
            "W03 M 1",
        ],
    },
    "943": {
        "name": "Warehouse Stock Transfer Shipment Advice",
        "body": [
            "W06 M 1",
            N1_LOOP,
            "N9 O 10",
            "G62 O 10",
            "NTE O 10",
            "W27 M 1",
            "W10 O 1",
            ["W04", "M", 10000, ["W04 M 1", "G69 O 5", "N9 O 200", "W20 O 1", "QTY O 10"]],
            "W03 M 1",
        ],
    },
    "944": {
        "name": "Warehouse Stock Transfer Receipt Advice",
        "body": [
            "W17 M 1",
            N1_LOOP,
            "N9 O 10",
            "G62 O 10",
            ["W07", "M", 10000, ["W07 M 1", "G69 O 5", "N9 O 200", "W20 O 1", "QTY O 10", "W13 O 10"]],
            "W14 M 1",
        ],
    },
    "947": {
        "name": "Warehouse Inventory Adjustment Advice",
        "body": [
            "W15 M 1",
            ["N1", "M", 10, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "PER O 2"]],
            "N9 O 10",
            "G61 O 5",
            "G62 O 10",
            "NTE O 10",
            ["W19", "M", 10000, ["W19 M 1", "G69 O 5", "N9 O 200"]],
        ],
    },
    "846": {
        "name": "Inventory Inquiry/Advice",
        "body": [
            "BIA M 1",
            "CUR O 1",
            "REF O 12",
            "PER O 3",
            "MEA O 10",
            "DTM O 10",
            ["N1", "O", 200, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3"]],
            [
                "LIN",
                "O",
                10000,
                [
                    "LIN M 1",
                    "PID O 200",
                    "MEA O 40",
                    "DTM O 10",
                    "REF O 12",
                    ["QTY", "O", 99, ["QTY M 1", "SCH O 25", "DTM O 10"]],
                ],
            ],
            "CTT O 1",
        ],
    },
    "856": {
        "name": "Ship Notice/Manifest",
        "body": [
            "BSN M 1",
            "DTM O 10",
            [
                "HL",
                "M",
                10000,
                [
                    "HL M 1",
                    "LIN O 1",
                    "SN1 O 1",
                    "PRF O 1",
                    "PO4 O 1",
                    "PID O 200",
                    "MEA O 40",
                    "TD1 O 20",
                    "TD5 O 12",
                    "TD3 O 12",
                    "TD4 O 5",
                    "REF O 200",
                    "PER O 3",
                    "MAN O 10",
                    "DTM O 10",
                    "FOB O 1",
                    ["N1", "O", 200, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3"]],
                ],
            ],
            "CTT O 1",
        ],
    },
    "214": {
        "name": "Transportation Carrier Shipment Status Message",
        "body": [
            "B10 M 1",
            "L11 O 300",
            "MAN O 10",
            "K1 O 10",
            N1_LOOP_214,
            "MS3 O 1",
            [
                "LX",
                "O",
                10000,
                [
                    "LX M 1",
                    AT7_LOOP,
                    "L11 O 10",
                    "MAN O 10000",
                    "Q7 O 10",
                    "K1 O 10",
                    "AT5 O 10",
                    "AT8 O 10",
                ],
            ],
        ],
    },
    "180": {
        "name": "Return Merchandise Authorization and Notification",
        "body": [
            "BGN M 1",
            "RDR O 1",
            "PRF O 1",
            "DTM O 10",
            "REF O 12",
            "PER O 3",
            "TD5 O 10",
            ["N1", "O", 200, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3"]],
            [
                "BLI",
                "M",
                10000,
                [
                    "BLI M 1",
                    "N9 O 12",
                    "PID O 10",
                    "RDR O 1",
                    "DTM O 10",
                    ["QTY", "O", 99, ["QTY M 1", "AMT O 10"]],
                ],
            ],
        ],
    },
    "997": {
        "name": "Functional Acknowledgment",
        "body": [
            "AK1 M 1",
            ["AK2", "O", 10000, ["AK2 M 1", ["AK3", "O", 10000, ["AK3 M 1", "AK4 O 99"]], "AK5 M 1"]],
            "AK9 M 1",
        ],
    },
}

# 5010 deltas (x12-notes Addenda): 944 item loops sit inside a required LX loop; the 214 moves L11, AT8 and
# N1 into the LX loop; the 947 W19 loop gains dates; the 999 exists only from 5010 on.
STRUCTURES_5010_DELTA: dict[str, dict[str, Any]] = {
    "944": {
        "name": "Warehouse Stock Transfer Receipt Advice",
        "body": [
            "W17 M 1",
            N1_LOOP,
            "N9 O 10",
            "G62 O 10",
            [
                "LX",
                "M",
                10000,
                [
                    "LX M 1",
                    [
                        "W07",
                        "M",
                        10000,
                        ["W07 M 1", "G69 O 5", "N9 O 200", "W20 O 1", "QTY O 10", "W13 O 10"],
                    ],
                ],
            ],
            "W14 M 1",
        ],
    },
    "214": {
        "name": "Transportation Carrier Shipment Status Message",
        "body": [
            "B10 M 1",
            "MAN O 10",
            "K1 O 10",
            "MS3 O 1",
            [
                "LX",
                "O",
                10000,
                [
                    "LX M 1",
                    AT7_LOOP,
                    "L11 O 300",
                    "MAN O 10000",
                    "Q7 O 10",
                    "K1 O 10",
                    "AT5 O 10",
                    "AT8 O 10",
                    N1_LOOP_214,
                ],
            ],
        ],
    },
    "947": {
        "name": "Warehouse Inventory Adjustment Advice",
        "body": [
            "W15 M 1",
            ["N1", "M", 10, ["N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "PER O 2"]],
            "N9 O 10",
            "G61 O 5",
            "G62 O 10",
            "NTE O 10",
            ["W19", "M", 10000, ["W19 M 1", "G69 O 5", "N9 O 200", "G62 O 10"]],
        ],
    },
    "999": {
        "name": "Implementation Acknowledgment",
        "body": [
            "AK1 M 1",
            [
                "AK2",
                "O",
                10000,
                [
                    "AK2 M 1",
                    ["IK3", "O", 10000, ["IK3 M 1", "CTX O 10", ["IK4", "O", 99, ["IK4 M 1", "CTX O 10"]]]],
                    "IK5 M 1",
                ],
            ],
            "AK9 M 1",
        ],
    },
}


def structures_for(release: str) -> dict[str, dict[str, Any]]:
    if release == "005010":
        return {**STRUCTURES_4010, **STRUCTURES_5010_DELTA}
    return dict(STRUCTURES_4010)
