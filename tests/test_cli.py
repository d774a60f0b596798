"""The command line: exit codes 0/1/2, the summary on stdout, progress on stderr."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_default_run_passes_and_prints_a_summary(tmp_path, capsys):
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "001_f3a0a87b8cbc2b14" in out and "gate passed" in out
    assert "[auditor]" in err and "[auditor]" not in out


def test_gate_fails_on_severity_and_score(tmp_path):
    seeds = str(ROOT / "seeds")
    assert main(["audit", seeds, "--out", str(tmp_path / "a"), "--format", "json", "--fail-on", "info"]) == 1
    assert main(["audit", seeds, "--out", str(tmp_path / "b"), "--format", "json", "--fail-under", "100"]) == 1
    assert main(["audit", seeds, "--out", str(tmp_path / "c"), "--format", "json", "--fail-under", "0"]) == 0


def test_bad_suite_exits_2_naming_the_file(tmp_path, capsys):
    exp = tmp_path / "exp"
    shutil.copytree(ROOT / "expectations", exp)
    (exp / "suites" / "repeated_word.json").write_text("{ not json", encoding="utf-8")
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--expectations", str(exp)]) == 2
    err = capsys.readouterr().err
    assert "repeated_word.json" in err and "invalid JSON" in err
    assert not (tmp_path / "o").exists(), "nothing is written when the config is bad"


def test_unknown_column_and_expectation_type_exit_2(tmp_path, capsys):
    exp = tmp_path / "exp"
    shutil.copytree(ROOT / "expectations", exp)
    path = exp / "suites" / "repeated_word.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"][0]["kwargs"]["column"] = "no_such_column"
    path.write_text(json.dumps(suite), encoding="utf-8")
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--expectations", str(exp)]) == 2
    assert "no_such_column" in capsys.readouterr().err
    suite["expectations"][0]["type"] = "expect_nothing_real"
    suite["expectations"][0]["kwargs"]["column"] = "pair"
    path.write_text(json.dumps(suite), encoding="utf-8")
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--expectations", str(exp)]) == 2
    assert "expect_nothing_real" in capsys.readouterr().err


def test_bad_regex_and_weight_exit_2(tmp_path, capsys):
    exp = tmp_path / "exp"
    shutil.copytree(ROOT / "expectations", exp)
    lex = exp / "lexicons" / "boilerplate.yaml"
    lex.write_text(lex.read_text(encoding="utf-8") + "  - {name: broken, pattern: '(unclosed'}\n", encoding="utf-8")
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--expectations", str(exp)]) == 2
    assert "boilerplate.yaml" in capsys.readouterr().err
    shutil.copy(ROOT / "expectations" / "lexicons" / "boilerplate.yaml", lex)
    scoring = exp / "scoring.yaml"
    scoring.write_text(scoring.read_text(encoding="utf-8").replace("error: 8", "error: lots"), encoding="utf-8")
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--expectations", str(exp)]) == 2
    assert "scoring.yaml" in capsys.readouterr().err


def test_missing_input_exits_2(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_an_expectation_that_raises_inside_gx_exits_2(tmp_path, capsys):
    exp = tmp_path / "exp"
    shutil.copytree(ROOT / "expectations", exp)
    path = exp / "suites" / "unbalanced_punctuation.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"].append({"type": "expect_column_values_to_match_regex",
                                  "kwargs": {"column": "mark", "regex": "(unclosed"},
                                  "meta": {"check": "broken_regex", "kind": "unbalanced_punctuation"}})
    path.write_text(json.dumps(suite), encoding="utf-8")
    code = main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "o"), "--expectations", str(exp),
                 "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "unbalanced_punctuation.json" in err and "broken_regex" in err
    assert not (tmp_path / "o").exists()


def test_baseline_accepts_a_run_and_a_new_finding_fails_it(tmp_path, capsys):
    story = tmp_path / "story"
    shutil.copytree(ROOT / "seeds", story)
    first = tmp_path / "first"
    assert main(["audit", str(story), "--out", str(first), "--format", "json", "--fail-on", "info"]) == 1
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", str(first / "findings.json"), "--out", str(baseline)]) == 0
    again = tmp_path / "again"
    assert main(["audit", str(story), "--out", str(again), "--format", "json", "--fail-on", "info",
                 "--baseline", str(baseline)]) == 0
    doc = json.loads((again / "findings.json").read_text(encoding="utf-8"))
    assert doc["findings"] and all(f["suppressed"] for f in doc["findings"])
    target = story / "002_5a82331feb5ebb93.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nThe the company declined to comment.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["audit", str(story), "--out", str(tmp_path / "third"), "--format", "json", "--fail-on", "info",
                 "--baseline", str(baseline)]) == 1
    assert "gate: 002_5a82331feb5ebb93" in capsys.readouterr().out
    third = json.loads((tmp_path / "third" / "findings.json").read_text(encoding="utf-8"))
    assert "repeated_word" in {f["kind"] for f in third["findings"] if not f["suppressed"]}
    assert {f["source"] for f in third["findings"] if not f["suppressed"]} == {"002_5a82331feb5ebb93"}


def test_history_shows_recorded_runs(tmp_path, capsys):
    db = tmp_path / "h.sqlite"
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "r"), "--format", "json", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "001_f3a0a87b8cbc2b14" in out and "004_e7018128cba81592" in out
    dated = sorted(p.name for p in (tmp_path / "r").iterdir() if not p.name.startswith("."))
    assert dated[1:] == ["index.html", "latest"] and len(dated) == 3, dated  # a dated run folder beside latest/
    assert out.splitlines()[0].split()[1] == dated[0]  # the run's date heads the trend


def _result(n: int, *, passed: bool = True):
    from types import SimpleNamespace

    scores = [{"source": f"story-{i:04d}/a-very-long-source-identifier-{i:04d}", "story": f"story-{i:04d}",
               "score": float((i * 37) % 100), "grade": "C"} for i in range(n)]
    findings = [{"source": scores[0]["source"], "severity": "error", "suppressed": False}]
    return SimpleNamespace(scores_doc={"sources": scores}, passed=passed, gate_failures={},
                           findings_doc={"findings": findings, "sources": [], "run": {}})


def test_summary_is_worst_first_with_full_ids_and_bounded_on_a_terminal():
    from auditor.cli import _summary

    result = _result(25)
    lines = _summary(result).splitlines()
    rows = lines[1:-1]
    assert len(rows) == 25
    scores = [float(r.split()[2]) for r in rows]
    assert scores == sorted(scores)  # the worst source first
    assert all(r.split()[1].startswith("story-") and r.split()[1].endswith(r.split()[0][-4:]) for r in rows)
    assert "a-very-long-source-identifier-0000" in _summary(result)  # ids never cut
    short = _summary(result, 20).splitlines()
    assert len(short) == 1 + 20 + 2 and short[21] == "… and 5 more sources (all in scores.json)"
    assert _summary(_result(1)).splitlines()[-1] == "1 source audited, 0 skipped, 1 finding; gate passed"


def test_terminal_gets_twenty_rows_a_pipe_gets_all(monkeypatch, capsys):
    from auditor import cli

    monkeypatch.setattr(cli, "_isatty", lambda: True)
    cli._announce(_result(30))
    assert "… and 10 more sources" in capsys.readouterr().out
    monkeypatch.setattr(cli, "_isatty", lambda: False)
    cli._announce(_result(30))
    assert "more sources" not in capsys.readouterr().out


def test_a_line_at_once_before_the_heavy_imports(tmp_path):
    import subprocess
    import sys

    code = ("import sys, auditor.cli as c\n"
            "def stop(*a, **k):\n"
            "    print('pandas' in sys.modules, file=sys.stderr); raise SystemExit(0)\n"
            "import auditor.cli\n"
            "sys.modules['auditor.run'] = type(sys)('auditor.run')\n"
            "stub = sys.modules['auditor.run']\n"
            "stub.AuditOptions, stub.reset_interrupts, stub.on_sigint = stop, (lambda: None), (lambda *a: None)\n"
            "stub.interrupted, stub.audit = (lambda: False), stop\n"
            f"c.main(['audit', {str(ROOT / 'seeds')!r}, '--out', {str(tmp_path / 'o')!r}])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    lines = done.stderr.splitlines()
    assert lines[0] == "[auditor] auditing 1 path…" and lines[1] == "False", done.stderr


def test_formats_match_the_runner():
    from auditor import cli, run

    assert set(cli.FORMATS) == run.FORMATS


def test_console_script_keeps_the_exit_code_output_and_exit_handlers(tmp_path, capsys):
    """The console script ends the process without Python's teardown (os._exit): the exit code is main's,
    stdout is complete even through a pipe, and exit handlers (temporary folders, logging) still run."""
    import subprocess
    import sys

    ran, ended = tmp_path / "exit-handler-ran", tmp_path / "os-exit-code"
    code = ("import atexit, os, sys\n"
            "from auditor import cli\n"
            f"atexit.register(lambda: open({str(ran)!r}, 'w').close())\n"
            "real_exit = os._exit\n"
            f"os._exit = lambda code: open({str(ended)!r}, 'w').write(str(code)) and real_exit(code)\n"
            f"sys.argv = ['auditor', 'audit', {str(ROOT / 'seeds')!r}, '--out', {str(tmp_path / 'o')!r}, "
            "'--format', 'json', '--fail-on', 'info']\n"
            "cli.console()\n"
            "print('not reached')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    assert main(["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "p"), "--format", "json", "--fail-on", "info"]) == 1
    assert done.stdout == capsys.readouterr().out  # the whole summary, and nothing after it
    assert "001_f3a0a87b8cbc2b14" in done.stdout and ran.exists()
    assert ended.read_text() == "1"  # no teardown, even with GX's daemon progress thread alive
