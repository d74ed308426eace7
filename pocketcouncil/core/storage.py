from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; JavaScript module imports are rewritten to the hashed
    names too, so every asset can be cached for a year and a deploy still takes effect."""

    support_js_module_import_aggregation = True
