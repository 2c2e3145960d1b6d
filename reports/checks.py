"""System checks of the reports app: the DHIS2 mapping file of the deployment is read
and validated when the server (or any manage.py command) starts, naming every unknown
indicator code, breakdown, area key or malformed id."""

from __future__ import annotations

import json
from typing import Any

from django.core.checks import Error, register


@register()
def dhis2_mapping_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from .dhis2 import load_mapping, mapping_path, mapping_problems

    path = mapping_path()
    try:
        mapping = load_mapping()
    except FileNotFoundError:
        return [Error(f"DHIS2 mapping file {path} does not exist.", id="reports.E001")]
    except (OSError, json.JSONDecodeError) as exc:
        return [Error(f"DHIS2 mapping file {path} cannot be read: {exc}", id="reports.E001")]
    if not isinstance(mapping, dict):
        return [Error(f"DHIS2 mapping file {path} must hold a JSON object.", id="reports.E001")]
    return [
        Error(f"DHIS2 mapping file {path}: {problem}", id="reports.E002")
        for problem in mapping_problems(mapping)
    ]
