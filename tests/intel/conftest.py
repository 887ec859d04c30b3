from tests.grid.world import world  # noqa: F401 - the grid fixture, for key persons and residents
