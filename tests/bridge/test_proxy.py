"""Proxies: attribute access by snake_case and exact names, dir, repr, help, isinstance, protocols."""

from __future__ import annotations

import pydoc

import pytest

from octoclr.bridge import api


@pytest.fixture
def repository(shop):
    return shop.root.ShopRepository(shop.root.ShopEndpoint("http://localhost", "API-AAAAAAAAAAAAAAAAAAAAAAAA"))


@pytest.fixture
def widget(shop):
    return shop.model.Widget(id="widgets-7", name="Seven", colour="Blue", tags=["a"], attributes={"k": "v"})


def test_properties_by_snake_case_and_exact_name(widget) -> None:
    assert widget.name == "Seven"
    assert widget.Name == "Seven"
    widget.name = "Renamed"
    assert widget.Name == "Renamed"
    widget.Name = "Again"
    assert widget.name == "Again"


def test_fields_and_constants(shop, widget) -> None:
    widget.revision = 3
    assert widget.Revision == 3
    assert shop.model.Widget.max_tags == 10


def test_members_of_inherited_interfaces_behind_an_internal_class(repository) -> None:
    store = repository.widgets
    # Count is declared on IWidgetStore, Get on IGet<Widget>, FindAll on IFindAll<Widget>.
    assert isinstance(store.count(), int)
    assert isinstance(store.find_all(), list)
    assert "find_by_name" in dir(store) and "get" in dir(store)


def test_dir_lists_snake_case_names(widget) -> None:
    names = dir(widget)
    assert {"name", "is_disabled", "created_at", "links", "describe"} <= set(names)
    assert "IsDisabled" not in names


def test_unknown_attribute_suggests_close_matches(widget) -> None:
    with pytest.raises(AttributeError, match="did you mean name"):
        widget.nmae
    with pytest.raises(AttributeError, match="has no member 'colr'"):
        widget.colr = "Red"


def test_read_only_property_cannot_be_set(widget) -> None:
    with pytest.raises(AttributeError, match="read-only"):
        widget.read_only_note = "x"


def test_wrong_value_for_a_property_is_a_type_error_naming_it(widget) -> None:
    with pytest.raises(TypeError, match="Widget.Quantity"):
        widget.quantity = "many"
    with pytest.raises(TypeError, match="None given"):
        widget.quantity = None
    with pytest.raises(TypeError, match="Colour"):
        widget.colour = "Purple"


def test_repr_shows_type_id_and_name(widget, repository) -> None:
    assert repr(widget) == "<Acme.Shop.Model.Widget Id='widgets-7' Name='Seven'>"
    assert "Acme.Shop.Store" in repr(repository.widgets)


def test_repr_redacts_secrets(shop) -> None:
    from octoclr import secrets

    secrets.register("hunter2-password")
    widget = shop.model.Widget(name="hunter2-password")
    assert "hunter2" not in repr(widget)


def test_help_shows_dotnet_signatures(widget, repository) -> None:
    text = pydoc.render_doc(type(widget), renderer=pydoc.plaintext)
    assert "Acme.Shop.Model.Widget" in text
    assert "DateTimeOffset CreatedAt { get; set; }" in text
    method_doc = repository.widgets.get.__doc__
    assert "Widget Get(string id)" in method_doc


def test_isinstance_with_classes_and_interfaces(shop, widget, repository) -> None:
    assert isinstance(widget, shop.model.Widget)
    assert isinstance(widget, shop.model.Entity)
    assert not isinstance(widget, shop.model.Part)
    assert isinstance(repository, shop.root.IShopRepository)
    assert isinstance(repository.widgets, shop.root.IWidgetStore)
    assert isinstance(repository.widgets, shop.root.IGet[shop.model.Widget])


def test_wrap_and_unwrap_round_trip(widget) -> None:
    raw = api.unwrap(widget)
    assert type(raw).__name__ == "Widget" and raw.Name == "Seven"
    assert api.wrap(raw) == widget
    assert api.wrap(5) == 5


