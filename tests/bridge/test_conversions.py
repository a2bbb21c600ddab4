"""Values crossing into .NET that must not cross as they are: text a .NET string cannot hold,
numbers outside their type's range, enum values that are no member, .NET objects where text
is declared, keys a dictionary cannot have; and primitive constructor parameters, which reach
.NET through reflection rather than pythonnet's own binding.

Each bad value is an error of :mod:`octoclr.errors` naming the member and the position, and
the process goes on (a lone surrogate handed to pythonnet would end it).
"""

from __future__ import annotations

import decimal
import json

import pytest

from octoclr import errors
from octoclr.bridge import api

LONE = json.loads('"x\\ud800y"')  # what json makes of half a surrogate pair
ESCAPED = b"caf\xe9".decode("utf-8", "surrogateescape")  # a Latin-1 byte kept by surrogateescape


@pytest.fixture
def inventory(acme):
    item = acme.inventory.Item("a-1", "Apple", 10)
    return acme.inventory.Warehouses.open("North", item).inventory


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [LONE, ESCAPED, "\udfff", "\ud83d"], ids=["json", "surrogateescape", "low", "high"])
def test_lone_surrogates_are_refused_naming_the_argument(inventory, bad: str) -> None:
    for _ in range(2):  # the second call takes the remembered plan
        with pytest.raises(errors.InvalidTextError, match=r"Find\(\) argument sku: .*unpaired surrogate") as raised:
            inventory.find(bad)
    assert isinstance(raised.value, (UnicodeError, ValueError, TypeError, errors.ConversionError))
    assert raised.value.position == bad.index(next(c for c in bad if "\ud800" <= c <= "\udfff"))
    with pytest.raises(errors.InvalidTextError, match=r"argument skus\[1\]"):
        inventory.find("a-1", bad)
    assert inventory.find("a-1").name == "Apple"  # still here, still working


def test_lone_surrogates_in_setters_constructors_and_collections(acme, inventory) -> None:
    Item = acme.inventory.Item
    item = inventory.find("a-1")
    cases = {
        r"Item\.Name: ": lambda: setattr(item, "name", LONE),
        r"Item\(\) argument sku: ": lambda: Item(LONE, "n", 1),
        r"Item\(\) argument name: ": lambda: Item(sku="s", name=LONE, quantity=1),
        r"Item\.Name: .*index 1": lambda: Item(name=LONE),  # a keyword that sets a property
        r"Item\.Tags\[1\]: ": lambda: setattr(item, "tags", ["ok", LONE]),
        r"options\['minimum'\]: ": lambda: inventory.totals({"minimum": LONE}),
        r"options key: ": lambda: inventory.totals({LONE: 1}),
        r"options\['x'\]\[1\]\['y'\]: ": lambda: inventory.totals({"x": [1, {"y": LONE}]}),
        r"Get\(\) argument sku: ": lambda: inventory.get[Item](LONE),  # a generic method
        r"Item\.Name: ": lambda: api.from_dict({"sku": "s", "name": LONE}, Item),
    }
    for where, attempt in cases.items():
        with pytest.raises(errors.InvalidTextError, match=where):
            attempt()
    assert item.name == "Apple" and list(item.tags) == []


def test_lone_surrogates_in_the_client_endpoint_and_links(octopus) -> None:
    Endpoint = octopus.client.OctopusServerEndpoint
    with pytest.raises(errors.InvalidTextError, match="argument octopus_server_address: .*index 9"):
        Endpoint("http://x" + LONE, "API-X")
    with pytest.raises(errors.InvalidTextError, match="argument api_key") as raised:
        Endpoint("http://localhost", "API-SECRET" + LONE)
    assert "SECRET" not in str(raised.value)  # the text itself is never shown
    links = octopus.model.MachineResource().links
    with pytest.raises(errors.InvalidTextError, match=r"LinkCollection\['Self'\]"):
        links["Self"] = LONE
    with pytest.raises(errors.InvalidTextError, match="LinkCollection key"):
        links[LONE]


def test_characters_beyond_the_bmp_and_accents_pass(acme, inventory) -> None:
    item = inventory.find("a-1")
    item.name = "cake 🎂 café"
    assert item.name == "cake 🎂 café" and inventory.find("A-1").name == "cake 🎂 café"
    emoji = acme.inventory.Item("🎂", "🎂", 1)
    inventory.add(emoji)
    assert inventory.find("🎂").sku == "🎂"
    assert api.from_dict({"sku": "ü", "tags": ["😀"]}, acme.inventory.Item).tags[0] == "😀"


# --- constructors of every primitive parameter type ----------------------------------------------


