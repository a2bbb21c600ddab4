"""Calls: overloads, keywords, params, optional parameters, generics, delegates, conversions."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest


@pytest.fixture
def calc(shop):
    return shop.root.Calculator()


def test_overloads_chosen_by_argument_types(calc) -> None:
    assert calc.add(1, 2) == 3
    assert calc.add(1.5, 2) == 3.5
    assert calc.add("a", "b") == "ab"


def test_no_matching_overload_lists_the_dotnet_overloads(calc) -> None:
    with pytest.raises(TypeError) as caught:
        calc.add("a", 1)
    message = str(caught.value)
    assert "int Add(int a, int b)" in message and "string Add(string a, string b)" in message


def test_null_where_a_value_is_required(calc) -> None:
    with pytest.raises(TypeError, match="None given for 'x'"):
        calc.twice(None)


def test_keyword_arguments_by_snake_case_or_exact_name(calc) -> None:
    assert calc.greet(name="Ann", times=2) == "Hello Ann Hello Ann"
    assert calc.greet("Ann", greeting="Hi") == "Hi Ann"
    with pytest.raises(TypeError, match="no parameter named 'tims'"):
        calc.greet("Ann", tims=2)


def test_params_array(calc) -> None:
    assert calc.join("-", "a", "b", "c") == "a-b-c"
    assert calc.join("-", ["x", "y"]) == "x-y"
    assert calc.join("-") == ""


def test_enum_members_by_name(calc, shop) -> None:
    assert calc.describe("Green") == "colour Green"
    assert calc.describe("Fast, Cheap") == "features Fast, Cheap"
    assert calc.describe("green") == "colour Green"
    with pytest.raises(TypeError):
        calc.describe("Purple")
    store = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).widgets
    assert isinstance(store.by_colour("Red", "Blue"), list)


def test_lists_arrays_and_enumerables(calc) -> None:
    assert calc.total([1, 2, 3]) == 6
    assert calc.total_array((1, 2)) == 3
    assert calc.total_enumerable(x for x in range(4)) == 6
    with pytest.raises(TypeError, match=r"values\[1\]"):
        calc.total([1, "two"])


def test_dict_to_idictionary_of_string_object(calc) -> None:
    assert calc.keys({"b": 2, "a": "x", "c": None}) == "a,b,c=x,2,null"


def test_callables_become_delegates(calc) -> None:
    assert calc.apply(lambda v: v * 10, 4) == "r40"
    assert calc.test(lambda s: s.startswith("a"), "abc") is True
    seen = []
    calc.each(seen.append, 3)
    assert seen == [0, 1, 2]


def test_predicate_receives_proxies(shop) -> None:
    store = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).widgets
    store.create(shop.model.Widget(name="Off", is_disabled=True))
    found = store.find_many(lambda m: m.is_disabled)
    assert found and all(w.is_disabled for w in found)
    assert store.find_one(lambda m: m.name == "Off").name == "Off"
    pages = []
    store.paginate(lambda page: pages.append(len(page)) or True)
    assert sum(pages) == store.count()


def test_datetimes(calc) -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert calc.add_day(dt.datetime(2020, 1, 31, 10, 30, tzinfo=plus_two)) == dt.datetime(2020, 2, 1, 10, 30, tzinfo=plus_two)
    assert calc.add_hour(dt.datetime(2020, 1, 1, 23, 0, 0, 123456)) == dt.datetime(2020, 1, 2, 0, 0, 0, 123456)


def test_nullable_and_null(calc) -> None:
    assert calc.maybe(None) is None
    assert calc.maybe(4) == 8
    assert calc.nothing() is None


def test_results_are_python_values(calc) -> None:
    counts = calc.counts()
    assert counts["a"] == 1 and dict(counts) == {"a": 1, "b": 2}
    with pytest.raises(KeyError):
        counts["z"]


def test_streaming_result_is_a_lazy_iterator(shop) -> None:
    store = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).widgets
    stream = store.stream()
    assert iter(stream) is stream
    assert all(isinstance(w, shop.model.Widget) for w in stream)


def test_generic_method_with_explicit_type_argument(calc, shop) -> None:
    assert calc.type_name[shop.model.Widget]() == "Acme.Shop.Model.Widget"
    assert calc.type_name["Acme.Shop.Model.Part"]() == "Acme.Shop.Model.Part"
    assert calc.type_name[str]() == "System.String"
    made = calc.make[shop.model.Part]()
    assert isinstance(made, shop.model.Part)
    import System  # a raw .NET type works too

    assert calc.type_name[System.Int32]() == "System.Int32"
    with pytest.raises(TypeError, match="no loaded .NET type"):
        calc.type_name["No.Such.Type"]


def test_generic_method_infers_from_arguments(calc, shop) -> None:
    assert calc.echo("x") == "x"
    part = shop.model.Part(name="p")
    assert calc.echo(part) == part


def test_generic_default_returns_json_as_python_data(shop) -> None:
    client = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).client
    data = client.get("/a/b")
    assert data == {"Path": "/a/b", "Id": "0", "Items": [1, 2.5, True, None, "x"], "Nested": {"A": {"B": []}}}
    assert client.get("/a", {"id": 5})["Id"] == "5"
    typed = client.get[shop.model.Part]("/a")
    assert isinstance(typed, shop.model.Part)


def test_decimal(calc, shop) -> None:
    widget = shop.model.Widget(price=decimal.Decimal("12.345"))
    assert widget.price == decimal.Decimal("12.345")
    widget.price = 3
    assert widget.price == 3


def test_dict_for_an_object_parameter(shop) -> None:
    store = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).widgets
    created = store.create({"name": "FromDict", "colour": "Red", "parts": [{"name": "bolt", "count": 2}]})
    assert created.parts[0].count == 2
    with pytest.raises(ValueError, match="unknown key 'colr'"):
        store.create({"name": "x", "colr": "Red"})


def test_proxied_call_is_cached_per_argument_types(calc) -> None:
    group = type(calc).__dict__["add"].group  # the method group behind the generated function
    calc.add(1, 2)
    calc.add("a", "b")
    assert len(group._cache) >= 2
    assert calc.add(3, 4) == 7 and calc.add("c", "d") == "cd"


def test_bad_arguments_end_in_type_errors(calc, shop) -> None:
    with pytest.raises(TypeError, match="matches no overload"):
        calc.add(object(), 1)
    with pytest.raises(TypeError, match="matches no overload"):
        calc.add(1, 2, 3)
    with pytest.raises(ValueError, match="unknown key 'nmae' for Acme.Shop.Model.Widget"):
        calc.name_of({"nmae": "x"})
    with pytest.raises(TypeError):
        calc.apply("not callable", 1)
    with pytest.raises(TypeError):
        calc.total([1, None])


def test_exception_in_a_python_callback_reaches_the_caller(calc) -> None:
    def boom(value):
        raise RuntimeError("from Python")

    with pytest.raises(Exception, match="from Python"):
        calc.apply(boom, 1)
