"""JSON Schemas for plans and results, shipped as package data."""
