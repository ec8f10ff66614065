from uuid import UUID

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from api import API_PREFIX
from api.auth.access import in_idempotent_write_session
from api.auth.dependencies import CurrentViewer
from api.core.client import ClientKey
from api.core.db import in_read_session
from api.idempotency.dependencies import IdempotencyKeyHeader
from api.limits.service import Limit
from api.uploads import service
from api.uploads.schemas import UploadIn, UploadOut, UploadSlotOut
from infra.storage import LOCAL_ROUTE

router = APIRouter(tags=["uploads"])


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadSlotOut,
    operation_id="uploads.create",
)
async def create_upload(
    body: UploadIn, viewer: CurrentViewer, client: ClientKey, idempotency: IdempotencyKeyHeader
) -> Response:
    """An upload slot: a pending upload and where to PUT the file (`upload`: URL and the
    headers to send, valid 15 minutes). Once the file is stored it is checked; poll
    `GET /v1/uploads/{id}` until `status` is `ready` (or `rejected`), then attach it to a
    post with `attachment_ids`."""
    return await in_idempotent_write_session(
        Limit.upload,
        client,
        idempotency,
        status.HTTP_201_CREATED,
        service.create_upload,
        viewer,
        body,
    )


@router.get("/uploads/{upload_id}", response_model=UploadOut, operation_id="uploads.get")
async def get_upload(upload_id: UUID, viewer: CurrentViewer) -> UploadOut:
    """An upload's status; only its owner sees it."""
    return await in_read_session(service.get_upload, viewer, upload_id)


# Locally, with no bucket configured, the API is the bucket: signed URLs point here. They
# are not part of the API (in the cloud they point at Cloud Storage), so not in its docs.


@router.put(f"{LOCAL_ROUTE.removeprefix(API_PREFIX)}/{{object_name:path}}", include_in_schema=False)
async def put_local_object(object_name: str, request: Request) -> Response:
    storage = service.local_storage()
    low, high = service.check_local_upload(
        storage, object_name, request.query_params, request.headers
    )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        service.check_local_size(int(declared), low, high)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > high:  # stop reading what will be refused anyway
            break
    service.check_local_size(len(body), low, high)
    await run_in_threadpool(
        service.receive_local_upload,
        storage,
        object_name,
        bytes(body),
        request.headers["content-type"],
    )
    return Response(status_code=status.HTTP_200_OK)


@router.get(f"{LOCAL_ROUTE.removeprefix(API_PREFIX)}/{{object_name:path}}", include_in_schema=False)
def get_local_object(object_name: str, request: Request) -> FileResponse:
    storage = service.local_storage()
    path, content_type, cache_control = service.local_download(
        storage, object_name, request.query_params
    )
    return FileResponse(path, media_type=content_type, headers={"Cache-Control": cache_control})
