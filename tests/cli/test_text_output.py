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
