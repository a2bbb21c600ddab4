"""Authentication and authorisation: API keys, sign-in cookies with CSRF, 401 and 403."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from octoclr.testing import Simulator
from tests.simulator.conftest import delete, error_of, put


def sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/api/users/login", json={"Username": username, "Password": password, "RememberMe": False,
                                                 "State": {"UsingSecureConnection": False}},
                       headers={"Expect": "100-continue"})


def csrf_cookies(response: httpx.Response) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith("Octopus-Csrf-Token")]


def test_no_credentials_is_401(anonymous: httpx.Client) -> None:
    for url in ("/api/users/me", "/api/Spaces-1/projects", "/api/spaces", "/api/Spaces-1"):
        response = anonymous.get(url)
        assert response.status_code == 401, url
        error_of(response)


def test_empty_api_key_header_counts_as_none(anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/users/me", headers={"X-Octopus-ApiKey": ""}).status_code == 401
    assert anonymous.get("/api", headers={"X-Octopus-ApiKey": ""}).status_code == 200


def test_wrong_api_key_is_401(anonymous: httpx.Client) -> None:
    response = anonymous.get("/api/users/me", headers={"X-Octopus-ApiKey": "API-WRONGWRONGWRONGWRONGWRONG"})
    assert response.status_code == 401
    assert "API-WRONG" not in response.text


def test_api_key_in_header_query_and_bearer(anonymous: httpx.Client, sim: Simulator) -> None:
    assert anonymous.get("/api/users/me", headers={"X-Octopus-ApiKey": sim.api_key}).json()["Username"] == sim.username
    assert anonymous.get("/api/users/me", params={"apikey": sim.api_key}).status_code == 200
    assert anonymous.get("/api/users/me", headers={"Authorization": f"Bearer {sim.api_key}"}).status_code == 200


def test_api_key_query_is_not_echoed_in_paging_links(anonymous: httpx.Client, sim: Simulator) -> None:
    page = anonymous.get("/api/Spaces-1/environments", params={"apikey": sim.api_key, "take": 1}).json()
    assert sim.api_key not in str(page["Links"])


def test_sign_in_sets_exactly_one_csrf_cookie_with_root_path(anonymous: httpx.Client, sim: Simulator) -> None:
    response = sign_in(anonymous, sim.username, sim.password)
    assert response.status_code == 200
    cookies = csrf_cookies(response)
    assert len(cookies) == 1
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "path=/" in attributes
    assert "secure" not in attributes and not any(a.startswith("domain=") for a in attributes)
    auth = [h for h in response.headers.get_list("set-cookie") if h.startswith("OctopusIdentificationToken")]
    assert len(auth) == 1 and "httponly" in auth[0].lower()


def test_cookie_requests_need_the_csrf_header(anonymous: httpx.Client, sim: Simulator) -> None:
    sign_in(anonymous, sim.username, sim.password)
    csrf = next(v for k, v in anonymous.cookies.items() if k.startswith("Octopus-Csrf-Token"))
    missing = anonymous.get("/api/users/me", headers={"X-Octopus-ApiKey": ""})
    assert missing.status_code == 403
    error_of(missing)
    wrong = anonymous.get("/api/users/me", headers={"X-Octopus-Csrf-Token": csrf + "x"})
    assert wrong.status_code == 403
    headers = {"X-Octopus-Csrf-Token": csrf, "X-Octopus-ApiKey": ""}
    assert anonymous.get("/api/users/me", headers=headers).json()["Username"] == sim.username
    created = anonymous.post("/api/Spaces-1/environments", json={"Name": "From cookie"}, headers=headers)
    assert created.status_code == 201
    assert created.json()["LastModifiedBy"] == sim.username


def test_sign_out_expires_cookies_and_ends_the_session(anonymous: httpx.Client, sim: Simulator) -> None:
    sign_in(anonymous, sim.username, sim.password)
    token = next(v for k, v in anonymous.cookies.items() if k.startswith("OctopusIdentificationToken"))
    csrf = next(v for k, v in anonymous.cookies.items() if k.startswith("Octopus-Csrf-Token"))
    name = next(k for k in anonymous.cookies.keys() if k.startswith("OctopusIdentificationToken"))
    response = anonymous.post("/api/users/logout", headers={"Content-Length": "0", "X-Octopus-Csrf-Token": csrf})
    assert response.status_code == 200
    expired = response.headers.get_list("set-cookie")
    assert len(expired) == 2 and all("1970" in c for c in expired)
    # The old token no longer works, even when replayed.
    with httpx.Client(base_url=sim.url, cookies={name: token}) as replay:
        assert replay.get("/api/users/me", headers={"X-Octopus-Csrf-Token": csrf}).status_code == 401


def test_failed_sign_in_is_400_with_errors(anonymous: httpx.Client, sim: Simulator) -> None:
    response = sign_in(anonymous, sim.username, "not-the-password")
    assert response.status_code == 400
    assert error_of(response)["Errors"] == ["Invalid username or password."]
    assert not csrf_cookies(response)
    assert sign_in(anonymous, "nobody", "x").status_code == 400


def test_user_api_keys_create_use_list_and_revoke(api: httpx.Client, anonymous: httpx.Client) -> None:
    user = api.get("/api/users/me").json()
    created = api.post(user["Links"]["ApiKeys"].split("{")[0], json={"Purpose": "ci"})
    assert created.status_code == 200
    key = created.json()["ApiKey"]
    assert key.startswith("API-") and len(key) >= 20
    assert anonymous.get("/api/users/me", headers={"X-Octopus-ApiKey": key}).status_code == 200
    listed = api.get(f"/api/users/{user['Id']}/apikeys").json()
    assert listed["Items"] and all(key not in str(item) for item in listed["Items"])
    key_id = created.json()["Id"]
    assert delete(api, f"/api/users/{user['Id']}/apikeys/{key_id}").status_code == 200
    assert anonymous.get("/api/users/me", headers={"X-Octopus-ApiKey": key}).status_code == 401


def test_api_keys_and_passwords_are_stored_hashed(tmp_path: Path) -> None:
    data = tmp_path / "state.db"
    with Simulator(data=data, seed=None) as octopus:
        with httpx.Client(base_url=octopus.url, headers={"X-Octopus-ApiKey": octopus.api_key}) as api:
            extra = api.post("/api/users/Users-1/apikeys", json={"Purpose": "x"}).json()["ApiKey"]
        secrets = [octopus.api_key, extra, octopus.password]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in secrets:
        assert secret.encode() not in raw
    with sqlite3.connect(data) as db:
        hashes = [row[0] for row in db.execute("SELECT key_hash FROM api_keys")]
    assert len(hashes) == 2 and all(len(h) == 64 for h in hashes)


def test_non_admin_cannot_touch_system_level_resources(plain_user: httpx.Client) -> None:
    me = plain_user.get("/api/users/me").json()
    assert me["Username"] == "jane"
    assert isinstance(plain_user.get(me["Links"]["Spaces"]).json(), list)
    assert plain_user.get(f"/api/users/{me['Id']}").status_code == 200
    forbidden = [
        plain_user.get("/api/users"),
        plain_user.get("/api/users/Users-1"),
        plain_user.post("/api/spaces", json={"Name": "Mine", "SpaceManagersTeamMembers": [me["Id"]]}),
        plain_user.post("/api/users", json={"Username": "x", "DisplayName": "x", "Password": "y"}),
        put(plain_user, "/api/teams/teams-administrators", {"Name": "Octopus Administrators",
                                                             "MemberUserIds": ["Users-1", me["Id"]]}),
        plain_user.post("/api/teams", json={"Name": "System team"}),
        plain_user.get("/api/userroles"),
        plain_user.post("/api/users/Users-1/apikeys", json={"Purpose": "steal"}),
    ]
    for response in forbidden:
        assert response.status_code == 403, (response.request.method, response.request.url)
        error_of(response)


def test_non_admin_works_inside_a_space(plain_user: httpx.Client) -> None:
    assert plain_user.get("/api/spaces").status_code == 200
    assert plain_user.get("/api/Spaces-1/projects").status_code == 200
    assert plain_user.post("/api/Spaces-1/environments", json={"Name": "Jane's"}).status_code == 201
    assert plain_user.post("/api/Spaces-1/teams", json={"Name": "Jane's team"}).status_code == 201


def test_users_sign_in_with_their_own_password(plain_user: httpx.Client, sim: Simulator) -> None:
    with httpx.Client(base_url=sim.url) as browser:
        assert sign_in(browser, "jane", "correct horse").status_code == 200
        assert sign_in(browser, "jane", sim.password).status_code == 400


def test_deleting_a_user_revokes_their_keys(api: httpx.Client, plain_user: httpx.Client) -> None:
    me = plain_user.get("/api/users/me").json()
    assert delete(api, f"/api/users/{me['Id']}").status_code == 200
    assert plain_user.get("/api/users/me").status_code == 401


def test_the_sign_in_providers_for_everyone_and_for_a_user(api: httpx.Client, sim: Simulator,
                                                           plain_user: httpx.Client) -> None:
    public = httpx.get(f"{sim.url}/api/authentication", timeout=10).json()  # no credentials at all
    (provider,) = public["AuthenticationProviders"]
    assert provider["IdentityType"] == "UsernamePassword" and provider["FormsLoginEnabled"] is True
    mine = plain_user.get("/api/users/authentication").json()
    me = plain_user.get("/api/users/me").json()
    assert mine["Id"] == me["Id"] and mine["CanCurrentUserEditIdentitiesForUser"] is True
    assert plain_user.get(f"/api/users/authentication/{me['Id']}").status_code == 200
    assert plain_user.get("/api/users/authentication/Users-1").status_code == 403
    admin_view = api.get(f"/api/users/authentication/{me['Id']}").json()
    assert admin_view["CanCurrentUserEditIdentitiesForUser"] is True
    assert api.get(admin_view["Links"]["User"]).status_code == 200
    assert api.get("/api/users/authentication/Users-999").status_code == 404
    # Not the users route's "resource not found": the route is named, and why it is not simulated.
    for route in ("identity-metadata", "external-search?partialName=jo"):
        answer = api.get(f"/api/users/{route}")
        assert answer.status_code == 404
        message = error_of(answer)["ErrorMessage"]
        assert message.startswith(f"GET /api/users/{route.split('?')[0]} is not simulated: "), message
