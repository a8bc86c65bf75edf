"""Segment dictionary (data only), 4010 base plus 5010 deltas.

Element notation: ``"<usage> <type> <min>/<max> [#<data element>] [@<code list> | =<code>,<code>]"``;
usage is M (mandatory), O (optional) or X (relational, see the segment's ``rules``); types are AN, ID,
N0..N9 (implied decimals), R, DT, TM. A composite is ``"<usage> C <composite name>"``.
Rules use the X12 syntax-note notation: P paired (all or none), R at least one, C if first then all others,
E at most one, L if first then at least one other; e.g. ``"P0304"``. ``patterns`` constrain an element's
format when a qualifier element holds a given code (implementation-guide style).
Positions and sizes follow the public X12 4010 dictionaries as summarised in x12-notes §3; partner guides
narrow them through profiles.
"""

from __future__ import annotations

from typing import Any

SegmentData = dict[str, Any]

_REF30 = "AN 1/30"

SEGMENTS_4010: dict[str, SegmentData] = {
    "ST": {"name": "Transaction Set Header", "elements": ["M ID 3/3 #143", "M AN 4/9 #329"]},
    "SE": {"name": "Transaction Set Trailer", "elements": ["M N0 1/10 #96", "M AN 4/9 #329"]},
    # --- shared name/address/reference segments
    "N1": {
        "name": "Name",
        "elements": [
            "M ID 2/3 #98",
            "X AN 1/60 #93",
            "X ID 1/2 #66",
            "X AN 2/80 #67",
            "O ID 2/2 #706",
            "O ID 2/3 #98",
        ],
        "rules": ["R0203", "P0304"],
    },
    "N2": {"name": "Additional Name Information", "elements": ["M AN 1/60 #93", "O AN 1/60 #93"]},
    "N3": {"name": "Address Information", "elements": ["M AN 1/55 #166", "O AN 1/55 #166"]},
    "N4": {
        "name": "Geographic Location",
        "elements": [
            "O AN 2/30 #19",
            "O ID 2/2 #156",
            "O ID 3/15 #116",
            "O ID 2/3 #26",
            "X ID 1/2 #309",
            "O AN 1/30 #310",
        ],
        "rules": ["C0605"],
    },
    "PER": {
        "name": "Administrative Communications Contact",
        "elements": [
            "M ID 2/2 #366",
            "O AN 1/60 #93",
            "X ID 2/2 #365",
            "X AN 1/80 #364",
            "X ID 2/2 #365",
            "X AN 1/80 #364",
            "X ID 2/2 #365",
            "X AN 1/80 #364",
        ],
        "rules": ["P0304", "P0506", "P0708"],
    },
    "N9": {
        "name": "Reference Identification",
        "elements": [
            "M ID 2/3 #128",
            f"X {_REF30} #127",
            "X AN 1/45 #369",
            "O DT 8/8 #373",
            "X TM 4/8 #337",
            "O ID 2/2 #623",
            "O C C040",
        ],
        "rules": ["R0203", "C0504"],
    },
    "REF": {
        "name": "Reference Identification",
        "elements": ["M ID 2/3 #128", f"X {_REF30} #127", "X AN 1/80 #352", "O C C040"],
        "rules": ["R0203"],
    },
    "G62": {
        "name": "Date/Time",
        "elements": ["X ID 2/2 #432", "X DT 8/8 #373", "X ID 1/1 #176", "X TM 4/8 #337", "O ID 2/2 #623"],
        "rules": ["R0103", "P0102", "P0304"],
    },
    "DTM": {
        "name": "Date/Time Reference",
        "elements": [
            "M ID 3/3 #374",
            "X DT 8/8 #373",
            "X TM 4/8 #337",
            "O ID 2/2 #623",
            "X ID 2/3 #1250",
            "X AN 1/35 #1251",
        ],
        "rules": ["R020305", "C0403", "P0506"],
    },
    "NTE": {"name": "Note/Special Instruction", "elements": ["O ID 3/3 #363", "M AN 1/80 #352"]},
    "G61": {
        "name": "Contact",
        "elements": ["M ID 2/2 #366", "M AN 1/60 #93", "X ID 2/2 #365", "X AN 1/80 #364", "O AN 1/20 #443"],
        "rules": ["P0304"],
    },
    "G69": {"name": "Line Item Detail - Description", "elements": ["M AN 1/45 #348"]},
    "LX": {"name": "Assigned Number", "elements": ["M N0 1/6 #554"]},
    "W20": {
        "name": "Line Item Detail - Miscellaneous",
        "elements": [
            "O N0 1/6 #356",
            "O R 1/8 #357",
            "X ID 2/2 @UOM #355",
            "X R 1/10 #81",
            "X ID 1/2 @WEIGHT_QUAL #187",
            "X ID 1/1 @WEIGHT_UNIT #188",
        ],
        "rules": ["P0203", "P0405"],
    },
    "QTY": {
        "name": "Quantity",
        "elements": ["M ID 2/2 #673", "X R 1/15 #380", "O C C001", "X AN 1/30 #61"],
        "rules": ["R0204", "E0204"],
    },
    "MEA": {
        "name": "Measurements",
        "elements": [
            "O ID 2/2 #737",
            "O ID 1/3 #738",
            "X R 1/20 #739",
            "X C C001",
            "X R 1/20 #740",
            "X R 1/20 #741",
        ],
        "rules": ["R03050608", "L050304"],
    },
    "PID": {
        "name": "Product/Item Description",
        "elements": [
            "M ID 1/1 @PID01 #349",
            "O ID 2/3 #750",
            "X ID 2/3 #559",
            "O AN 1/12 #751",
            "X AN 1/80 #352",
            "O ID 2/3 #752",
            "O ID 1/1 #1073",
            "O ID 1/1 #1073",
            "O ID 2/3 #819",
        ],
        "rules": ["C0403", "R0405"],
    },
    "MAN": {
        "name": "Marks and Numbers",
        "elements": ["M ID 1/2 #88", "M AN 1/48 #87", "O AN 1/48 #87"],
        # x12-notes Addenda: an SSCC-18 mark carries its "00" application identifier, 20 digits in all
        "patterns": [
            {"if": [1, "GM"], "element": 2, "regex": "00[0-9]{18}", "meaning": "SSCC-18 with AI 00"}
        ],
    },
    "CTT": {
        "name": "Transaction Totals",
        "elements": [
            "M N0 1/6 #354",
            "O R 1/10 #347",
            "X R 1/10 #81",
            "X ID 2/2 @UOM #355",
            "X R 1/8 #183",
            "X ID 2/2 @UOM #355",
            "O AN 1/80 #352",
        ],
        "rules": ["P0304", "P0506"],
    },
    "FOB": {
        "name": "F.O.B. Related Instructions",
        "elements": ["M ID 2/2 #146", "X ID 2/2 #309", "X AN 1/80 #352"],
        "rules": ["C0302"],
    },
    # --- warehouse (W*) segments
    "W05": {
        "name": "Shipping Order Identification",
        "elements": [
            "M ID 1/1 @W0501 #473",
            "M AN 1/22 #1119",
            "O AN 1/22 #324",
            "O AN 1/30 #1",
            "O AN 1/30 #2",
            "O ID 2/2 #640",
        ],
    },
    "W06": {
        "name": "Warehouse Shipment Identification",
        "elements": [
            "M ID 1/1 #1116",
            "O AN 1/22 #1119",
            "O DT 8/8 #373",
            f"O {_REF30} #145",
            f"O {_REF30} #145",
            "O AN 1/22 #324",
            "O AN 1/30 #2",
            "O AN 1/30 #1",
            "O ID 2/2 #640",
        ],
    },
    "W17": {
        "name": "Warehouse Receipt Identification",
        "elements": [
            "M ID 1/1 #1116",
            "M DT 8/8 #373",
            "M AN 1/30 #1113",
            "O AN 1/22 #1119",
            f"O {_REF30} #145",
            "O AN 1/30 #2",
            "O AN 1/30 #1",
        ],
    },
    "W15": {
        "name": "Warehouse Adjustment Identification",
        "elements": ["M DT 8/8 #373", "X AN 1/30 #1123", "X AN 1/30 #1124"],
        "rules": ["P0203"],
    },
    "W09": {
        "name": "Equipment and Temperature",
        "elements": [
            "M ID 2/2 #40",
            "O R 1/4 #408",
            "X ID 2/2 @UOM #355",
            "O R 1/4 #408",
            "X ID 2/2 @UOM #355",
            "O AN 1/80 #3",
            "O ID 2/2 #1122",
        ],
        "rules": ["P0203", "P0405"],
    },
    "W66": {
        "name": "Warehouse Carrier Information",
        "elements": [
            "M ID 2/2 #146",
            "M ID 1/2 @TRANSPORT #91",
            "O ID 1/2 #375",
            "O AN 1/30 #335",
            "O AN 1/35 #387",
            "O AN 1/30",
            "O AN 1/30",
            "O AN 1/30",
            "O AN 1/30",
            "O ID 2/4 #140",
        ],
    },
    "W01": {
        "name": "Line Item Detail - Warehouse",
        "elements": [
            "M R 1/15 #330",
            "M ID 2/2 @UOM #355",
            "X AN 12/12 #438",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "O ID 2/5 #59",
            "O ID 1/3 #1073",
            "O ID 1/1 #23",
            "O AN 1/30 #22",
            "O AN 1/30",
            "O AN 1/30",
            "O AN 1/30",
            "O AN 1/30",
        ],
        "rules": ["P0405", "P0607", "R030507"],
    },
    "W76": {
        "name": "Total Shipping Order",
        "elements": [
            "M R 1/15 #347",
            "O R 1/10 #81",
            "X ID 2/2 @UOM #355",
            "O R 1/8 #183",
            "X ID 2/2 @UOM #355",
        ],
        "rules": ["C0203", "C0405"],
    },
    "W27": {
        "name": "Carrier Detail",
        "elements": [
            "M ID 1/2 @TRANSPORT #91",
            "M ID 2/4 #140",
            "O AN 1/35 #387",
            "O ID 2/2 #146",
            "O AN 1/30",
            "O AN 1/4 #206",
            "O AN 1/10 #207",
        ],
    },
    "G72": {
        "name": "Allowance or Charge",
        "elements": [
            "M ID 1/3 #340",
            "M ID 2/2 #331",
            "X AN 1/16",
            "O AN 1/16",
            "X R 1/15",
            "X R 1/10",
            "X ID 2/2 @UOM #355",
            "X N2 1/15",
            "X R 1/6",
        ],
        "rules": ["R03050809", "E050809", "P0607"],
    },
    "W10": {"name": "Warehouse Load Information", "elements": ["M AN 1/3", "O R 1/7", "O AN 1/30"]},
    "W12": {
        "name": "Warehouse Item Detail",
        "elements": [
            "M ID 2/2 @W1201 #368",
            "O R 1/15 #330",
            "X R 1/15 #382",
            "O R 1/15 #1121",
            "X ID 2/2 @UOM #355",
            "O AN 12/12 #438",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "O AN 1/12 #461",
            "O R 1/10 #81",
            "X ID 1/2 @WEIGHT_QUAL #187",
            "X ID 1/1 @WEIGHT_UNIT #188",
            "O R 1/10",
            "O ID 2/2",
            "O AN 1/30",
        ],
        "rules": ["P0305", "P0708", "P1011"],
    },
    "W03": {
        "name": "Total Shipment Information",
        "elements": [
            "M R 1/10 #382",
            "O R 1/10 #81",
            "X ID 2/2 @UOM #355",
            "O R 1/8 #183",
            "X ID 2/2 @UOM #355",
            "O R 1/7 #80",
            "X AN 3/5 #211",
        ],
        "rules": ["P0203", "P0405", "C0706"],
    },
    "W04": {
        "name": "Item Detail Total",
        "elements": [
            "M R 1/10 #382",
            "M ID 2/2 @UOM #355",
            "X AN 12/12 #438",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "O AN 1/12 #461",
        ],
        "rules": ["P0405", "P0607", "R030507"],
    },
    "W07": {
        "name": "Item Detail For Stock Receipt",
        "elements": [
            "M R 1/10 #382",
            "M ID 2/2 @UOM #355",
            "X AN 12/12 #438",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "O AN 1/12 #461",
            "O ID 2/2",
            "O AN 1/30",
        ],
        "rules": ["P0405", "P0607", "R030507"],
    },
    "W13": {
        "name": "Discrepancy Detail",
        "elements": [
            "M R 1/10 #380",
            "M ID 2/2 @UOM #355",
            "M ID 2/2 @W1303 #412",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
        ],
        "rules": ["P0405"],
    },
    "W14": {
        "name": "Total Receipt Information",
        "elements": ["M R 1/10 #382", "O R 1/10", "O R 1/10", "O R 1/10", "O R 1/10"],
    },
    "W19": {
        "name": "Quantity and Weight Adjustment",
        "elements": [
            "M ID 2/2 #1127",
            "M R 1/15 #380",
            "M ID 2/2 @UOM #355",
            "X AN 12/12 #438",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "X ID 2/2 #235",
            "X AN 1/48 #234",
            "O AN 1/12 #461",
            "X R 1/10 #81",
            "X ID 1/2 @WEIGHT_QUAL #187",
            "X ID 1/1 @WEIGHT_UNIT #188",
            "O ID 2/2 #1357",
        ],
        "rules": ["P0506", "P0708", "P1011", "C1210"],
    },
    "LM": {"name": "Code Source Information", "elements": ["M ID 2/2 #559", "O ID 1/3 #822"]},
    "LQ": {"name": "Industry Code", "elements": ["O ID 1/3 #1270", "X AN 1/30 #1271"], "rules": ["C0102"]},
    # --- 846
    "BIA": {
        "name": "Beginning Segment for Inventory Inquiry/Advice",
        "elements": [
            "M ID 2/2 @PURPOSE #353",
            "M ID 2/2 #755",
            f"M {_REF30} #127",
            "M DT 8/8 #373",
            "O TM 4/8 #337",
            "O ID 2/2 #306",
        ],
    },
    "CUR": {"name": "Currency", "elements": ["M ID 2/3 #98", "M ID 3/3 #100"]},
    "LIN": {
        "name": "Item Identification",
        "elements": ["O AN 1/20 #350", "M ID 2/2 #235", "M AN 1/48 #234"]
        + ["X ID 2/2 #235", "X AN 1/48 #234"] * 6,
        "rules": ["P0405", "P0607", "P0809", "P1011", "P1213", "P1415"],
    },
    "SCH": {
        "name": "Line Item Schedule",
        "elements": [
            "M R 1/15 #380",
            "M ID 2/2 @UOM #355",
            "X ID 2/3 #98",
            "X AN 1/60 #93",
            "M ID 3/3 #374",
            "M DT 8/8 #373",
            "O TM 4/8 #337",
        ],
        "rules": ["C0304"],
    },
    # --- 856
    "BSN": {
        "name": "Beginning Segment for Ship Notice",
        "elements": [
            "M ID 2/2 @PURPOSE #353",
            "M AN 2/30 #396",
            "M DT 8/8 #373",
            "M TM 4/8 #337",
            "O ID 4/4 #1005",
            "X ID 2/2 #640",
            "O ID 1/2 #641",
        ],
        "rules": ["C0706"],
    },
    "HL": {
        "name": "Hierarchical Level",
        "elements": ["M AN 1/12 #628", "O AN 1/12 #734", "M ID 1/2 @HL03 #735", "O ID 1/1 @YN01 #736"],
    },
    "SN1": {
        "name": "Item Detail (Shipment)",
        "elements": [
            "O AN 1/20 #350",
            "M R 1/10 #382",
            "M ID 2/2 @UOM #355",
            "O R 1/15 #646",
            "X R 1/15 #330",
            "X ID 2/2 @UOM #355",
            "O ID 2/2 #728",
            "O ID 2/2 #668",
        ],
        "rules": ["P0506"],
    },
    "PRF": {
        "name": "Purchase Order Reference",
        "elements": [
            "M AN 1/22 #324",
            "O AN 1/30 #328",
            "O AN 1/8 #327",
            "O DT 8/8 #373",
            "O AN 1/30 #367",
            "O AN 1/22 #127",
        ],
    },
    "PO4": {
        "name": "Item Physical Details",
        "elements": [
            "O N0 1/6 #356",
            "O R 1/8 #357",
            "X ID 2/2 @UOM #355",
            "O ID 3/5 #103",
            "X ID 1/2 @WEIGHT_QUAL #187",
            "X R 1/9 #384",
            "X ID 2/2 @UOM #355",
            "X R 1/9 #385",
            "X ID 2/2 @UOM #355",
        ],
        "rules": ["C0203", "C0607", "P0809"],
    },
    "TD1": {
        "name": "Carrier Details (Quantity and Weight)",
        "elements": [
            "O AN 3/5 #103",
            "X N0 1/7 #80",
            "O ID 1/1 #23",
            "X AN 1/30 #22",
            "O AN 1/50 #79",
            "O ID 1/2 @WEIGHT_QUAL #187",
            "X R 1/10 #81",
            "X ID 2/2 @UOM #355",
            "X R 1/8 #183",
            "X ID 2/2 @UOM #355",
        ],
        "rules": ["C0102", "C0304", "C0607", "P0708", "P0910"],
    },
    "TD5": {
        "name": "Carrier Details (Routing Sequence/Transit Time)",
        "elements": [
            "O ID 1/2 #133",
            "X ID 1/2 #66",
            "X AN 2/80 #67",
            "X ID 1/2 @TRANSPORT #91",
            "X AN 1/35 #387",
            "X ID 2/2 #368",
            "O ID 1/2 #309",
            "X AN 1/30 #310",
        ],
        "rules": ["P0203", "C0708"],
    },
    "TD3": {
        "name": "Carrier Details (Equipment)",
        "elements": ["X ID 2/2 #40", "O AN 1/4 #206", "X AN 1/10 #207"],
        "rules": ["E0110", "C0203"],
    },
    "TD4": {
        "name": "Carrier Details (Special Handling or Hazardous Materials)",
        "elements": ["X ID 2/3 #152", "X ID 1/3 #208", "X AN 2/4 #209", "O AN 1/80 #352"],
        "rules": ["R010204", "C0203"],
    },
    # --- 214
    "B10": {
        "name": "Beginning Segment for Transportation Carrier Shipment Status Message",
        "elements": [f"X {_REF30} #127", f"X {_REF30} #145", "M ID 2/4 #140", "O N0 1/3 #71"],
        "rules": ["R0102"],
    },
    "L11": {
        "name": "Business Instructions and Reference Number",
        "elements": [f"X {_REF30} #127", "X ID 2/3 #128", "O AN 1/80 #352"],
        "rules": ["R0103", "P0102"],
    },
    "K1": {"name": "Remarks", "elements": ["M AN 1/30 #61", "O AN 1/30 #61"]},
    "MS3": {
        "name": "Interline Information",
        "elements": [
            "M ID 2/4 #140",
            "M ID 1/2 #133",
            "O AN 2/30 #19",
            "X ID 1/2 @TRANSPORT #91",
            "O ID 2/2 #156",
        ],
    },
    "AT7": {
        "name": "Shipment Status Details",
        "elements": [
            "X ID 2/2 #1650",
            "X ID 2/2 #1651",
            "X ID 1/2 #1652",
            "X ID 2/2 #1653",
            "O DT 8/8 #373",
            "X TM 4/8 #337",
            "O ID 2/2 @TIMECODE #623",
        ],
        "rules": ["R0103", "P0102", "P0304", "C0706"],
    },
    "MS1": {
        "name": "Equipment, Shipment, or Real Property Location",
        "elements": ["X AN 2/30 #19", "X ID 2/2 #156", "X ID 2/3 #26"],
        "rules": ["C0201", "C0301"],
    },
    "MS2": {
        "name": "Equipment or Container Owner and Type",
        "elements": ["X ID 2/4 #140", "M AN 1/10 #207", "O ID 2/2 #40"],
    },
    "Q7": {
        "name": "Lading Exception Status",
        "elements": ["M ID 1/1 #1095", "X ID 3/5 #211", "X N0 1/7 #80"],
        "rules": ["P0203"],
    },
    "AT5": {
        "name": "Bill of Lading Handling Requirements",
        "elements": ["X ID 2/3 #152", "X ID 2/3 #560", "X AN 2/80 #153"],
        "rules": ["R0103"],
    },
    "AT8": {
        "name": "Shipment Weight, Packaging and Quantity Data",
        "elements": [
            "X ID 1/2 @WEIGHT_QUAL #187",
            "X ID 1/1 @WEIGHT_UNIT #188",
            "X R 1/10 #81",
            "O N0 1/7 #80",
            "O N0 1/7 #80",
            "X ID 1/1 #184",
            "X R 1/8 #183",
        ],
        "rules": ["P010203", "P0607"],
    },
    # --- 180
    "BGN": {
        "name": "Beginning Segment",
        "elements": [
            "M ID 2/2 @PURPOSE #353",
            f"M {_REF30} #127",
            "M DT 8/8 #373",
            "X TM 4/8 #337",
            "O ID 2/2 #623",
            f"O {_REF30} #127",
            "O ID 2/2 #640",
            "O ID 1/2 #306",
        ],
        "rules": ["C0504"],
    },
    "RDR": {
        "name": "Return Disposition and Reason",
        "elements": ["O ID 2/2", "O ID 2/2", "O ID 2/2", "O AN 1/80 #352"],
    },
    "BLI": {
        "name": "Basic Item Data",
        "elements": [
            "M ID 2/2 #235",
            "M AN 1/48 #234",
            "X R 1/15 #380",
            "X ID 2/2 @UOM #355",
            "O R 1/17 #212",
        ],
        "rules": ["P0304"],
    },
    "AMT": {"name": "Monetary Amount", "elements": ["M ID 1/3 #522", "M R 1/18 #782", "O ID 1/1 #478"]},
    # --- 997 / 999
    "AK1": {"name": "Functional Group Response Header", "elements": ["M ID 2/2 #479", "M N0 1/9 #28"]},
    "AK2": {"name": "Transaction Set Response Header", "elements": ["M ID 3/3 #143", "M AN 4/9 #329"]},
    "AK3": {
        "name": "Data Segment Note",
        "elements": ["M ID 2/3 #721", "M N0 1/6 #719", "O AN 1/6 #447", "O ID 1/3 @AK304 #720"],
    },
    "AK4": {
        "name": "Data Element Note",
        "elements": ["M C C030", "O N0 1/4 #725", "M ID 1/3 @AK403 #723", "O AN 1/99 #724"],
    },
    "AK5": {
        "name": "Transaction Set Response Trailer",
        "elements": ["M ID 1/1 @AK501 #717"] + ["O ID 1/3 @AK502 #718"] * 5,
    },
    "AK9": {
        "name": "Functional Group Response Trailer",
        "elements": ["M ID 1/1 @AK901 #715", "M N0 1/6 #97", "M N0 1/6 #123", "M N0 1/6 #2"]
        + ["O ID 1/3 @AK905 #716"] * 5,
    },
    "TA1": {
        "name": "Interchange Acknowledgment",
        "elements": [
            "M N0 9/9 #I12",
            "M DT 6/6 #I08",
            "M TM 4/4 #I09",
            "M ID 1/1 @TA104 #I17",
            "M ID 3/3 @TA105 #I18",
        ],
    },
}

