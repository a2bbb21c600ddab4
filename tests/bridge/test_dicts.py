"""to_dict / from_dict: both styles, errors naming keys and fields, lossless round trip."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octoclr.bridge import api


@pytest.fixture
def widget(shop):
    store = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).widgets
    return store.create(
        shop.model.Widget(
            name="Dict",
            colour="Blue",
            features="Fast, Cheap",
            price=decimal.Decimal("9.99"),
            quantity=3,
            weight=1.5,
            created_at=dt.datetime(2021, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            tags=["a", "b"],
            attributes={"k": "v"},
            parts=[{"name": "bolt", "count": 4}],
            owner={"name": "me", "count": 1},
        )
    )


def test_python_style(widget) -> None:
    data = api.to_dict(widget)
    assert data["id"] == widget.id and data["name"] == "Dict"
    assert data["colour"] == "Blue" and data["features"] == "Fast, Cheap"
    assert data["price"] == decimal.Decimal("9.99") and data["weight"] == 1.5
    assert data["created_at"] == dt.datetime(2021, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert data["parts"] == [{"name": "bolt", "count": 4}]
    assert data["owner"] == {"name": "me", "count": 1}
    assert data["links"]["Self"] == f"/api/widgets/{widget.id}"  # dictionary keys stay as they are
    assert data["released_on"] is None


def test_python_style_matches_reading_the_properties(widget) -> None:
    data = api.to_dict(widget)
    for key in ("name", "colour", "price", "quantity", "weight", "created_at", "is_disabled", "id"):
        assert data[key] == getattr(widget, key), key


def test_json_style_uses_the_libraries_own_serializer_settings(widget) -> None:
    data = api.to_dict(widget, style="json")
    assert data["Name"] == "Dict" and data["Id"] == widget.id
    # The library's JsonSerialization settings write enums as names; Newtonsoft's defaults would not.
    assert data["Colour"] == "Blue"
    assert data["CreatedAt"].startswith("2021-05-06T07:08:09.123456")
    assert data["Links"]["Self"].endswith(widget.id)


def test_list_of_objects_is_serialized_at_once(shop, widget) -> None:
    items = [widget, shop.model.Part(name="p", count=2)]
    assert api.to_dict(items) == [api.to_dict(widget), {"name": "p", "count": 2}]


def test_to_dict_of_dotnet_collections(shop, widget) -> None:
    assert api.to_dict(widget.parts) == [{"name": "bolt", "count": 4}]
    assert api.to_dict(widget.tags) == ["a", "b"]
    assert api.to_dict(widget.attributes) == {"k": "v"}
    store = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).widgets
    found = store.find_many(lambda w: w.name == "Dict")
    assert isinstance(found, list) and api.to_dict(found)[0]["name"] == "Dict"


def test_from_dict_accepts_both_styles(shop, widget) -> None:
    for style in ("python", "json"):
        rebuilt = api.from_dict(api.to_dict(widget, style=style), shop.model.Widget)
        assert api.to_dict(rebuilt) == api.to_dict(widget), style


def test_from_dict_unknown_key_names_key_and_type(shop) -> None:
    with pytest.raises(ValueError, match="unknown key 'nmae' for Acme.Shop.Model.Widget; did you mean name"):
        api.from_dict({"nmae": "x"}, shop.model.Widget)
    assert api.from_dict({"nmae": "x", "name": "y"}, shop.model.Widget, strict=False).name == "y"


def test_from_dict_wrong_value_names_the_field(shop) -> None:
    with pytest.raises(TypeError, match="Widget.Quantity"):
        api.from_dict({"quantity": "lots"}, shop.model.Widget)
    with pytest.raises(TypeError, match="None given"):
        api.from_dict({"quantity": None}, shop.model.Widget)
    with pytest.raises(TypeError, match=r"Widget.Parts\[0\]"):
        api.from_dict({"parts": ["bolt"]}, shop.model.Widget)
    with pytest.raises(TypeError, match="expected a dict"):
        api.from_dict(["x"], shop.model.Widget)


def test_from_dict_type_by_name_and_bad_types(shop) -> None:
    assert api.from_dict({"name": "n"}, "Acme.Shop.Model.Part").name == "n"
    with pytest.raises(TypeError, match="cannot be created"):
        api.from_dict({}, shop.model.Entity)
    with pytest.raises(TypeError, match="no loaded .NET type"):
        api.from_dict({}, "Acme.Nothing")


def test_to_dict_style_is_checked(widget) -> None:
    with pytest.raises(ValueError, match="style"):
        api.to_dict(widget, style="yaml")


def test_to_dict_of_plain_values(shop) -> None:
    assert api.to_dict({"a": [1, "x"]}) == {"a": [1, "x"]}


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
parts = st.fixed_dictionaries({"name": st.none() | text, "count": st.integers(-(2**31), 2**31 - 1)})
widgets = st.fixed_dictionaries(
    {
        "id": st.none() | text,
        "name": st.none() | text,
        "colour": st.sampled_from(["Red", "Green", "Blue"]),
        "features": st.sampled_from(["None", "Fast", "Cheap", "Fast, Cheap"]),
        "price": st.decimals(min_value=-(10**9), max_value=10**9, places=4),
        "quantity": st.integers(-(2**31), 2**31 - 1),
        "weight": st.none() | st.floats(allow_nan=False, allow_infinity=False),
        "is_disabled": st.booleans(),
        "created_at": st.builds(lambda m, tz: m.replace(tzinfo=tz), moments, offsets),
        "released_on": st.none() | moments,
        "tags": st.lists(st.none() | text, max_size=4),
        "attributes": st.dictionaries(text, st.none() | text, max_size=4),
        "parts": st.lists(parts, max_size=3),
        "owner": st.none() | parts,
        "links": st.dictionaries(st.text("abcdefgh", min_size=1, max_size=5), st.none() | text, max_size=3),
        "revision": st.integers(-(2**31), 2**31 - 1),
        "read_only_note": st.just("note"),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=widgets)
def test_round_trip_is_lossless(shop, data) -> None:
    links = {}
    for key, value in data["links"].items():  # the links dictionary ignores case
        if key.lower() not in {k.lower() for k in links}:
            links[key] = value
    data = {**data, "links": links}
    rebuilt = api.from_dict(data, shop.model.Widget)
    assert api.to_dict(rebuilt) == data
    assert api.to_dict(api.from_dict(api.to_dict(rebuilt, style="json"), shop.model.Widget)) == data


@pytest.mark.parametrize("style", ["python", "json"])
def test_a_long_list_converts_in_chunks_exactly_as_item_by_item(shop, widget, style) -> None:
    # Long lists are serialized in chunks on a worker thread while the previous chunk is parsed.
    widgets = []
    for index in range(2500):
        copy = api.from_dict(api.to_dict(widget), shop.model.Widget)
        copy.name = f"Widget {index}"
        widgets.append(copy)
    at_once = api.to_dict(widgets, style=style)
    one_by_one = [api.to_dict(item, style=style) for item in widgets]
    assert len(at_once) == 2500
    assert at_once == one_by_one
    assert [item["name" if style == "python" else "Name"] for item in at_once[::500]] == [
        f"Widget {index}" for index in range(0, 2500, 500)
    ]


def test_python_style_writes_an_object_behind_an_abstract_type_from_its_own_properties(octopus) -> None:
    machine = api.from_dict(
        {
            "Name": "web01",
            "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web01:10933/", "Thumbprint": "8A7E61"},
        },
        octopus.model.MachineResource,
    )
    endpoint = machine.endpoint
    written = api.to_dict(machine)["endpoint"]
    # Every property of the runtime class, as reading them gives it: the client's converter
    # for the endpoint hierarchy (there to pick the class when reading) is not used, and
    # the null id it leaves out of its REST JSON is here.
    names = {p.Name for p in api.unwrap(endpoint).GetType().GetProperties()}
    assert set(written) == set(map(_snake, names))
    assert written["communication_style"] == "TentaclePassive" == endpoint.communication_style
    assert (written["uri"], written["thumbprint"], written["id"]) == (endpoint.uri, endpoint.thumbprint, None)
    assert written == api.to_dict(endpoint)
    # The JSON style is the REST shape, written by that converter.
    rest = api.to_dict(machine, style="json")["Endpoint"]
    assert rest["CommunicationStyle"] == "TentaclePassive" and "Id" not in rest
    assert api.to_dict(api.from_dict(api.to_dict(machine), octopus.model.MachineResource))["endpoint"] == written


def _snake(name: str) -> str:
    from octoclr.bridge.names import to_snake

    return to_snake(name)


def test_objects_behind_an_abstract_type_get_their_own_classes_python_values(shapes) -> None:
    import datetime as dt

    from octoclr.bridge import api

    circle = shapes.module.Circle()
    circle.Id, circle.Radius, circle.Size = "c", 1.0, shapes.module.Size.Large
    drawn = dt.datetime(2022, 2, 3, 4, 5, 6, 789000, tzinfo=dt.timezone.utc)
    api.wrap(circle).drawn_at = drawn
    square = shapes.module.Square()
    square.Id, square.Side, square.Inner = "s", 2.0, circle
    holder = shapes.module.Containers()
    api.wrap(holder).shapes = [square, circle]
    written = api.to_dict(api.wrap(holder))["shapes"]
    # Written by each object's own class; read with the abstract type's plan, which takes
    # on its subclasses' conversions: the date, the enum name, the nested shape.
    assert written[1] == {"radius": 1.0, "drawn_at": drawn, "size": "Large", "id": "c"}
    assert written[0]["inner"] == written[1] and written[0]["side"] == 2.0
    assert api.to_dict(api.wrap(circle)) == written[1]


def test_to_dict_failures_inside_dotnet_are_octoclr_errors(shapes) -> None:
    import System

    from octoclr import errors

    with pytest.raises(errors.DotNetError, match="Self referencing loop"):
        api.to_dict(api.wrap(shapes.module.Samples.Loop()))
    text = shapes.module.Text()
    text.Value = System.String(System.Convert.ToChar(0xD800), 1)  # a lone surrogate: not valid UTF-16
    with pytest.raises(errors.DotNetError):
        api.to_dict([api.wrap(text)] * 3)


API_KEY = "API-" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_to_dict_masks_secrets_unless_named(octopus) -> None:
    endpoint = octopus.client.OctopusServerEndpoint("http://octopus.example:8065", API_KEY)
    assert api.to_dict(endpoint)["api_key"] == "********"
    assert api.to_dict(endpoint, style="json")["ApiKey"] == "********"
    assert api.to_dict([endpoint, endpoint])[1]["api_key"] == "********"  # the list path too
    # Asked for by name, in either spelling; True shows them all.
    assert api.to_dict(endpoint, reveal=("ApiKey",))["api_key"] == API_KEY
    assert api.to_dict(endpoint, style="json", reveal="api_key")["ApiKey"] == API_KEY
    assert api.to_dict([endpoint], reveal=True)[0]["api_key"] == API_KEY
    assert API_KEY not in repr(api.to_dict(endpoint, reveal=("password",)))
    login = octopus.model.LoginCommand(username="me", password="correct horse")
    assert api.to_dict(login) == {**api.to_dict(login, reveal=True), "password": "********"}
    assert api.to_dict(login)["username"] == "me"
    with pytest.raises(TypeError, match="reveal takes member names"):
        api.to_dict(login, reveal=(1,))


def test_a_type_without_secrets_is_decided_once_and_left_as_written(widget) -> None:
    from octoclr.bridge import masking

    assert not masking.holds_secrets(api.unwrap(widget).GetType())
    assert api.to_dict(widget) == api.to_dict(widget, reveal=True)


def test_masking_keeps_flags_and_dictionary_entries_and_hides_sensitive_values() -> None:
    from octoclr.bridge import masking

    masking._secret_keys.update(("Password", "password"))
    data = {"Password": {"HasValue": True, "NewValue": "s3cret"}, "Links": {"ApiKeys": "/api/users/Users-1/apikeys"},
            "Variables": [{"Name": "db", "Value": "hunter2", "IsSensitive": True}, {"Name": "url", "Value": "x", "IsSensitive": False}]}
    masked = masking.mask(data)
    assert masked["Password"] == {"HasValue": True, "NewValue": "********"}
    assert masked["Links"] == data["Links"]
    assert [v["Value"] for v in masked["Variables"]] == ["********", "x"]
    assert masking.mask(data, masking.reveal_set(["value"]))["Variables"][0]["Value"] == "hunter2"
