"""crossdock.yaml: errors that name file, line and key; secrets from env and files, never shown."""

from __future__ import annotations

import pytest

from crossdock import secrets
from crossdock.config import ConfigError, load_config, parse_config
from crossdock.connectors.registry import ConnectorConfigError, build_sinks

VALID = """\
store: {url: "sqlite:///x.db"}
endpoints:
  out:
    kind: file
    path: /tmp/out
    retry: {max_attempts: 4}
routes:
  - {type: order.released, flow: passthrough, endpoint: out}
"""


def test_valid_config_and_defaults():
    config = parse_config(VALID)
    assert config.endpoints["out"].retry.max_attempts == 4
    assert config.endpoints["out"].breaker.failure_threshold == 5
    assert config.bus.kind == "store" and config.runtime.batch_size == 500


def test_error_names_file_line_and_key(tmp_path):
    path = tmp_path / "crossdock.yaml"
    path.write_text(VALID.replace("max_attempts: 4", "max_attempts: 0"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:6: endpoints.out.retry.max_attempts: Input should be greater than or equal to 1"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("store: {url: x, colour: red}\n", "crossdock.yaml:1: store.colour: Extra inputs are not permitted"),
        ("bus:\n  kind: kafka\n", "crossdock.yaml:2: bus.kind: Input should be 'store' or 'nats'"),
        (
            "routes:\n  - {type: order.teleported, flow: passthrough}\n",
            "crossdock.yaml:1: routes: Value error, [0] unknown event type 'order.teleported'",
        ),
        (
            "routes:\n  - {type: order.released, flow: magic}\n",
            "crossdock.yaml:1: routes: Value error, [0] unknown flow 'magic'; known: inbound.expect, ",
        ),
        ("store: [\n", "crossdock.yaml:2: not valid YAML"),
        ("- a\n- b\n", "crossdock.yaml:1: the top level must be a mapping"),
    ],
)
def test_invalid_configs(text, expected):
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value).startswith(expected)


def test_connector_options_are_checked_with_their_path():
    config = parse_config(VALID.replace("path: /tmp/out", "paht: /tmp/out"))
    with pytest.raises(ConnectorConfigError, match=r"endpoints\.out\.path: Field required"):
        build_sinks(config)


def test_secrets_from_env_and_file_are_resolved_and_redacted(tmp_path, monkeypatch):
    monkeypatch.setenv("CD_TEST_PASSWORD", "s3cret-from-env")
    secret_file = tmp_path / "token"
    secret_file.write_text("tok-from-file\n")
    config = parse_config(f"""
store: {{url: "postgresql://app:${{env:CD_TEST_PASSWORD}}@127.0.0.1/test"}}
endpoints:
  out: {{kind: file, path: /tmp/x, token: "${{file:{secret_file}}}"}}
""")
    assert config.store.url == "postgresql://app:s3cret-from-env@127.0.0.1/test"
    assert config.endpoints["out"].options["token"] == "tok-from-file"
    assert (
        secrets.redact("login app:s3cret-from-env failed; token tok-from-file")
        == "login app:*** failed; token ***"
    )


def test_missing_secret_is_a_config_error():
    with pytest.raises(ConfigError, match="environment variable CD_NOT_SET_ANYWHERE is not set"):
        parse_config('store: {url: "${env:CD_NOT_SET_ANYWHERE}"}\n')
