"""Remote paths told from local ones, and what ssh gets from them."""

from __future__ import annotations

import pytest

from dvclive_tui.remote.location import LocationError, RemoteLocation, parse_location
from dvclive_tui.remote.script import quote_root


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gpu:runs/a", RemoteLocation("gpu", "runs/a")),
        ("me@gpu:/data/run", RemoteLocation("gpu", "/data/run", "me")),
        ("gpu:", RemoteLocation("gpu", ".")),
        ("gpu:~/runs", RemoteLocation("gpu", "~/runs")),
        ("[::1]:runs", RemoteLocation("::1", "runs")),
        ("me@[fe80::1%eth0]:x", RemoteLocation("fe80::1%eth0", "x", "me")),
        ("ssh://gpu/data/run", RemoteLocation("gpu", "/data/run")),
        ("ssh://me@gpu:2222/~/runs", RemoteLocation("gpu", "~/runs", "me", 2222)),
        ("ssh://gpu/a%20b", RemoteLocation("gpu", "/a b")),
        ("ssh://[::1]:22/x", RemoteLocation("::1", "/x", None, 22)),
        ("ssh://gpu", RemoteLocation("gpu", ".")),
        ("a:b:c", RemoteLocation("a", "b:c")),
    ],
)
def test_remote_paths(text: str, expected: RemoteLocation) -> None:
    assert parse_location(text) == expected


@pytest.mark.parametrize(
    "text", ["dvclive", "./a:b", "/data/a:b", "a/b:c", ":x", "", ".", "../x:y", "[x"]
)
def test_local_paths(text: str) -> None:
    assert parse_location(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "-oProxyCommand=touch pwned:x",
        "me@-oProxyCommand=x:y",
        "-me@host:x",
        "ho st:x",
        "ssh://host:99999/x",
        "ssh://host:port/x",
        "ssh://[::1/x",
        "ssh:///x",
    ],
)
def test_unusable_remote_paths_are_one_line_errors(text: str) -> None:
    with pytest.raises(LocationError) as error:
        parse_location(text)
    assert "\n" not in str(error.value)


def test_display_round_trips() -> None:
    for text in ["gpu:runs/a", "me@gpu:/abs", "[::1]:x", "ssh://me@gpu:2222/~/runs"]:
        location = parse_location(text)
        assert location is not None
        assert str(location) == text
        assert parse_location(str(location)) == location


@pytest.mark.parametrize(
    ("root", "quoted"),
    [
        ("~", "~"),
        ("~/runs", "~/runs"),
        ("~bob/a b", "~bob/'a b'"),
        ("/a $(x)", "'/a $(x)'"),
        ("~x~/y", "'~x~/y'"),
    ],
)
def test_roots_are_quoted_but_tilde_expands(root: str, quoted: str) -> None:
    assert quote_root(root) == quoted
