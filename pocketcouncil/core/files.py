"""Handing out private files (photos, evidence, exports) after the view has checked access.

On local disk the web process streams the file. On object storage (``MEDIA_STORAGE=s3``) the
browser is redirected to a signed URL that works for ``MEDIA_SIGNED_URL_SECONDS`` (5 minutes by
default), so large files do not pass through the web processes and a copied link soon dies.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponseRedirect


def signs_urls(storage) -> bool:
    return bool(getattr(storage, "querystring_auth", False))


def private_file_response(fieldfile, *, content_type: str, filename: str | None = None):
    """A response giving ``fieldfile`` to someone already allowed to see it."""
    storage = fieldfile.storage
    if signs_urls(storage):
        parameters = {"ResponseContentType": content_type, "ResponseCacheControl": "private"}
        if filename:
            parameters["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        response = HttpResponseRedirect(
            fieldfile.storage.url(fieldfile.name, parameters=parameters)
        )
        response["Cache-Control"] = "private, no-store"
        return response
    response = FileResponse(
        fieldfile.open("rb"),
        content_type=content_type,
        as_attachment=bool(filename),
        filename=filename or "",
    )
    response["Cache-Control"] = "private, no-store"
    return response
