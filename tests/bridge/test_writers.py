"""Compiled JSON writers: exactly Newtonsoft's text for every shape, or Newtonsoft itself.

``assets/Shapes.cs`` holds objects of every shape Newtonsoft writes in its own way
(each primitive, dates under several settings, enums, escapes, attributes, converters,
callbacks, polymorphism, collections, dictionaries, deep and looping graphs). Each is
written by a compiled writer and by ``JsonConvert.SerializeObject`` with the same
settings, and the texts must be equal.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _settings(shapes, name):
    json = shapes.newtonsoft
    if name == "defaults":
        return json.JsonSerializerSettings()
    if name == "python style":
        from octoclr.bridge import dicts

        return dicts._settings("python", None)
    return getattr(shapes.module.Samples, name)()


def _writer(shapes, json_settings):
    from octoclr.bridge import dicts, writers

    dicts._json_convert()
    return writers.CompiledWriter(json_settings, dicts._newtonsoft["convert"].Assembly)


def _dotnet_type(value):
    return None if isinstance(value, (str, int)) else value.GetType()


SETTINGS = ["defaults", "ClientSettings", "DateSettings", "CultureSettings", "python style"]


@pytest.mark.parametrize("settings_name", SETTINGS)
def test_every_shape_is_written_exactly_as_newtonsoft_writes_it(shapes, settings_name) -> None:
    json_settings = _settings(shapes, settings_name)
    writer = _writer(shapes, json_settings)
    assert writer.usable, writer.reason
    writer.prepare([t for t in map(_dotnet_type, shapes.samples) if t is not None])
    for sample in shapes.samples:
        expected = shapes.newtonsoft.JsonConvert.SerializeObject(sample, json_settings)
        first = writer.write(sample)  # types met here for the first time go to Newtonsoft...
        writer.learn()
        assert first == expected, sample
        assert writer.write(sample) == expected, sample  # ...and are compiled for the next time
        assert writer.write_utf8(sample).decode("utf-8") == expected, sample
    everything = shapes.module.Samples.All()
    assert writer.write(everything) == shapes.newtonsoft.JsonConvert.SerializeObject(everything, json_settings)


def test_plain_shapes_are_compiled_and_the_rest_left_to_newtonsoft(shapes) -> None:
    json_settings = _settings(shapes, "defaults")
    writer = _writer(shapes, json_settings)
    for _ in range(3):  # the array, then its items, then what their abstract properties hold
        writer.write(shapes.module.Samples.All())
        writer.learn()
    by_name = {str(_dotnet_type(s).Name): _dotnet_type(s) for s in shapes.samples if _dotnet_type(s) is not None}
    for name in ("Numbers", "Moments", "Enums", "Text", "Attributed", "Square", "Named", "Sealed", "Containers", "Object[]"):
        assert writer.compiles(by_name[name]), name
    for name in ("Conditional", "WithCallback", "WithDefaults", "WithExtensionData"):
        assert writer.compiles(by_name[name]) is False, name
    import clr

    assert writer.compiles(clr.GetClrType(shapes.module.Circle)) is True  # met behind an abstract property, then compiled


def test_utf8_text_of_a_long_array_comes_whole_and_the_buffer_is_reused(shapes) -> None:
    import System

    json_settings = _settings(shapes, "defaults")
    writer = _writer(shapes, json_settings)
    texts = System.Array[System.Object]([shapes.module.Text() for _ in range(20_000)])
    for index, item in enumerate(texts):
        item.Value = f"ü{index}"
    expected = shapes.newtonsoft.JsonConvert.SerializeObject(texts, json_settings)
    assert writer.write_utf8(texts).decode("utf-8") == expected
    assert writer.write_utf8(shapes.module.Text()) == b'{"Value":null}'  # nothing left over from the last call


def test_a_chain_deeper_than_the_limit_is_written_whole(shapes) -> None:
    from octoclr.bridge import writers

    json_settings = _settings(shapes, "defaults")
    writer = _writer(shapes, json_settings)
    chain = shapes.module.Samples.Chain(writers.DEPTH_LIMIT * 3)
    writer.prepare([_dotnet_type(chain)])
    assert writer.write(chain) == shapes.newtonsoft.JsonConvert.SerializeObject(chain, json_settings)


def test_a_reference_loop_fails_as_newtonsoft_fails(shapes) -> None:
    json_settings = _settings(shapes, "defaults")
    writer = _writer(shapes, json_settings)
    loop = shapes.module.Samples.Loop()
    writer.prepare([_dotnet_type(loop)])
    with pytest.raises(Exception) as expected:
        shapes.newtonsoft.JsonConvert.SerializeObject(loop, json_settings)
    with pytest.raises(Exception) as raised:
        writer.write(loop)
    assert type(raised.value) is type(expected.value)
    assert "Self referencing loop" in str(raised.value)


@pytest.mark.parametrize(
    "setting, value, reason",
    [
        ("TypeNameHandling", "All", "type names"),
        ("PreserveReferencesHandling", "Objects", "references"),
        ("ReferenceLoopHandling", "Ignore", "reference loops"),
        # Newtonsoft's Serialize, which a converter may call, resets a writer's date format string.
        ("DateFormatString", "dd/MM/yyyy HH:mm", "date format"),
    ],
)
def test_settings_that_change_the_whole_output_leave_it_to_newtonsoft(shapes, setting, value, reason) -> None:
    json_settings = shapes.newtonsoft.JsonSerializerSettings()
    enum_type = getattr(shapes.newtonsoft, setting, None)
    setattr(json_settings, setting, getattr(enum_type, value) if enum_type is not None else value)
    writer = _writer(shapes, json_settings)
    assert not writer.usable
    assert reason in writer.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.none() | st.text(), number=st.floats(allow_nan=True, allow_infinity=True))
def test_any_text_and_number_is_written_exactly(shapes, text, number) -> None:
    for settings_name in ("defaults", "DateSettings"):
        json_settings, writer = _writer_cache(shapes, settings_name)
        sample = shapes.module.Numbers()
        sample.Double = number
        holder = shapes.module.Text()
        holder.Value = text
        for value in (sample, holder):
            assert writer.write(value) == shapes.newtonsoft.JsonConvert.SerializeObject(value, json_settings)


_writers: dict = {}


def _writer_cache(shapes, name):
    if name not in _writers:
        json_settings = _settings(shapes, name)
        _writers[name] = (json_settings, _writer(shapes, json_settings))
    return _writers[name]


@pytest.mark.parametrize("style", ["python", "json"])
def test_to_dict_gives_the_same_with_and_without_compiled_writers(shapes, shop, monkeypatch, style) -> None:
    from octoclr.bridge import api, dicts

    samples = [s for s in shapes.samples if _dotnet_type(s) is not None]
    monkeypatch.setattr(dicts, "_COMPILE_AFTER_BYTES", 0)  # single objects through compiled writers too
    compiled = [api.to_dict(api.wrap(s), style=style) for s in samples]
    monkeypatch.setattr(dicts, "_compiled_writer", lambda settings: None)
    # (compared as text: NaN is not equal to itself)
    assert repr([api.to_dict(api.wrap(s), style=style) for s in samples]) == repr(compiled)



def test_single_objects_are_left_to_newtonsoft_until_their_text_would_pay_for_a_writer(shapes, monkeypatch) -> None:
    from octoclr.bridge import api, dicts

    text = shapes.module.Text()
    text.Value = "x" * 1000
    dotnet_type = _dotnet_type(text)
    monkeypatch.setattr(dicts, "_COMPILE_AFTER_BYTES", 3000)
    monkeypatch.setattr(dicts, "_single_text", {})
    monkeypatch.setattr(dicts, "_singles", {})
    writer = dicts._prepared("json", dotnet_type, [])[1]
    writer.forget([dotnet_type])
    seen = []
    for _ in range(4):
        assert api.to_dict(api.wrap(text), style="json") == {"Value": "x" * 1000}
        seen.append(writer.compiles(dotnet_type))
    # About 1 kB each: Newtonsoft writes the first three, a compiled writer the fourth.
    assert seen == [None, None, None, True]


@pytest.mark.parametrize("style", ["python", "json"])
def test_the_next_single_object_of_a_class_comes_out_as_the_first(shapes, style) -> None:
    from octoclr.bridge import api

    for sample in (s for s in shapes.samples if _dotnet_type(s) is not None):
        wrapped = api.wrap(sample)
        first = repr(api.to_dict(wrapped, style=style))  # (as text: NaN is not equal to itself)
        assert [repr(api.to_dict(wrapped, style=style)) for _ in range(2)] == [first, first], type(wrapped).__name__
