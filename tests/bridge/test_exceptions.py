"""Every .NET exception becomes an octoclr error, converted in one place."""

from __future__ import annotations

import pytest

from octoclr import errors


@pytest.fixture
def calc(shop):
    return shop.root.Calculator()


@pytest.fixture
def exceptions(shop):
    from octoclr.bridge import exceptions

    return exceptions


@pytest.mark.parametrize(
    "kind, error_class, builtin",
    [
        (0, errors.NotFoundError, LookupError),
        (1, errors.ValidationError, ValueError),
        (2, errors.ServerError, errors.OctopusError),
        (3, errors.OctopusConnectionError, ConnectionError),
        (4, errors.UnsupportedServerError, errors.OctopusError),
        (5, errors.NotFoundError, LookupError),  # TargetInvocationException unwrapped
        (6, errors.NotFoundError, LookupError),  # AggregateException unwrapped
    ],
)
def test_mapping(calc, kind, error_class, builtin) -> None:
    with pytest.raises(error_class) as caught:
        calc.fail_with(kind)
    assert isinstance(caught.value, builtin)
    assert isinstance(caught.value, errors.OctoclrError)
    assert caught.value.dotnet_exception is not None
    assert "AggregateException" not in caught.value.dotnet_type


def test_server_details_are_kept(calc) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        calc.fail_with(1)
    error = caught.value
    assert error.status_code == 400
    assert error.help_text == "fix it"
    assert error.errors == ["A is required", "B is too long"]
    assert "A is required" in str(error)


def test_other_exceptions_are_dotnet_errors(calc) -> None:
    with pytest.raises(errors.DotNetError, match="System.InvalidOperationException: boom"):
        calc.fail("boom")


def test_messages_are_redacted(shop) -> None:
    accounts = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).accounts
    with pytest.raises(errors.ServerError) as caught:
        accounts.sign_in(shop.model.LoginRequest(username="me", password="API-ABCDEFGHIJKLMNOPQRSTUV"))
    assert "API-ABCDEFGHIJ" not in str(caught.value)
    assert caught.value.status_code == 401


def test_argument_null_from_dotnet(shop) -> None:
    accounts = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).accounts
    with pytest.raises(errors.DotNetError, match="ArgumentNullException"):
        accounts.sign_in(None)


def test_every_exception_type_of_the_library_maps_to_an_error_class(shop, exceptions) -> None:
    import System

    from octoclr.bridge import reflection

    exception_type = reflection.clr_type(System.Exception)
    assembly = shop.root.Calculator.__dotnet_type__.Assembly
    found = [t for t in assembly.GetExportedTypes() if exception_type.IsAssignableFrom(t)]
    assert len(found) >= 4
    for dotnet_type in found:
        error_class = exceptions.error_class_for(dotnet_type)
        assert issubclass(error_class, errors.OctopusError)
        # Registered names map to their class and so do their subclasses.
        assert error_class is not errors.DotNetError, dotnet_type.FullName


def test_default_table_covers_the_client_names(exceptions) -> None:
    names = set(exceptions.EXCEPTION_CLASSES)
    assert {
        "OctopusResourceNotFoundException",
        "OctopusValidationException",
        "OctopusSecurityException",
        "OctopusMethodNotAllowedFoundException",
        "OctopusServerException",
        "UnsupportedApiVersionException",
    } <= names


def test_register_rejects_non_octopus_error_classes(exceptions) -> None:
    with pytest.raises(TypeError):
        exceptions.register("Whatever", KeyError)  # type: ignore[arg-type]


def test_every_exception_type_of_every_loaded_assembly_has_a_class(shop, exceptions) -> None:
    import System

    from octoclr.bridge import reflection

    exception_type = reflection.clr_type(System.Exception)
    count = 0
    for assembly in reflection.loaded_assemblies():
        for dotnet_type in reflection.exported_types(assembly):
            if exception_type.IsAssignableFrom(dotnet_type):
                assert issubclass(exceptions.error_class_for(dotnet_type), errors.OctopusError)
                count += 1
    assert count > 50


def test_values_of_secret_members_are_masked_in_messages(shop) -> None:
    accounts = shop.root.ShopRepository(shop.root.ShopEndpoint("http://x")).accounts
    with pytest.raises(errors.ServerError) as caught:
        accounts.sign_in(shop.model.LoginRequest(username="me", password="correct-horse-battery"))
    # The library echoes the password in its message; the property's name marked it secret.
    assert "correct-horse-battery" not in str(caught.value)
    assert "********" in str(caught.value)
