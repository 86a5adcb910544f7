"""Binary renderers (PDF, PNG) shared by the document endpoints; an error body is answered as JSON."""

from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None) -> Any:
        if isinstance(data, bytes):
            return data
        # an error body (one error shape) negotiated as a binary type: answer it as JSON
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class PngRenderer(PdfRenderer):
    media_type = "image/png"
    format = "png"
