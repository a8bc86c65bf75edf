"""Flows: pure functions from canonical documents to commands. Importing this registers them all."""

from . import inbound, inventory, master, outbound, passthrough, returns  # noqa: F401 - registers the flows
from .base import FLOWS, Command, Flow, FlowContext, FlowError, flow

__all__ = ["FLOWS", "Command", "Flow", "FlowContext", "FlowError", "flow"]
