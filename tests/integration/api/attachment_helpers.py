"""What the console does with files, as the API tests do it: grant, upload to moto's S3, list."""

from __future__ import annotations

import requests
from lobby_env import AGENT
from sample_files import PDF

PDF_SIZE = len(PDF)


def grant(api, conversation="c1", *, name="plan.pdf", content_type="application/pdf", size=PDF_SIZE, hotel="h1",
          as_=AGENT):
    return api.post(f"/v1/hotels/{hotel}/conversations/{conversation}/attachments", as_=as_,
                    body={"name": name, "content_type": content_type, "size": size})


def upload(granted: dict, data: bytes, content_type: str) -> requests.Response:
    """What the console does: POST the granted fields, then the file, as multipart/form-data."""
    upload = granted["upload"]
    fields = {**upload["fields"], "Content-Type": content_type}  # S3 stores the form's type (the policy pins it)
    return requests.post(upload["url"], data=fields, files={"file": ("upload", data, content_type)}, timeout=10)


def uploaded(api, conversation="c1", data=PDF, content_type="application/pdf", name="plan.pdf", hotel="h1",
             as_=AGENT) -> str:
    granted = grant(api, conversation, name=name, content_type=content_type, size=len(data), hotel=hotel, as_=as_)
    assert granted.status == 201, granted.json
    assert upload(granted.json, data, content_type).status_code in (200, 201, 204)
    return granted.json["id"]


def messages(api, conversation="c1", hotel="h1", as_=AGENT):
    return api.get(f"/v1/hotels/{hotel}/conversations/{conversation}/messages", as_=as_)
