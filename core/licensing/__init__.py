"""The appliance's own licence at run time: the active status, the company limit, the licensing routes."""
