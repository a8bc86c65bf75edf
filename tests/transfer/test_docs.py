"""The YAML in docs/file-transfer.md is what a newcomer copies: it must load as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from crossdock.config import parse_config
from crossdock.connectors.transfer.flatfile import ColumnMap, load_column_map
from crossdock.connectors.transfer.sink import FileTransferSinkOptions
from crossdock.connectors.transfer.source import FileTransferSourceOptions

DOC = Path(__file__).resolve().parents[2] / "docs" / "file-transfer.md"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_configuration_example_loads():
    config_text, column_map_text = yaml_blocks()
    config = parse_config(config_text)
    sources = {
        name: FileTransferSourceOptions.model_validate(s.options) for name, s in config.sources.items()
    }
    assert sources["harbor-edi"].transport.kind == "sftp"
    assert (sources["harbor-csv"].format, sources["harbor-csv"].column_map) == ("csv", "harbor")
    sink = FileTransferSinkOptions.model_validate(config.endpoints["harbor-out"].options)
    assert (sink.upload_folder, sink.upload_retry.attempts) == ("inbound", 4)
    documented = ColumnMap.model_validate(yaml.safe_load(column_map_text))
    bundled = load_column_map("harbor")
    assert documented.feeds[0] == bundled.feeds[0]  # the doc shows the bundled inventory feed exactly
    assert documented.feeds[1].columns == bundled.feeds[1].columns