def test_constructors_take_every_primitive_parameter_type(acme) -> None:
    Parcel = acme.inventory.Parcel
    assert Parcel(3, "Low").summary == "int=3 level=Low"
    assert Parcel(level="Plenty", crates=3).summary == "int=3 level=Plenty"
    assert Parcel(200, -300, 5_000_000_000, 2.5, "Z").summary == "byte=200 short=-300 long=5000000000 double=2.5 char=Z"
    assert Parcel(1.5, 65535, 2**32 - 1, 2**64 - 1, -128, True, 9.99).summary == (
        "float=1.5 ushort=65535 uint=4294967295 ulong=18446744073709551615 sbyte=-128 bool=True decimal=9.99")
    assert Parcel(volume=0.25, small=1, medium=2, large=3, offset=-1, fragile=False, value=decimal.Decimal("1.25")).summary == (
        "float=0.25 ushort=1 uint=2 ulong=3 sbyte=-1 bool=False decimal=1.25")
    assert Parcel(None, None, None).summary == "int?=null level?=null double?=null"
    assert Parcel(4, "Empty", 1.5).summary == "int?=4 level?=Empty double?=1.5"
    assert Parcel.repeat(7, 3, "-") == "7-7-7"  # a generic method: reflection too
    with pytest.raises(errors.ConversionOverflowError, match=r"Parcel\(\) argument pallets: 256 is outside the range of Byte \(0 to 255\)"):
        Parcel(256, 0, 0, 0.0, "Z")


def test_a_retention_period_is_built_positionally_or_by_keyword(octopus) -> None:
    model = octopus.model
    period = model.RetentionPeriod(3, "Items")
    assert (period.quantity_to_keep, period.unit, str(period)) == (3, "Items", "3 Items")
    assert model.RetentionPeriod(quantity_to_keep=5, unit="Days") == model.RetentionPeriod(5, "Days")
    lifecycle = model.LifecycleResource(name="Short", release_retention_policy=model.RetentionPeriod(1, "Days"))
    assert api.to_dict(lifecycle)["release_retention_policy"] == {"quantity_to_keep": 1, "unit": "Days", "should_keep_forever": False}
    with pytest.raises(errors.ConversionOverflowError, match="quantity_to_keep"):
        model.RetentionPeriod(2**40, "Days")


# --- .NET objects where text is declared -----------------------------------------------------------


def test_an_object_is_never_sent_as_its_tostring(acme, inventory) -> None:
    item = inventory.find("a-1")
    with pytest.raises(TypeError, match=r"Find\(Item\) matches no overload.*\n.*Find\(string sku\)\n.*Find\(params string\[\] skus\)"):
        inventory.find(item)
    with pytest.raises(TypeError, match="matches no overload"):
        inventory.find("a-1", item)  # an item of a params string[]
    with pytest.raises(errors.ConversionError, match=r"Item\.Name: cannot use a Item as string"):
        item.name = acme.inventory.Item("b-1", "Banana", 1)
    assert item.name == "Apple"


def test_an_implicit_conversion_to_text_is_used(octopus, inventory) -> None:
    # A link (Href) converts to string implicitly in C#, so it does here: by its operator, not ToString().
    machine = octopus.model.MachineResource()
    machine.links["Self"] = "a-1"
    href = api.unwrap(machine.links)["Self"]  # the .NET Href itself
    assert not isinstance(href, str)
    assert inventory.find(href).name == "Apple"


# --- numbers out of range, enum values, keys ---------------------------------------------------------


def test_numbers_out_of_range_name_the_member(acme, inventory) -> None:
    item = inventory.find("a-1")
    with pytest.raises(errors.ConversionOverflowError, match=r"Item\.Quantity: 1099511627776 is outside the range of int") as raised:
        item.quantity = 2**40
    assert isinstance(raised.value, OverflowError)
    with pytest.raises(errors.ConversionOverflowError, match=r"Item\.ReorderAt: "):
        item.reorder_at = -2**31 - 1
    with pytest.raises(errors.ConversionOverflowError, match=r"Item\.Price: .*decimal"):
        item.price = 10**40
    with pytest.raises(errors.ConversionError, match=r"Item\.Price: nan"):
        item.price = float("nan")
    inventory.take("a-1", 1)  # remembered plan for (str, int)
    for _ in range(2):
        with pytest.raises(errors.ConversionOverflowError, match=r"Take\(\) argument quantity: 1099511627776"):
            inventory.take("a-1", 2**40)
    assert item.quantity == 9


def test_wrong_enum_values_name_the_member_and_the_members(shop) -> None:
    widget = shop.model.Widget()
    for bad in ("Purple", 7, 2**70, "Red,"):
        with pytest.raises(errors.InvalidEnumValueError, match=r"Widget\.Colour: .* is not a member of Colour \(its members: Red, Green, Blue\)") as raised:
            widget.colour = bad
        assert isinstance(raised.value, ValueError)
    widget.colour = "green"
    widget.features = 3  # a [Flags] enum takes combinations
    assert (widget.colour, widget.features) == ("Green", "Fast, Cheap")
    with pytest.raises(errors.InvalidEnumValueError):
        widget.features = 2**40


def test_dictionary_keys_that_cannot_be_there_are_key_errors(octopus) -> None:
    links = octopus.model.MachineResource().links
    links["Self"] = "/api/machines/machines-1"
    for key, words in ((None, "never None"), ("Missing", "no key 'Missing'"), (5, "no key 5")):
        with pytest.raises(errors.KeyNotFoundError, match=words) as raised:
            links[key]
        assert isinstance(raised.value, KeyError) and raised.value.key == key
        assert "   at " not in str(raised.value)  # no .NET stack trace
    assert None not in links and links.get(None) is None and links.get("Self") == "/api/machines/machines-1"
    with pytest.raises(errors.KeyNotFoundError):
        del links["Missing"]
    with pytest.raises(errors.ConversionError, match="None cannot be a key"):
        links[None] = "/api"
