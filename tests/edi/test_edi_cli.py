"""CLI sub-app: output and exit codes (0 valid, 1 errors, 2 usage)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from crossdock.connectors.edi.cli import app

from .conftest import SAMPLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_parse_shows_the_tree() -> None:
    result = run("parse", str(SAMPLES / "940_ediengine_OK.edi"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "ISA 000003438" in out and "GS OW 3317" in out and "ST 940 0001" in out
    assert "loop LX" in out and "loop W01" in out and "loop N1" in out
    assert "W76" in out and "56*500*LB*24*CF" in out


def test_parse_reports_errors_with_exit_1() -> None:
    result = run("parse", str(SAMPLES / "940_ediengine_MALFORMED_control_numbers_mismatch.edi"))
    assert result.exit_code == 1
    assert "SE02_MISMATCH" in result.output and "GE02_MISMATCH" in result.output


def test_validate_valid_and_invalid() -> None:
    ok = run("validate", str(SAMPLES / "943_stupidedi_AR943.edi"), "--policy", "strict")
    assert ok.exit_code == 0 and "valid" in ok.output and "accepted" in ok.output
    bad = run("validate", str(SAMPLES / "940_x12types_babelway.edi"))
    assert bad.exit_code == 1 and "ELEMENT_TOO_LONG" in bad.output and "1 with errors" in bad.output
    bare = run("validate", str(SAMPLES / "997_x12types_boomi_ST_only_rejected.edi"), "--policy", "strict")
    assert bare.exit_code == 1 and "REJECTED" in bare.output


def test_validate_with_partner_profile(tmp_path: Path) -> None:
    profile = tmp_path / "partner.yaml"
    profile.write_text("sets:\n  '940':\n    elements:\n      W0501: {codes: [R]}\n")
    result = run("validate", str(SAMPLES / "940_ediengine_OK.edi"), "--partner", str(profile))
    assert result.exit_code == 1 and "ELEMENT_CODE_NOT_USED" in result.output


def test_ack_prints_the_acknowledgment() -> None:
    result = run("ack", str(SAMPLES / "940_ediengine_acktest_2groups.edi"), "--kind", "997")
    assert result.exit_code == 1  # the inbound file has an error
    assert "AK3*N9*7*W01*8" in result.output and "AK9*P*2*2*1" in result.output
    ta1 = run("ack", str(SAMPLES / "940_ediengine_OK.edi"), "--kind", "ta1")
    assert ta1.exit_code == 0 and "TA1*000003438*101127*1719*A*000" in ta1.output
    ik = run("ack", str(SAMPLES / "940_ediengine_OK.edi"), "--kind", "999")
    assert ik.exit_code == 0 and "IK5*A" in ik.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path / "missing.edi")).exit_code == 2
    assert run("ack", str(SAMPLES / "940_ediengine_OK.edi"), "--kind", "850").exit_code == 2
    assert run("validate", str(SAMPLES / "940_ediengine_OK.edi"), "--policy", "loose").exit_code == 2
    bad_profile = tmp_path / "p.yaml"
    bad_profile.write_text("- not a mapping\n")
    assert (
        run("validate", str(SAMPLES / "940_ediengine_OK.edi"), "--partner", str(bad_profile)).exit_code == 2
    )
    assert run("frobnicate").exit_code == 2


def test_parse_trees_come_from_the_validation_walk() -> None:
    """read(keep_trace=True) keeps each set's loop walk; the tree built from it equals a fresh walk."""
    from crossdock.connectors.edi.parser import read
    from crossdock.connectors.edi.tree import LoopBranch, set_tree

    checked = 0
    for path in sorted(SAMPLES.glob("*.edi")):
        data = path.read_bytes()
        kept, plain = read(data, keep_trace=True), read(data)
        kept_sets = [ts for ic in kept.interchanges for g in ic.groups for ts in g.sets] + kept.bare_sets
        plain_sets = [ts for ic in plain.interchanges for g in ic.groups for ts in g.sets] + plain.bare_sets
        for k, p in zip(kept_sets, plain_sets, strict=True):
            assert p.loop_trace is None
            tree = set_tree(k)
            assert tree == set_tree(p), path.name
            if k.loop_trace is not None:
                checked += 1
                assert len(k.loop_trace) == len(k.raw)
                assert any(isinstance(c, LoopBranch) for c in tree.children) or len(k.raw) <= 3
    assert checked > 10
