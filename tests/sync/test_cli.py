"""``desk-app sync / login / queue`` as IT staff run them (subprocesses, real back end)."""
from __future__ import annotations

import json
import signal
import subprocess

from desk_app.cli import sync_cmds
from desk_app.sync import credentials
from tests.sync.harness import PASSWORD_ENV, env, outbox_states, receive, wait_for


def run_cli(desk_app_cmd: list[str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*desk_app_cmd, *args], capture_output=True, text=True, timeout=timeout, env=env())


def test_sync_once_json_then_queue(unit, desk_app_cmd) -> None:
    data, user = unit.desk(1)
    receive(data, 3, attachment_sizes=[200_000])
    q = run_cli(desk_app_cmd, "queue", "--data-dir", str(data), "--json")
    assert q.returncode == 0, q.stderr
    queued = json.loads(q.stdout)
    assert queued["summary"]["pending"] == 3 and len(queued["items"]) == 3
    assert queued["summary"]["badge"].startswith("3 hồ sơ chờ gửi")
    out = run_cli(desk_app_cmd, "sync", "--data-dir", str(data), "--server", unit.backend.url, "--once", "--json",
                  "--server-user", user, "--server-password-env", PASSWORD_ENV)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    report = lines[-1]
    assert report["event"] == "report" and report["acked"] == 3 and report["ok"] is True
    q = run_cli(desk_app_cmd, "queue", "--data-dir", str(data), "--json")
    assert json.loads(q.stdout)["items"] == []
    text = run_cli(desk_app_cmd, "queue", "--data-dir", str(data))
    assert text.stdout.startswith("0 hồ sơ chờ gửi") and "Lần đồng bộ thành công gần nhất" in text.stdout


def test_sync_without_credentials_says_what_to_do(unit, desk_app_cmd) -> None:
    data, _ = unit.desk(1)
    out = run_cli(desk_app_cmd, "sync", "--data-dir", str(data), "--server", unit.backend.url, "--once")
    assert out.returncode == 2
    assert "desk-app login" in out.stderr and "Error:" in out.stderr


def test_unreachable_server_exits_1_and_keeps_items(unit, desk_app_cmd) -> None:
    data, user = unit.desk(1)
    receive(data, 2)
    out = run_cli(desk_app_cmd, "sync", "--data-dir", str(data), "--server", "http://127.0.0.1:9", "--once",
                  "--server-user", user, "--server-password-env", PASSWORD_ENV)
    assert out.returncode == 1
    assert "Mất kết nối" in out.stderr
    assert outbox_states(data) == {"queued": 2}


def test_long_running_sync_delivers_and_stops_cleanly_on_sigterm(unit, desk_app_cmd) -> None:
    data, user = unit.desk(1)
    receive(data, 2)
    proc = subprocess.Popen([*desk_app_cmd, "sync", "--data-dir", str(data), "--server", unit.backend.url, "--json",
                             "--server-user", user, "--server-password-env", PASSWORD_ENV],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    try:
        wait_for(lambda: outbox_states(data) == {"done": 2}, 30, "the running engine to deliver")
        receive(data, 1, seed=9)   # queued while it runs: picked up without a restart
        wait_for(lambda: outbox_states(data) == {"done": 3}, 30, "the new dossier")
        second = run_cli(desk_app_cmd, "sync", "--data-dir", str(data), "--server", unit.backend.url, "--once",
                         "--server-user", user, "--server-password-env", PASSWORD_ENV)
        assert second.returncode == 3 and "đang chạy" in second.stderr
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["event"] == "report"


def test_login_stores_in_the_keyring_and_sync_uses_it(unit, monkeypatch, password, capsys) -> None:
    data, user = unit.desk(1)
    receive(data, 1)
    monkeypatch.setenv(PASSWORD_ENV, password)
    assert sync_cmds.main(["login", "--server", unit.backend.url, "--server-user", user,
                           "--server-password-env", PASSWORD_ENV]) == 0
    said = capsys.readouterr().out          # exactly where the password went (issue 17 §6)
    assert f"kho khóa của hệ điều hành ({credentials.backend_name()})" in said, said
    saved = credentials.load(unit.backend.url)
    assert saved is not None and saved.username == user and saved.password == password
    assert "password=***" in repr(saved)
    assert sync_cmds.main(["sync", "--data-dir", str(data), "--server", unit.backend.url, "--once"]) == 0
    assert outbox_states(data) == {"done": 1}
    monkeypatch.setenv(PASSWORD_ENV, "sai")
    assert sync_cmds.main(["login", "--server", unit.backend.url, "--server-user", user, "--server-password-env",
                           PASSWORD_ENV]) == 2
    assert credentials.load(unit.backend.url).password == password  # a failed login changes nothing
