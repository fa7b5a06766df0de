"""Built-in plan specs, shipped as package data."""
