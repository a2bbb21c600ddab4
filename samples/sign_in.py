"""Signing in with a username and password instead of an API key.

PowerShell::

    $loginCreds = New-Object Octopus.Client.Model.LoginCommand
    $loginCreds.Username = "me"
    $loginCreds.Password = "secret"
    $repository.Users.SignIn($loginCreds)

C#::

    repository.Users.SignIn(new LoginCommand { Username = "me", Password = "secret" });

Against OCTOPUS_URL it signs in as OCTOPUS_USERNAME with OCTOPUS_PASSWORD; against the
embedded simulator, as its administrator.
"""

import sys

import octoclr
from octoclr.target import octopus_target


def main() -> None:
    with octopus_target() as target:
        if not (target.username and target.password):
            sys.exit("Set OCTOPUS_USERNAME and OCTOPUS_PASSWORD to sign in to OCTOPUS_URL.")
        endpoint = octoclr.OctopusServerEndpoint(target.url)  # no API key
        repository = octoclr.OctopusRepository(endpoint)

        repository.users.sign_in(octoclr.model.LoginCommand(username=target.username, password=target.password))

        me = repository.users.get_current()
        print(f"Signed in as {me.username} ({me.id})")


if __name__ == "__main__":
    main()
