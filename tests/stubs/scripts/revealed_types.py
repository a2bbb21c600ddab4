"""What mypy infers through the stubs: checked, never run."""

import octoclr

repository = octoclr.OctopusRepository(octoclr.OctopusServerEndpoint("http://localhost"))
reveal_type(repository.machines.get("machines-1"))  # N: Revealed type is "octoclr._dotnet.Octopus.Client.Model.MachineResource"
reveal_type(repository.machines.get("machines-1", "machines-2"))  # N: Revealed type is "list[octoclr._dotnet.Octopus.Client.Model.MachineResource]"
reveal_type(repository.projects.find_all())  # N: Revealed type is "list[octoclr._dotnet.Octopus.Client.Model.ProjectResource]"
reveal_type(repository.machines.get("machines-1").name)  # N: Revealed type is "str"
reveal_type(repository.machines.get("machines-1").last_modified_on)  # N: Revealed type is "datetime.datetime | None"
reveal_type(repository.client.get[octoclr.model.UserResource]("/api/users/me"))  # N: Revealed type is "octoclr._dotnet.Octopus.Client.Model.UserResource"
reveal_type(octoclr.connect())  # N: Revealed type is "octoclr._dotnet.Octopus.Client.OctopusRepository"
