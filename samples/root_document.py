"""The root document and the current user.

PowerShell::

    $link = $repository.Client.RootDocument.Links["CurrentUser"].ToString()
    $method = $repository.Client.GetType().GetMethod("Get").MakeGenericMethod([Octopus.Client.Model.UserResource])
    $me = $method.invoke($repository.Client, @($link, $null))

C#::

    var me = repository.Client.Get<UserResource>(repository.Client.RootDocument.Links["CurrentUser"]);
    var me = await client.Get<UserResource>(client.RootDocument.Links["CurrentUser"]);   // async
    // ... or simply repository.Users.GetCurrent()
"""

import asyncio

import octoclr
from octoclr.target import octopus_target


async def current_user_async(endpoint: "octoclr.OctopusServerEndpoint") -> None:
    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        me = await client.get[octoclr.model.UserResource](client.root_document.links["CurrentUser"])
        print(f"Async client.get[UserResource]:    {me.username} ({me.id})")


def main() -> None:
    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
        repository = octoclr.OctopusRepository(endpoint)

        link = repository.client.root_document.links["CurrentUser"]
        print(f"Root document link CurrentUser:    {link}")
        me = repository.client.get[octoclr.model.UserResource](link)
        print(f"Sync client.get[UserResource]:     {me.username} ({me.id})")
        me = repository.users.get_current()
        print(f"repository.users.get_current():    {me.username} ({me.id})")

        asyncio.run(current_user_async(endpoint))


if __name__ == "__main__":
    main()
