"""Scripts with mistakes mypy must catch through the stubs: checked, never run."""

import octoclr

repository = octoclr.OctopusRepository(octoclr.OctopusServerEndpoint("http://localhost"))
machine = repository.machines.get("machines-1")
print(machine.nmae)  # E: "MachineResource" has no attribute "nmae"  [attr-defined]
repository.machines.get(42)  # E: No overload variant of "get" of "IGet" matches argument type "int"  [call-overload]
machine.name = 5  # E: Incompatible types in assignment (expression has type "int", variable has type "str | None")  [assignment]
repository.machinez.find_all()  # E: "OctopusRepository" has no attribute "machinez"; maybe "machines"?  [attr-defined]
octoclr.model.LoginCommand(usernam="me")  # E: Unexpected keyword argument "usernam" for "LoginCommand"; did you mean "username"?  [call-arg]
repository.projects.find_by_name(["a"])  # E: Argument 1 to "find_by_name" of "IFindByName" has incompatible type "list[str]"; expected "str | None"  [arg-type]
count: int = repository.machines.find_all()  # E: Incompatible types in assignment (expression has type "list[MachineResource]", variable has type "int")  [assignment]
machine.status = "Onlien"  # E: Incompatible types in assignment (expression has type "Literal['Onlien']", variable has type "Literal['Online', 'Offline', 'Unknown', 'NeedsUpgrade', 'CalamariNeedsUpgrade', 'Disabled']")  [assignment]
