"""The readable (non-JSON) output of ``octoclr call``."""

from __future__ import annotations

from octoclr.calls import format_text


def test_nested_data_reads_like_yaml() -> None:
    data = [{"id": "Machines-1", "name": "web01", "roles": ["web", "db"], "endpoint": {"uri": "https://web01", "proxy": None}}]
    assert format_text(data) == [
        "- id: Machines-1",
        "  name: web01",
        "  roles:",
        "    - web",
        "    - db",
        "  endpoint:",
        "    uri: https://web01",
        "    proxy: null",
    ]


def test_scalars_and_empty_values() -> None:
    assert format_text(True) == ["true"]
    assert format_text({"tags": [], "links": {}}) == ["tags: []", "links: {}"]
    assert format_text([]) == ["[]"]


def test_error_messages_become_one_line() -> None:
    from octoclr.cli.call_cmd import one_line

    message = "There was a problem with your request.\n\n - Name is taken.\n\n  - Name is taken.\n - Slug is taken"
    assert one_line(message) == "There was a problem with your request. Name is taken. Slug is taken"
    assert one_line("Not found") == "Not found"
    assert one_line("Cannot connect\ncheck the URL") == "Cannot connect: check the URL"
