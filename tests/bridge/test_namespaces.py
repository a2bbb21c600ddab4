"""Namespaces of proxy classes and the top-level hook."""

from __future__ import annotations

import pytest

from octoclr.bridge import api


def test_namespace_types_and_children(shop) -> None:
    assert "Widget" in dir(shop.model)
    assert "Model" in dir(api.namespace("Acme.Shop"))
    assert api.namespace("Acme.Shop").Model.Widget is shop.model.Widget
    with pytest.raises(AttributeError, match="did you mean Widget"):
        shop.model.Widgt


def test_generic_type_from_a_namespace(shop) -> None:
    generic = api.namespace("System.Collections.Generic")
    strings = generic.List[str]()
    strings.add("a")
    assert strings == ["a"]
    assert isinstance(shop.root.ShopRepository(shop.root.ShopEndpoint("x")).widgets, shop.root.IGet[shop.model.Widget])


def test_top_level_uses_the_configured_namespaces(shop, monkeypatch) -> None:
    loads = []
    monkeypatch.setattr(api, "loader", lambda: loads.append(1))
    monkeypatch.setattr(api, "config", api.config)
    api.configure(root_namespace="Acme.Shop", model_namespace="Acme.Shop.Model")
    assert api.top_level("ShopEndpoint") is shop.root.ShopEndpoint
    assert api.top_level("model").Widget is shop.model.Widget
    assert loads == []
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        api.top_level("Nothing")
    # An unknown name loads the client (when load() has not run) before giving up.
    assert loads == ([] if api._client_loaded() else [1])


def test_namespace_needs_a_name(shop) -> None:
    with pytest.raises(TypeError):
        api.namespace("")
