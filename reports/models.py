"""Yearly reports on tasks; the models arrive with the reporting workflow."""
