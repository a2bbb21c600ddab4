"""Asynchronous API: OctopusAsyncClient.

C#::

    var endpoint = new OctopusServerEndpoint(server, apiKey);
    using (var client = await OctopusAsyncClient.Create(endpoint))
    {
    }

    // or, without an API key:
    await client.Repository.Users.SignIn(new LoginCommand { Username = "me", Password = "secret" });

Talks to OCTOPUS_URL with OCTOPUS_API_KEY when set, else to the embedded simulator.
"""

import asyncio

import octoclr
from octoclr.target import Target, octopus_target


async def with_api_key(target: Target) -> None:
    endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        me = await client.repository.users.get_current()
        print(f"API key belongs to {me.username} ({me.id})")


async def with_sign_in(target: Target) -> None:
    endpoint = octoclr.OctopusServerEndpoint(target.url)
    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        login = octoclr.model.LoginCommand(username=target.username, password=target.password)
        await client.repository.users.sign_in(login)
        me = await client.repository.users.get_current()
        print(f"Signed in as {me.username} ({me.id})")


async def main() -> None:
    with octopus_target() as target:
        await with_api_key(target)
        if target.username and target.password:
            await with_sign_in(target)


if __name__ == "__main__":
    asyncio.run(main())
