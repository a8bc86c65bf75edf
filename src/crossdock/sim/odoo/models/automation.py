"""base.automation + ir.actions.server webhooks (17.0+): one JSON POST per record, fire and forget.

17.0/18.0 post synchronously inside the transaction (sent even if it later rolls back);
19.0 posts after commit.
"""

from __future__ import annotations

import ast
import json
import logging
import urllib.request
from typing import Any

from ..domain import Evaluator, parse
from ..fields import Boolean, Char, Datetime, Integer, Many2many, Many2one, Selection, Text
from ..orm import Env
from ..registry import Registry

log = logging.getLogger(__name__)
TIMEOUT = 1.0


def register(reg: Registry) -> None:
    states = [
        ("code", "Execute Code"),
        ("object_create", "Create Record"),
        ("object_write", "Update Record"),
        ("multi", "Execute Existing Actions"),
    ]
    if reg.major >= 17:
        states.append(("webhook", "Send Webhook Notification"))
    groups = "group_ids" if reg.major >= 19 else "groups_id"
    reg.model(
        "ir.actions.server",
        "Server Actions",
        [
            Char("name", "Action Name", required=True),
            Many2one("model_id", "ir.model", "Model", required=True, ondelete="cascade"),
            Char(
                "model_name",
                "Model Name",
                compute=lambda env, rid: env.row("ir.model", env.row("ir.actions.server", rid)["model_id"])[
                    "model"
                ],
            ),
            Selection("state", states, "Type", default="object_write", required=True),
            Text("code", "Python Code"),
            Char("webhook_url", "Webhook URL", since=17),
            Many2many("webhook_field_ids", "ir.model.fields", "Webhook Fields", since=17),
            Many2one(
                "base_automation_id", "base.automation", "Automation Rule", ondelete="cascade", since=17
            ),
            Many2many(groups, "res.groups", "Allowed Groups"),
            Selection(
                "usage",
                [("ir_actions_server", "Server Action"), ("base_automation", "Automation Rule")],
                "Usage",
                default="ir_actions_server",
            ),
        ],
    )
    triggers = [
        ("on_create", "On creation"),
        ("on_write", "On update"),
        ("on_create_or_write", "On save"),
        ("on_unlink", "On deletion"),
        ("on_change", "Based on form modification"),
        ("on_time", "Based on Timed Condition"),
    ]
    if reg.major >= 17:
        triggers += [("on_state_set", "State is set to"), ("on_webhook", "On webhook")]
    reg.model(
        "base.automation",
        "Automation Rule",
        [
            Char("name", "Automation Rule Name", required=True),
            Many2one("model_id", "ir.model", "Model", required=True, ondelete="cascade"),
            Selection("trigger", triggers, "Trigger", required=True),
            Many2many("trigger_field_ids", "ir.model.fields", "Trigger Fields"),
            Many2one("trg_selection_field_id", "ir.model.fields.selection", "Trigger Field", since=17),
            Char("trg_field_ref", "Trigger Reference", since=17),
            Char("filter_domain", "Apply on"),
            Char("filter_pre_domain", "Before Update Domain"),
            Boolean("active", default=True),
            Many2many("action_server_ids", "ir.actions.server", "Actions", since=17),
        ],
    )
    reg.model(
        "ir.cron",
        "Scheduled Actions",
        [
            Char("name", required=True),
            Many2one("model_id", "ir.model", "Model", required=True),
            Selection("state", states, "Type", default="code"),
            Text("code", "Python Code"),
            Integer("interval_number", default=1),
            Selection(
                "interval_type",
                [
                    ("minutes", "Minutes"),
                    ("hours", "Hours"),
                    ("days", "Days"),
                    ("weeks", "Weeks"),
                    ("months", "Months"),
                ],
                "Interval Unit",
                default="months",
            ),
            Datetime("nextcall", "Next Execution Date", default=lambda env: env.now),
            Boolean("active", default=True),
            Integer("priority", default=5),
            Integer("numbercall", "Number of Calls", default=-1, until=17),
            Boolean("doall", "Repeat Missed", until=17),
            Integer("failure_count", "Failure Count", since=18),
        ],
    )
    reg.observers.append(_observe)


def _automations(env: Env, model: str) -> list[int]:
    if model in ("base.automation", "ir.actions.server", "ir.model", "ir.model.fields"):
        return []
    table = env.store.table("base.automation")
    if not table.rows:
        return []
    from .base import model_id

    try:
        mid = model_id(env, model)
    except StopIteration:
        return []
    return sorted(a for a in table.lookup("model_id", mid) if table.rows[a].get("active"))


def _observe(env: Env, model: str, ids: list[int], event: str, vals: dict) -> None:
    if not env.p.webhooks:
        return
    for aid in _automations(env, model):
        rule = env.row("base.automation", aid)
        trig = rule["trigger"]
        if event == "create" and trig not in ("on_create", "on_create_or_write"):
            continue
        if event == "write" and trig not in ("on_write", "on_create_or_write", "on_state_set"):
            continue
        changed = {k.removeprefix("__") for k in vals}
        watched = {env.row("ir.model.fields", f)["name"] for f in rule.get("trigger_field_ids") or []}
        targets = ids
        if trig == "on_state_set":
            # the rule names a selection value (ir.model.fields.selection): fire when the field is set to it
            sel = rule.get("trg_selection_field_id")
            if not sel or event != "write":
                continue
            option = env.row("ir.model.fields.selection", sel)
            fname = env.row("ir.model.fields", option["field_id"])["name"]
            if fname not in changed:
                continue
            targets = [i for i in ids if env.value(model, i, fname) == option["value"]]
        elif event == "write" and watched and not (watched & changed):
            continue
        if rule.get("filter_domain"):
            domain = ast.literal_eval(rule["filter_domain"])
            targets = sorted(Evaluator(env, model).filter(parse(domain), set(ids)))
        for rid in targets:
            key = (aid, model, rid)
            if key in env.txn.automation_done:
                continue  # Odoo's __action_done: one run per rule and record per transaction
            env.txn.automation_done.add(key)
            for act in rule.get("action_server_ids") or []:
                _run_action(env, act, model, rid)


def _run_action(env: Env, action_id: int, model: str, rid: int) -> None:
    action = env.row("ir.actions.server", action_id)
    if action["state"] != "webhook" or not action.get("webhook_url"):
        return
    payload: dict[str, Any] = {"_action": f"{action['name']}(#{action_id})", "_id": rid, "_model": model}
    for fid in action.get("webhook_field_ids") or []:
        fname = env.row("ir.model.fields", fid)["name"]
        if fname in env.registry[model].fields:
            val = env.export(model, rid, env.registry[model].fields[fname], load=None)
            payload[fname] = val
    body = json.dumps(payload, sort_keys=True, default=str).encode()
    url = action["webhook_url"]
    if env.p.webhook_postcommit:
        env.txn.postcommit.append(lambda: _post(url, body))
    else:
        _post(url, body)


def _post(url: str, body: bytes) -> None:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - configured webhook URL
            resp.read()
    except Exception as exc:  # send and forget, like Odoo: only logged
        log.warning("webhook to %s failed: %s", url, exc)
