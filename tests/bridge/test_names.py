"""snake_case names: one pure function, no runtime needed."""

from __future__ import annotations

import pytest

from octoclr.bridge.names import alias_table, clashes, to_snake


@pytest.mark.parametrize(
    "dotnet, python",
    [
        ("FindByName", "find_by_name"),
        ("Id", "id"),
        ("IsDisabled", "is_disabled"),
        ("HTTPStatusCode", "http_status_code"),
        ("ApiKey", "api_key"),
        ("pathParameters", "path_parameters"),
        ("GetAsync", "get_async"),
        ("Sha256Hash", "sha256_hash"),
        ("ForSpace", "for_space"),
        ("RootDocument", "root_document"),
        ("From", "from_"),
        ("@class", "class_"),
        ("None", "none"),
        ("IOctopusRepository", "i_octopus_repository"),
    ],
)
def test_to_snake(dotnet: str, python: str) -> None:
    assert to_snake(dotnet) == python


def test_alias_table_keeps_exact_names_and_adds_snake_case() -> None:
    table = alias_table(["FindByName", "Name"])
    assert table == {"FindByName": "FindByName", "find_by_name": "FindByName", "Name": "Name", "name": "Name"}


def test_clash_goes_to_the_member_spelled_like_the_snake_name() -> None:
    table = alias_table(["Size", "size"])
    assert table["size"] == "size"
    assert table["Size"] == "Size"


def test_clash_without_an_exact_owner_is_left_out_and_reported() -> None:
    names = ["HTTPStatus", "HttpStatus"]
    table = alias_table(names)
    assert "http_status" not in table
    assert clashes(names) == {"http_status": ["HTTPStatus", "HttpStatus"]}
