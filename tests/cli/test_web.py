"""`cx users add`, `cx keys add` and `cx serve`."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cxkit.cli import app
from cxkit.store import Workspace
from cxkit.web import api_key_scope, authenticate
from cxkit.web._auth import session_user, start_session


def test_users_and_keys_from_the_command_line(ws):
    ws.close()
    runner = CliRunner()
    folder = str(ws.path)
    r = runner.invoke(
        app,
        ["users", "add", "maria", "--role", "analyst", "-w", folder],
        input="s3cret-pass\ns3cret-pass\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        ["users", "add", "bob", "--role", "owner", "-w", folder],
        env={"CX_PASSWORD": "long enough"},
    )
    assert r.exit_code != 0 and "role 'owner'" in str(r.exception)
    r = runner.invoke(app, ["keys", "add", "--scope", "ingest", "--label", "crm", "-w", folder])
    assert r.exit_code == 0
    key = re.search(r"cxk_\S+", r.output).group(0)
    with Workspace(folder) as reopened:
        user = authenticate(reopened, "maria", "s3cret-pass")
        assert user is not None and user.role == "analyst"
        assert authenticate(reopened, "maria", "wrong") is None
        assert api_key_scope(reopened, key) == "ingest"


def test_serve_refuses_a_folder_that_is_not_a_workspace(tmp_path):
    r = CliRunner().invoke(app, ["serve", str(tmp_path / "nowhere"), "--port", "0"])
    assert r.exit_code != 0 and "not a cxkit workspace" in str(r.exception)


def test_password_stdin_remove_and_key_revoke(ws):
    ws.close()
    runner = CliRunner()
    folder = str(ws.path)
    r = runner.invoke(
        app,
        ["users", "add", "ops", "--role", "admin", "--password-stdin", "-w", folder],
        input="from a script 1\n",
    )
    assert r.exit_code == 0, r.output
    with Workspace(folder) as reopened:
        user = authenticate(reopened, "ops", "from a script 1")
        assert user is not None
        session = start_session(reopened, user)
    r = runner.invoke(app, ["users", "list", "-w", folder])
    assert r.exit_code == 0 and "ops" in r.output and "argon2" not in r.output
    r = runner.invoke(app, ["users", "remove", "ops", "-w", folder])
    assert r.exit_code == 0 and "removed" in r.output
    with Workspace(folder) as reopened:
        assert authenticate(reopened, "ops", "from a script 1") is None
        assert session_user(reopened, session) is None
    r = runner.invoke(app, ["users", "remove", "ops", "-w", folder])
    assert r.exit_code != 0 and "no user 'ops'" in str(r.exception)

    r = runner.invoke(app, ["keys", "add", "--scope", "read", "--label", "bi", "-w", folder])
    key = re.search(r"cxk_\S+", r.output).group(0)
    key_id = key.split("_")[1]
    r = runner.invoke(app, ["keys", "list", "-w", folder])
    assert r.exit_code == 0 and key_id in r.output and "bi" in r.output
    assert key not in r.output  # never the secret
    r = runner.invoke(app, ["keys", "revoke", key_id, "-w", folder])
    assert r.exit_code == 0 and "revoked" in r.output
    with Workspace(folder) as reopened:
        assert api_key_scope(reopened, key) is None
    r = runner.invoke(app, ["keys", "revoke", key_id, "-w", folder])
    assert r.exit_code != 0 and "no API key" in str(r.exception)