COMPOSITES_4010: dict[str, SegmentData] = {
    "C040": {"name": "Reference Identifier", "components": ["M ID 2/3 #128", f"M {_REF30} #127"] * 3},
    "C001": {
        "name": "Composite Unit of Measure",
        "components": ["M ID 2/2 @UOM #355", "O R 1/15 #1018", "O R 1/10 #649"],
    },
    "C030": {"name": "Position in Segment", "components": ["M N0 1/2 #722", "O N0 1/2 #1528"]},
}

# --- 5010 deltas -----------------------------------------------------------------------------------------
_REF50 = "AN 1/50"
# 5010 widened reference identifiers (#127, and #145 beside it in B10) from 30 to 50 characters.
_WIDENED_IN_5010 = {
    "N9": "Extended Reference Information",
    "REF": "Reference Information",
    "L11": None,
    "B10": None,
    "BIA": None,
    "BGN": None,
}


def _widened(code: str, name: str | None) -> SegmentData:
    data = SEGMENTS_4010[code]
    elements = [element.replace(_REF30, _REF50) for element in data["elements"]]
    return {**data, "name": name or data["name"], "elements": elements}


SEGMENTS_5010_DELTA: dict[str, SegmentData] = {
    "ST": {
        "name": "Transaction Set Header",
        "elements": ["M ID 3/3 #143", "M AN 4/9 #329", "O AN 1/35 #1705"],
    },
    **{code: _widened(code, name) for code, name in _WIDENED_IN_5010.items()},
    "AK1": {
        "name": "Functional Group Response Header",
        "elements": ["M ID 2/2 #479", "M N0 1/9 #28", "O AN 1/12 #480"],
    },
    "AK2": {
        "name": "Transaction Set Response Header",
        "elements": ["M ID 3/3 #143", "M AN 4/9 #329", "O AN 1/35 #1705"],
    },
    "IK3": {
        "name": "Implementation Data Segment Note",
        "elements": ["M ID 2/3 #721", "M N0 1/10 #719", "O AN 1/4 #447", "M ID 1/3 @IK304 #620"],
    },
    "CTX": {
        "name": "Context",
        "elements": ["M C C998", "O ID 2/3 #721", "X N0 1/10 #719", "O AN 1/4 #447", "O C C030", "O C C999"],
        "rules": ["P0203"],
    },
    "IK4": {
        "name": "Implementation Data Element Note",
        "elements": ["M C C030", "O N0 1/4 #725", "M ID 1/3 @IK403 #621", "O AN 1/99 #724"],
    },
    "IK5": {
        "name": "Implementation Transaction Set Response Trailer",
        "elements": ["M ID 1/1 @AK501 #717"] + ["O ID 1/3 @AK502 #618"] * 5,
    },
}

COMPOSITES_5010_DELTA: dict[str, SegmentData] = {
    "C030": {
        "name": "Position in Segment",
        "components": ["M N0 1/2 #722", "O N0 1/2 #1528", "O N0 1/4 #1686"],
    },
    "C998": {"name": "Context Identification", "components": ["M AN 1/35 #9999", "O AN 1/35 #9998"]},
    "C999": {
        "name": "Reference in Segment",
        "components": ["M N0 1/2 #725", "O N0 1/2 #1528", "O N0 1/4 #1686"],
    },
}


def segments_for(release: str) -> dict[str, SegmentData]:
    if release == "005010":
        return {**SEGMENTS_4010, **SEGMENTS_5010_DELTA}
    return dict(SEGMENTS_4010)


def composites_for(release: str) -> dict[str, SegmentData]:
    if release == "005010":
        return {**COMPOSITES_4010, **COMPOSITES_5010_DELTA}
    return dict(COMPOSITES_4010)
