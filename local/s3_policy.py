"""S3's POST policy, enforced in front of moto's server (moto stores whatever a presigned POST sends).

In AWS a browser upload is refused when it breaks the policy the API signed: a file over (or
under) ``content-length-range`` gets ``400 EntityTooLarge`` (``EntityTooSmall``), a field that does
not match its condition, or an expired policy, ``403 AccessDenied``. This middleware gives the local
stack the same answers, with the CORS header the console's origin would get from S3, so the console's
error path runs locally as in AWS. The signature is not checked (moto does not check it either).

moto also drops a POST's ``tagging`` field (S3 tags the object with it: the retention tier the bucket's
lifecycle rules read, ``storage.s3``); once moto stored the upload, the middleware tags the object as S3 would.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.formparser import parse_form_data


class PostPolicyCheck:
    def __init__(self, app: Callable, allowed_origins: Iterable[str] = (),
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.app = app
        self.allowed_origins = frozenset(allowed_origins)
        self.now = now

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or not environ.get("CONTENT_TYPE", "").startswith(
                "multipart/form-data"):
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        parsing = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        _, form, files = parse_form_data(parsing)
        bucket = environ.get("PATH_INFO", "").strip("/").split("/")[0]
        refusal = refuse(form, files, bucket=bucket, now=self.now())
        if refusal is None:
            if not form.get("tagging") or not form.get("key"):
                return self.app(environ, start_response)
            return self._stored_then_tagged(environ, start_response, bucket, form["key"], form["tagging"])
        status, code, message = refusal
        headers = [("Content-Type", "application/xml")]
        origin = environ.get("HTTP_ORIGIN")
        if origin in self.allowed_origins:
            headers.append(("Access-Control-Allow-Origin", origin))
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
               f"<Message>{escape(message)}</Message></Error>").encode()
        start_response(status, [*headers, ("Content-Length", str(len(xml)))])
        return [xml]


    def _stored_then_tagged(self, environ, start_response, bucket: str, key: str, tagging: str):
        status: list[str] = []

        def started(code, headers, exc_info=None):
            status.append(code)
            return start_response(code, headers, exc_info)

        body = list(self.app(environ, started))  # moto answers at once: the whole body
        if status and status[0].startswith("2"):
            tag_object(bucket, key, tagging)
        return body


def tag_object(bucket: str, key: str, tagging: str) -> None:
    """Tags the object moto just stored with a POST's ``tagging`` document (S3's XML ``Tagging``)."""
    from xml.etree import ElementTree

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    tags = {tag.findtext("Key") or "": tag.findtext("Value") or "" for tag in ElementTree.fromstring(tagging).iter("Tag")}
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    stored = backend.get_object(bucket, key)
    if stored is not None:
        backend.put_object_tagging(stored, tags)


def refuse(form, files, *, bucket: str, now: datetime) -> tuple[str, str, str] | None:
    """Why S3 would refuse this POST upload (status, code, message), or None."""
    encoded = form.get("policy") or form.get("Policy")
    if not encoded:
        return None  # not a policy upload: moto decides
    try:
        policy: dict[str, Any] = json.loads(base64.b64decode(encoded))
        expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError):
        return "400 Bad Request", "InvalidPolicyDocument", "Invalid Policy: Invalid JSON."
    if expiration <= now:
        return "403 Forbidden", "AccessDenied", "Invalid according to Policy: Policy expired."
    fields = {name.lower(): value for name, value in form.items()}
    fields["bucket"] = bucket
    upload = files.get("file")
    size = len(upload.read()) if upload is not None else 0
    for condition in policy.get("conditions", []):
        if isinstance(condition, list) and condition and condition[0] == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                return "400 Bad Request", "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
            if size < low:
                return "400 Bad Request", "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"
            continue
        if isinstance(condition, dict):
            checks = [("eq", name, value) for name, value in condition.items()]
        elif isinstance(condition, list) and len(condition) == 3:
            checks = [(condition[0], str(condition[1]).lstrip("$"), condition[2])]
        else:
            checks = []
        for operator, name, value in checks:
            given = fields.get(name.lower(), "")
            ok = given == value if operator == "eq" else given.startswith(value) if operator == "starts-with" else True
            if not ok:
                return ("403 Forbidden", "AccessDenied",
                        f'Invalid according to Policy: Policy Condition failed: ["{operator}", "${name}", "{value}"]')
    return None
