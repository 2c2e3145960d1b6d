"""Static files in production: hashed names, gzip and brotli copies (whitenoise)."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: Any) -> tuple[Any, ...]:
    kept = []
    for glob, entries in patterns:
        entries = tuple(
            entry
            for entry in entries
            if "sourceMappingURL" not in (entry[0] if isinstance(entry, tuple) else entry)
        )
        if entries:
            kept.append((glob, entries))
    return tuple(kept)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Like whitenoise's, but a `sourceMappingURL` comment is left as it is.

    Vendored minified files (static/vendor/chart.umd.min.js) name source maps that are
    not shipped; Django's manifest storage would stop `collectstatic` on the missing map.
    CSS `url()` and `@import` references are still rewritten to the hashed names."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
