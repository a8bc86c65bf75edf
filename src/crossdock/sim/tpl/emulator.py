"""The 3PL emulator: SFTP in front, crossdock.sim.wms behind, X12 in between.

One loop step (``step()``, also run by the background task every ``poll_interval`` seconds):
claim each file the hub dropped in ``inbound/``, read it with the codec under the 3PL's profile, answer
a TA1 / 997 / 999 into ``outbound/``, turn accepted 940 / 943 / 180 sets into warehouse orders and
notices, record inbound 997s; then turn new warehouse events into 945 / 944 / 947 / 846 / 180 files.
The warehouse only moves when told to: ``advance(minutes)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncssh
from pydantic import ValidationError

from crossdock.connectors.edi import (
    LENIENT,
    STRICT,
    Document,
    GenerationError,
    OutboundSet,
    build_acknowledgment,
    generate_interchange,
    read,
    read_acknowledgments,
)
from crossdock.connectors.edi.acks import acknowledgment_sets, set_status, settings_for_reply
from crossdock.connectors.edi.maps import MapError, PartnerProfile, get_map, load_partner
from crossdock.connectors.edi.model import Interchange, TransactionSet
from crossdock.connectors.transfer.transport import atomic_write, is_temporary
from crossdock.model import ReturnAuthorization
from crossdock.sim.wms import WmsConfig, WmsServer
from crossdock.sim.wms.clock import iso, parse_iso

from ..http import check_loopback
from . import faults as fault_rules
from . import translate
from .control import ControlServer
from .sftp import TplSftpServer, Users, load_host_key, make_layout
from .state import PersistentControlNumbers, TplState

log = logging.getLogger(__name__)
PARTNER_ID = "tpl"  # key of the emulator's own control numbers
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class TplConfig:
    root: Path  # the SFTP exchange folder (inbound/, outbound/)
    profile: str | Path = "generic-3pl"  # the hub's partner profile for this 3PL; the envelope is swapped
    state_dir: Path | None = None  # state survives restarts when given (warehouse, control numbers, host key)
    seed: int = 42
    wms: WmsConfig | None = None  # default: WmsConfig(seed=seed)
    ack: str | None = None  # "997" or "999" (5010 only); default: the profile's "acknowledgment", else 997
    control_start: int = 1
    username: str = "hub"
    password: str | None = None
    authorized_keys: list[asyncssh.SSHKey] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    poll_interval: float = 0.2
    speed: float = 0.0  # simulated minutes per wall-clock second; 0: time moves only with advance()
    control_port: int | None = None  # HTTP control API (control.py); None: in-process API only
    control_token: str = "crossdock-tpl-key"


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    n = 1
    while target.exists():
        stem, dot, ext = name.rpartition(".")
        target = folder / (f"{stem}~{n}.{ext}" if dot else f"{name}~{n}")
        n += 1
    return target


class TplEmulator:
    """``async with TplEmulator(TplConfig(root, password="pw")) as tpl: tpl.port, tpl.host_key_line``."""

    def __init__(self, config: TplConfig) -> None:
        check_loopback(config.host, "3PL emulator")  # before anything binds or opens
        self.config = config
        self.root = Path(config.root)
        make_layout(self.root)
        if config.state_dir is not None:
            Path(config.state_dir).mkdir(parents=True, exist_ok=True)
        self.partner: PartnerProfile = load_partner(config.profile)
        self.envelope = self.partner.envelope().swapped()  # the 3PL sends as itself, to the hub
        self.ack_kind = str(config.ack or self.partner.raw.get("acknowledgment") or "997")
        if self.ack_kind not in ("997", "999"):
            raise ValueError(f"acknowledgment must be 997 or 999, not {self.ack_kind!r}")
        if self.ack_kind == "999" and self.partner.release != "005010":
            raise ValueError("a 999 needs a 5010 profile")
        self.store = TplState(Path(config.state_dir) if config.state_dir else None)
        self.numbers = PersistentControlNumbers(self.store, config.control_start)
        db = str(Path(config.state_dir) / "wms.sqlite") if config.state_dir else ":memory:"
        self.wms = WmsServer(db=db, config=config.wms or WmsConfig(seed=config.seed))
        self.warehouse_code = self.wms.warehouse.facility
        self.sftp = TplSftpServer(
            self.root,
            load_host_key(Path(config.state_dir) if config.state_dir else None),
            Users(config.username, config.password, list(config.authorized_keys)),
            config.host,
            config.port,
        )
        self.control = (
            ControlServer(self, config.host, config.control_port, config.control_token)
            if config.control_port is not None
            else None
        )
        self._task: asyncio.Task[None] | None = None

    # --- lifecycle ---------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self.sftp.port

    @property
    def host_key_line(self) -> str:
        return self.sftp.host_key_line

    @property
    def now(self) -> datetime:
        return self.wms.warehouse.clock.now

    async def start(self) -> TplEmulator:
        await self.sftp.start()
        if self.control is not None:
            await self.control.start()
        self._task = asyncio.create_task(self._loop(), name="tpl-emulator")
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.control is not None:
            await self.control.stop()
        await self.sftp.stop()
        self.wms.stop()
        self.store.save()

    async def __aenter__(self) -> TplEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            if self.config.speed > 0:
                now = loop.time()
                self.wms_call("POST", "/_sim/advance", {"minutes": f"{(now - last) * self.config.speed:.4f}"})
                last = now
            try:
                self.step()
            except Exception:  # the emulator keeps serving; the problem is in the log and in state()
                log.exception("3PL emulator step failed")
            await asyncio.sleep(self.config.poll_interval)

    def step(self) -> list[str]:
        """Process every inbound file, then write files for new warehouse events; the new outbound names."""
        before = len(self.store.data["outbound"])
        self.process_inbound()
        self.pump()
        return self.store.data["outbound"][before:]

    # --- control API -------------------------------------------------------------------------------
    def advance(self, minutes: float) -> list[str]:
        """Run the warehouse ``minutes`` of simulated time, then write what it did; the new outbound names."""
        self.wms_call("POST", "/_sim/advance", {"minutes": f"{minutes:.4f}"})
        return self.step()

    def faults(self, clear: bool = False, **changes: Any) -> dict[str, Any]:
        """Set faults (see faults.py: delay_minutes, malformed, duplicate, withhold_ack, reject_inbound)."""
        self.store.data["faults"] = fault_rules.configure(self.store.data["faults"], clear, **changes)
        self.store.save()
        return dict(self.store.data["faults"])

    def cycle_count(self, sku: str | None = None, location: str | None = None) -> list[str]:
        self.wms_call(
            "POST", "/_sim/cycle-count", {k: v for k, v in {"sku": sku, "location": location}.items() if v}
        )
        return self.step()

    def snapshot(self) -> list[str]:
        self.wms_call("POST", "/_sim/snapshot", {})
        return self.step()

    def wms_call(self, method: str, path: str, body: Any = None) -> Any:
        """A call on the warehouse's own contract or control API (in-process, no HTTP)."""
        status, answer = self.wms_request(method, path, body)
        if status >= 400:
            raise RuntimeError(f"WMS {method} {path}: {status} {answer}")
        return answer

    def state(self) -> dict[str, Any]:
        data = self.store.data
        wh = self.wms.warehouse
        with wh.lock:
            orders = {k: o["status"] for k, o in wh.state["orders"].items()}
            notices = {k: n["status"] for k, n in wh.state["notices"].items()}
        return {
            "now": iso(self.now),
            "control_numbers": dict(data["control"]),
            "inbound": list(data["inbound"]),
            "outbound": list(data["outbound"]),
            "sent": dict(data["sent"]),
            "held": [{"name": h["name"], "due": h["due"]} for h in data["held"]],
            "faults": dict(data["faults"]),
            "application_errors": list(data["application_errors"]),
            "orders": orders,
            "notices": notices,
        }

    # --- warehouse access --------------------------------------------------------------------------
    def wms_request(
        self, method: str, path: str, body: Any = None, raw: bytes | None = None
    ) -> tuple[int, Any]:
        """(status, JSON answer) of the warehouse; ``raw`` passes a client's body through untouched."""
        if raw is None:
            raw = json.dumps(body).encode() if body is not None else b""
        headers = {"Authorization": f"Bearer {self.wms.api_key}"}
        response = self.wms.app.handle(method, path, headers, raw)
        return response.status, json.loads(response.encoded() or b"null")

    # --- inbound -----------------------------------------------------------------------------------
    def process_inbound(self) -> list[dict[str, Any]]:
        inbound = self.root / "inbound"
        processing = inbound / "processing"
        results = [self._guarded(p) for p in sorted(processing.iterdir()) if p.is_file()]  # crash leftovers
        for path in sorted(inbound.iterdir()):
            if not path.is_file() or is_temporary(path.name):
                continue  # hidden and .part files are uploads in progress
            claimed = _unique(processing, path.name)
            try:
                os.rename(path, claimed)  # the claim: atomic, so a file is processed once
            except FileNotFoundError:
                continue
            results.append(self._guarded(claimed))
        return results

    def _guarded(self, path: Path) -> dict[str, Any]:
        """A file that breaks the emulator goes to rejected/ instead of being retried forever."""
        try:
            return self._handle(path)
        except Exception as exc:
            log.exception("3PL emulator could not process %s", path.name)
            entry = {"file": path.name, "outcome": "rejected", "errors": [f"{type(exc).__name__}: {exc}"]}
            if path.exists():
                os.replace(path, _unique(path.parent.parent / "rejected", path.name))
            self.store.data["inbound"].append(entry)
            self.store.save()
            return entry

    def _seen(self, sender: str, isa13: str) -> bool:
        return f"{sender.strip()}:{isa13.strip()}" in self.store.data["interchanges_seen"]

    def _handle(self, path: Path) -> dict[str, Any]:
        data = path.read_bytes()
        entry: dict[str, Any] = {
            "file": path.name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "received_at": iso(self.now),
            "interchanges": [],
            "acks": [],
            "created": [],
            "errors": [],
        }
        doc = read(data, LENIENT, self.partner.raw, is_duplicate=self._seen)
        accepted = False
        if not doc.interchanges:
            entry["errors"] = doc.codes() or ["NO_ISA"]  # nothing to answer to: no ISA to echo
        for ic in doc.interchanges:
            accepted |= self._interchange(ic, entry)
        entry["outcome"] = "processed" if accepted else "rejected"
        target = _unique(path.parent.parent / entry["outcome"], path.name)
        os.replace(path, target)
        self.store.data["inbound"].append(entry)
        self.store.save()
        return entry

    def _interchange(self, ic: Interchange, entry: dict[str, Any]) -> bool:
        faults = self.store.data["faults"]
        withhold = fault_rules.take(faults, "withhold_ack")
        reject = fault_rules.take(faults, "reject_inbound")
        problems = [e for e in ic.errors if e.severity == "error" and e.level == "interchange"]
        entry["interchanges"].append(
            {
                "sender": ic.sender[1].strip(),
                "isa13": ic.control.strip(),
                "errors": [e.code for e in problems],
            }
        )
        if problems:
            self._answer(ic, entry, withhold, ["TA1"])  # a bad envelope: TA1 R, none of its content is used
            return False
        self.store.data["interchanges_seen"].add(f"{ic.sender[1].strip()}:{ic.control.strip()}")
        kinds = (["TA1"] if ic.ack_requested else []) + ["reject" if reject else self.ack_kind]
        self._answer(ic, entry, withhold, kinds)
        if reject:
            return False
        return self._apply(ic, entry)

    def _answer(self, ic: Interchange, entry: dict[str, Any], withhold: bool, kinds: list[str]) -> None:
        """Write the acknowledgments (``TA1``, ``997``/``999``, or ``reject``) unless they are withheld."""
        if withhold:  # nothing is generated, so no control number is spent on it
            entry["acks"].append("withheld")
            return
        for kind in kinds:
            if kind == "TA1":
                text = build_acknowledgment(
                    Document(STRICT, [ic]), "ta1", self.numbers, PARTNER_ID, now=self.now
                )
            elif kind == "reject":
                text, kind = self._forced_rejection(ic), self.ack_kind
            else:
                text = build_acknowledgment(
                    Document(LENIENT, [ic]),
                    kind,
                    self.numbers,
                    PARTNER_ID,
                    now=self.now,  # type: ignore[arg-type]
                )
            if text:  # a group of acknowledgments is never acknowledged: nothing to write
                entry["acks"].append(self._write(f"{kind}_{self._isa13(text)}.edi", text))

    @staticmethod
    def _isa13(text: str) -> str:
        element = text[3]
        return text.split(element, 14)[13]

    def _forced_rejection(self, ic: Interchange) -> str:
        """The fault ``reject_inbound``: a well-formed ack that rejects every set and the group."""
        settings = settings_for_reply(ic, self.ack_kind)
        sets = acknowledgment_sets(Document(LENIENT, [ic]), self.ack_kind, True, settings.delimiters)  # type: ignore[arg-type]
        for s in sets:
            for seg in s.segments:
                if seg[0] in ("AK5", "IK5"):
                    seg[1:] = ["R"]
                elif seg[0] == "AK9":
                    seg[1:] = ["R", seg[2], seg[3], "0"]
        if not sets:
            return ""
        return generate_interchange(PARTNER_ID, settings, sets, self.numbers, now=self.now).text

    def _apply(self, ic: Interchange, entry: dict[str, Any]) -> bool:
        """Use the accepted sets of an accepted interchange; True when anything was accepted."""
        accepted = False
        for group in ic.groups:
            if any(e.severity == "error" for e in group.errors):
                continue  # AK9 R: the whole group is rejected
            if group.functional_id == "FA":
                self._record_acks(Document(LENIENT, [ic]))
                accepted = True
                continue
            for ts in group.sets:
                if set_status(ts).status == "R":
                    continue
                accepted = True
                self._apply_set(ts, entry)
        return accepted

    def _record_acks(self, doc: Document) -> None:
        groups, _ = read_acknowledgments(doc)
        sent = self.store.data["sent"]
        for g in groups:
            record = sent.get(g.group_control.lstrip("0") or "0")
            if record is not None:
                status = g.status_of(record["st02"])
                record["ack"] = status

    def _apply_set(self, ts: TransactionSet, entry: dict[str, Any]) -> None:
        ref = f"{ts.set_id} {ts.control}"
        try:
            document = (
                get_map(ts.set_id).from_x12(ts, self.partner) if ts.set_id in ("940", "943", "180") else None
            )
        except MapError as err:
            self._app_error(entry, ref, "; ".join(str(p) for p in err.problems))
            return
        if ts.set_id == "940":
            body, path, key = translate.order_body(document, self.partner), "/v1/orders", document.order_id
        elif ts.set_id == "943":
            body, path, key = (
                translate.receipt_notice_body(document),
                "/v1/inbound-notices",
                document.receipt_id,
            )
        elif ts.set_id == "180" and isinstance(document, ReturnAuthorization):
            body, path, key = translate.return_notice_body(document), "/v1/inbound-notices", document.rma_id
        else:
            self._app_error(entry, ref, f"a 3PL does not take a {ts.set_id} from the hub")
            return
        status, answer = self.wms_request("POST", path, body)
        if status >= 400:
            self._app_error(entry, ref, f"{answer['error']['code']}: {answer['error']['message']}")
            return
        wms_id = answer.get("wms_id")
        entry["created"].append({"set": ts.set_id, "id": key, "wms_id": wms_id})

    def _app_error(self, entry: dict[str, Any], ref: str, message: str) -> None:
        # a 997 acknowledges syntax only; business problems are kept for inspection
        entry["errors"].append(f"{ref}: {message}")
        self.store.data["application_errors"].append({"file": entry["file"], "set": ref, "message": message})

    # --- outbound ----------------------------------------------------------------------------------
    def pump(self) -> list[str]:
        """Write files for new warehouse events and release delayed files that are due."""
        before = len(self.store.data["outbound"])
        while True:
            page = self.wms_call("GET", f"/v1/events?after={self.store.data['event_cursor']}&limit=500")
            for event in page["events"]:
                self._event(event)
                self.store.data["event_cursor"] = event["sequence"]
                self.store.save()
            if not page["has_more"]:
                break
        self._release()
        return self.store.data["outbound"][before:]

    def _event(self, event: dict[str, Any]) -> None:
        try:
            found = translate.event_document(event, self.warehouse_code, self.partner)
            if found is None:
                return
            set_id, document, reference = found
            segments = get_map(set_id).to_x12(document, self.partner)
            when = parse_iso(event["occurred_at"]).astimezone(self.partner.zone)
            gen = generate_interchange(
                PARTNER_ID,
                self.envelope,
                [OutboundSet(set_id, segments)],
                self.numbers,
                now=when,
                profile=self.partner.raw,
            )
        except (MapError, GenerationError, ValidationError) as exc:
            self.store.data["application_errors"].append(
                {"event": event["event_id"], "set": event["event_type"], "message": str(exc)}
            )
            return
        group = gen.groups[0]
        name = f"{set_id}_{_UNSAFE.sub('-', reference)}_{gen.isa13}.edi"
        self.store.data["sent"][str(group.control)] = {
            "file": name,
            "set_id": set_id,
            "st02": group.sets[0][1],
            "isa13": gen.isa13,
            "ack": None,
        }
        text = gen.text
        faults = self.store.data["faults"]
        if faults.get("malformed"):
            kind = faults["malformed"].pop(0)
            text = fault_rules.corrupt(text, kind, self.envelope.delimiters)
            self.store.data["sent"][str(group.control)]["malformed"] = kind
        self._write(name, text)
        if fault_rules.take(faults, "duplicate"):
            self._write(name.replace(".edi", "_dup.edi"), text)

    def _write(self, name: str, text: str) -> str:
        """Publish a file, or hold it while the delay fault is on; the caller saves the state after."""
        delay = int(self.store.data["faults"].get("delay_minutes", 0))
        if delay:
            due = iso(self.now + timedelta(minutes=delay))
            self.store.data["held"].append({"name": name, "text": text, "due": due})
            return name
        self.store.save()  # the control numbers in `text` are durable before anyone can see them
        self._publish(name, text)
        return name

    def _publish(self, name: str, text: str) -> None:
        atomic_write(self.root / "outbound" / name, text)  # the hub never sees half a file
        self.store.data["outbound"].append(name)

    def _release(self) -> None:
        now = iso(self.now)
        due = [h for h in self.store.data["held"] if h["due"] <= now]
        if not due:
            return
        self.store.data["held"] = [h for h in self.store.data["held"] if h["due"] > now]
        for held in due:
            self._publish(held["name"], held["text"])
        self.store.save()
