"""A user script for the unrelated library, with its expectations: checked, never run."""

import datetime

from octoclr._dotnet.Acme.Inventory import Item, PerishableItem, StockLevel, Warehouses

warehouse = Warehouses.open("main", Item("sku-1", "Widget", 3), Item(sku="sku-2", name="Gadget", quantity=0))
inventory = warehouse.inventory
reveal_type(inventory.total_quantity())  # N: Revealed type is "int"
reveal_type(inventory.cheapest("Low"))  # N: Revealed type is "octoclr._dotnet.Acme.Inventory.Item"
reveal_type(inventory.find("sku-1").expires_on)  # N: Revealed type is "datetime.datetime | None"
reveal_type(inventory.find("sku-1").price)  # N: Revealed type is "decimal.Decimal"
reveal_type(inventory.stream())  # N: Revealed type is "typing.Iterator[octoclr._dotnet.Acme.Inventory.Item]"
reveal_type(inventory.where(lambda item: item.quantity > 1))  # N: Revealed type is "list[octoclr._dotnet.Acme.Inventory.Item]"
reveal_type(inventory.describe("sku-1", lambda item: item.name))  # N: Revealed type is "str"
reveal_type(inventory.find_async("sku-1").result())  # N: Revealed type is "octoclr._dotnet.Acme.Inventory.Item"
reveal_type(inventory.get[PerishableItem]("sku-1").storage_temperature)  # N: Revealed type is "float"
reveal_type(warehouse.level_of("sku-1"))  # N: Revealed type is "Literal['Empty'] | Literal['Low'] | Literal['Plenty']"
with warehouse.inventory as managed:
    managed.add({"sku": "sku-3", "name": "Gizmo", "quantity": 1})
inventory.find("sku-1").quantity = "three"  # E: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]
inventory.count_slowly(datetime.timedelta(seconds=1)).result(timeout="soon")  # E: Argument "timeout" to "result" of "Task" has incompatible type "str"; expected "float | None"  [arg-type]
inventory.cheapest("Lots")  # E: Argument 1 to "cheapest" of "IInventory" has incompatible type "Literal['Lots']"; expected "Literal['Empty', 'Low', 'Plenty']"  [arg-type]
print(StockLevel.Plenty)