def test_constructor_with_keywords_sets_properties(shop) -> None:
    login = shop.model.LoginRequest(username="me", password="secret", remember_me=True)
    assert (login.username, login.password, login.remember_me) == ("me", "secret", True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'usrname'"):
        shop.model.LoginRequest(usrname="me")


def test_constructor_overloads_and_keyword_parameters(shop) -> None:
    assert shop.root.ShopEndpoint("http://a").api_key is None
    assert shop.root.ShopEndpoint("http://a", api_key="API-X").api_key == "API-X"
    with pytest.raises(TypeError, match="ShopEndpoint"):
        shop.root.ShopEndpoint(42)


def test_interfaces_and_abstract_classes_cannot_be_created(shop) -> None:
    with pytest.raises(TypeError, match="interface"):
        shop.root.IWidgetStore()
    with pytest.raises(TypeError, match="abstract"):
        shop.model.Entity()


def test_name_clash_reachable_by_exact_names(shop) -> None:
    gadget = shop.model.Gadget(Size=1)
    gadget.size = 2  # the member spelled "size" owns the snake_case name
    assert (gadget.Size, gadget.size) == (1, 2)
    setattr(gadget, "class", "x")
    assert gadget.class_ == "x"


def test_list_property_is_a_live_sequence(widget) -> None:
    tags = widget.tags
    assert tags == ["a"] and len(tags) == 1
    tags.append("b")
    tags.extend(["c"])
    assert list(widget.tags) == ["a", "b", "c"]
    assert tags[-1] == "c" and tags[0:2] == ["a", "b"]
    del tags[0]
    assert widget.tags == ["b", "c"]
    with pytest.raises(IndexError):
        tags[10]
    with pytest.raises(TypeError):
        tags.append(5)


def test_dictionary_property_is_a_mapping_with_key_error(widget) -> None:
    attributes = widget.attributes
    assert attributes["k"] == "v" and dict(attributes) == {"k": "v"}
    attributes["n"] = "m"
    assert sorted(attributes.keys()) == ["k", "n"] and "n" in attributes
    with pytest.raises(KeyError):
        attributes["missing"]
    assert attributes.get("missing", 1) == 1
    del attributes["n"]
    assert len(attributes) == 1


def test_link_lookup_on_a_dictionary_subclass(repository, shop) -> None:
    created = repository.widgets.create(shop.model.Widget(name="Linked"))
    assert created.links["Self"] == f"/api/widgets/{created.id}"
    assert created.links["self"] == created.links["Self"]  # the dictionary's own comparer
    assert isinstance(created.links["Self"], str)


def test_disposable_is_a_context_manager(shop) -> None:
    before = shop.root.Session.Disposed
    with shop.root.Session() as session:
        assert session.is_open
    assert not session.is_open
    assert shop.root.Session.Disposed == before + 1


def test_static_members_on_the_class(shop) -> None:
    assert shop.root.Calculator.twice(21) == 42
    repository = shop.root.ShopRepository.open(shop.root.ShopEndpoint("http://x"))
    assert isinstance(repository, shop.root.ShopRepository)
    with pytest.raises(AttributeError, match="did you mean twice"):
        shop.root.Calculator.twise


def test_instance_method_on_the_class_needs_an_object(shop) -> None:
    with pytest.raises(TypeError, match="instance method"):
        shop.root.Calculator.add(1, 2)


def test_static_property_set_on_the_class(shop) -> None:
    import datetime as dt

    clock = shop.root.Clock
    clock.timeout = dt.timedelta(seconds=5)
    assert clock.timeout == dt.timedelta(seconds=5)
    assert clock.Timeout == dt.timedelta(seconds=5)
    with pytest.raises(TypeError, match="Clock.Timeout"):
        clock.timeout = "soon"
    with pytest.raises(AttributeError, match="belongs to objects"):
        shop.model.Widget.name = "x"


def test_indexer_of_a_class_that_is_no_collection(shop) -> None:
    shelf = shop.root.Shelf()
    assert shelf["a"] == 1
    shelf["b"] = 2
    assert shelf["b"] == 2
    with pytest.raises(KeyError):
        shelf["missing"]
    with pytest.raises(TypeError):
        shelf["c"] = "two"


def test_nested_types_on_the_class(shop) -> None:
    label = shop.root.Shelf.Label(text="x")
    assert label.text == "x"


def test_binding_flags_by_value_are_the_flags_of_their_names(shop) -> None:
    from System.Reflection import BindingFlags

    from octoclr.bridge.reflection import _BINDING_FLAG_VALUES, binding_flags

    for name in _BINDING_FLAG_VALUES:
        assert binding_flags(name) == getattr(BindingFlags, name), name
    assert binding_flags("Public", "NonPublic", "Instance") == BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
