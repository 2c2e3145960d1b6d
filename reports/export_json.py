"""The JSON export of a report (also the frozen figures of a submission)."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from .export_common import describe
from .report import Cell, Report, disclosure_note, legend, threshold


def as_dict(report: Report) -> dict[str, Any]:
    ctx = report.ctx
    return {
        "report": {
            "heading": [{"label": k, "value": v} for k, v in describe(report)],
            "period": {
                "code": ctx.period.code,
                "start": ctx.period.start.isoformat(),
                "end": ctx.period.end.isoformat(),
            },
            "area": {
                "province": ctx.province_code,
                "commune": ctx.commune_code,
            },
            "filters": {
                "support_model": ctx.support_model_id,
                "peer_group": ctx.peer_group_id,
                "provider": ctx.provider_id,
            },
            "suppressed": report.suppressed,
            "suppression_threshold": threshold() if report.suppressed else None,
            "disclosure": _disclosure(report),
            "generated_at": timezone.localtime(report.generated_at).isoformat(),
        },
        "indicators": [
            {
                "code": line.indicator.code,
                "number": line.indicator.number,
                "label": line.indicator.label,
                "label_vi": line.indicator.label_vi,
                "label_en": line.indicator.label_en,
                "unit": line.indicator.unit,
                "unit_vi": line.indicator.unit_obj.vi,
                "unit_en": line.indicator.unit_obj.en,
                "parent": line.indicator.parent,
                **_json_cell(line.cell),
                "breakdowns": {
                    dim: [{"key": bc.key, "label": bc.label, **_json_cell(bc.cell)} for bc in cells]
                    for dim, cells in line.breakdowns.items()
                },
            }
            for line in report.lines
        ],
    }


def to_json(report: Report) -> bytes:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=2, default=str).encode()


def _disclosure(report: Report) -> dict[str, Any] | None:
    if not report.suppressed:
        return None
    return {
        "method": "cell_key",
        "note": disclosure_note(),
        "legend": [{"mark": m, "meaning": t} for m, t in legend()],
    }


def _json_cell(cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {"value": cell.value}
    if cell.perturbed:
        out["adjusted"] = True
    if cell.withheld:
        out["withheld"] = True
        out["mark"] = cell.mark
    return out
