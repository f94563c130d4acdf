"""The upload processor tells the athlete's faults from the platform's: the first end the upload in error,
the second raise, so Lambda retries and then dead-letters the event (in-memory fakes: pure control flow)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from stride.activities import processing
from stride.activities.models import Upload, UploadStatus
from stride.errors import DependencyUnavailableError

KEY = "uploads/7/11.gpx"


class FakeUploads:
    def __init__(self, upload: Upload | None = None, fail: bool = False) -> None:
        self.upload, self.fail, self.errors = upload, fail, []

    def get(self, upload_id: int) -> Upload | None:
        if self.fail:
            raise DependencyUnavailableError.about("storage is busy, retry", "Upload", "storage", "unavailable")
        return self.upload

    def mark_error(self, upload_id: int, error: str) -> bool:
        self.errors.append(error)
        return True


class FakeS3:
    def __init__(self, body: bytes = b"", head_error: str | None = None) -> None:
        self.body, self.head_error = body, head_error

    def head_object(self, **_: Any) -> dict:
        if self.head_error:
            raise ClientError({"Error": {"Code": self.head_error}}, "HeadObject")
        return {"ContentLength": len(self.body)}

    def get_object(self, **_: Any) -> dict:
        import io

        return {"Body": io.BytesIO(self.body)}


def _upload() -> Upload:
    now = datetime.now(UTC)
    return Upload(11, 7, UploadStatus.PROCESSING, KEY, now, now, data_type="gpx")


def _run(uploads: FakeUploads, s3: FakeS3) -> str:
    return processing.process_uploaded(
        "bucket",
        KEY,
        uploads=uploads,
        activities=object(),
        athletes=object(),
        s3=s3,
        publish=lambda e: None,  # type: ignore[arg-type]
    )


def test_a_table_outage_raises_for_retry_and_marks_nothing() -> None:
    uploads = FakeUploads(fail=True)
    with pytest.raises(DependencyUnavailableError):
        _run(uploads, FakeS3(b"<gpx/>"))
    assert uploads.errors == []


def test_an_s3_outage_raises_for_retry() -> None:
    uploads = FakeUploads(_upload())
    with pytest.raises(ClientError):
        _run(uploads, FakeS3(b"<gpx/>", head_error="InternalError"))
    assert uploads.errors == []


def test_a_bad_file_ends_the_upload_in_error_without_raising() -> None:
    uploads = FakeUploads(_upload())
    assert _run(uploads, FakeS3(b"this is not a track")) == "error:file"
    assert uploads.errors and "Stride accepts FIT, TCX and GPX" in uploads.errors[0]


def test_a_missing_raw_file_is_the_athletes_to_resend() -> None:
    uploads = FakeUploads(_upload())
    assert _run(uploads, FakeS3(head_error="404")) == "error:file"
    assert uploads.errors == ["the uploaded file is missing; please upload it again"]


def test_finished_uploads_and_foreign_keys_are_left_alone() -> None:
    done = _upload()
    done.status = UploadStatus.ERROR
    assert _run(FakeUploads(done), FakeS3()) == "already processed"
    assert processing.process_uploaded("b", "avatars/1/2", uploads=FakeUploads()) == "ignored"  # type: ignore[arg-type]
