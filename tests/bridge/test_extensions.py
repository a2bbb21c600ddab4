"""Extension methods are methods of the objects they extend."""

from __future__ import annotations

import pytest


def test_extension_method_on_an_interface(shop) -> None:
    repository = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x"))
    scoped = repository.for_area("eu")
    assert scoped.scope == "eu"
    assert repository.ForArea("us").scope == "us"
    assert "for_area" in dir(repository)


def test_extension_method_on_a_class(shop) -> None:
    widget = shop.model.Widget(name="W")
    assert widget.describe("name: ") == "name: W"


def test_extension_not_offered_to_unrelated_types(shop) -> None:
    part = shop.model.Part(name="p")
    with pytest.raises(AttributeError):
        part.for_area("eu")
    with pytest.raises(TypeError, match="ForArea"):
        shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).for_area(42)


def test_static_call_of_the_extension_class(shop) -> None:
    repository = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x"))
    assert shop.root.ShopRepositoryExtensions.for_area(repository, "ap").scope == "ap"
