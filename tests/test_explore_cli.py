"""`symnn explore` on the command line: its options and refusals, the README's command and the extra it needs."""

from __future__ import annotations

import socket
import tomllib

import pytest

from conftest import ROOT, readme_bash_block
from symnn.app.explore.run import bind, is_loopback, url_of


def test_readme_section_installs_the_extra_and_starts_the_explorer():
    commands = readme_bash_block("The explorer: `symnn explore`")
    assert commands == ['python -m pip install -e ".[explore]" && symnn explore']
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(need.startswith("starlette") for need in extras["explore"])
    assert any(need.startswith("uvicorn") for need in extras["explore"])
    for need in extras["explore"]:  # the tests (and so CI) install what the explorer needs
        assert need in extras["test"]
    assert (ROOT / "docs" / "explore.png").is_file()


def test_help_lists_the_options(cli):
    result = cli("explore", "--help")
    assert result.returncode == 0
    for option in ("--port", "--host", "--no-browser"):
        assert option in result.stdout


@pytest.mark.parametrize("port", ["-1", "65536", "http", "８０"])
def test_a_bad_port_is_refused_by_the_parser(cli, port):
    result = cli("explore", "--port", port, "--no-browser")
    assert result.returncode == 2
    assert "port number from 0 to 65535" in result.stderr


def test_a_host_that_is_not_this_machine_is_refused(cli):
    result = cli("explore", "--host", "no-such-host.invalid", "--no-browser")
    assert result.returncode == 2
    assert "--host 'no-such-host.invalid' is not an address of this machine" in result.stderr


def test_a_port_in_use_is_refused_with_a_way_out(cli):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        result = cli("explore", "--port", str(port), "--no-browser")
    finally:
        taken.close()
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "leave out --port" in result.stderr


def test_loopback_is_recognised_and_a_free_port_is_printed():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    sock = bind("127.0.0.1", 0)
    try:
        url = url_of(sock, "127.0.0.1")
        assert url == f"http://127.0.0.1:{sock.getsockname()[1]}/" and sock.getsockname()[1] > 0
    finally:
        sock.close()
