"""Establishments (owned by `programs`): services, queries, forms, views and urls of the
workers' rights model's venues, apart from `programs/services.py`."""
