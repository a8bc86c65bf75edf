"""Flows: pure functions from canonical documents to commands. Importing this registers them all."""

from . import passthrough  # noqa: F401 - registers the flow
from .base import FLOWS, Command, Flow, FlowContext, FlowError, flow

__all__ = ["FLOWS", "Command", "Flow", "FlowContext", "FlowError", "flow"]
