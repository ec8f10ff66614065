"""The image rules of uploads, pure (bytes in, bytes out) so the upload processing
(`api/uploads/processing.py`), tests and benchmarks share one copy. Pillow is in the
`functions` dependency group only: the API image (Cloud Run) never imports this module.

`sanitize_image` decides whether an uploaded file is an image we accept and returns it
re-encoded, which is what strips its metadata: EXIF (GPS position, camera, time), XMP,
comments and text chunks are never copied to the new file. The colour profile (ICC) is
kept, because dropping it visibly shifts the colours of wide-gamut phone photos and it
says nothing about the person. The EXIF orientation is applied to the pixels first, so
the picture still stands the right way up without its EXIF.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, ImageSequence

from api.uploads.rules import IMAGE_CONTENT_TYPES, MAX_UPLOAD_BYTES, THUMBNAIL_MAX_SIDE

# Decompression-bomb limits, checked from the header before any pixel is decoded: a
# small file can declare a huge canvas. 50 MP covers 8000x6000 phone photos; one RGB
# frame of that is 150 MB decoded, within a 1 GiB function with room to spare.
MAX_PIXELS = 50_000_000
# Animations are decoded whole (every frame, RGBA): 25 MP across all frames is 100 MB.
MAX_ANIMATION_PIXELS = 25_000_000
MAX_FRAMES = 500

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
assert set(_FORMATS) == set(IMAGE_CONTENT_TYPES)

# Modes each encoder writes as they are; anything else is converted first.
_KEEP_MODES = {
    "JPEG": {"L", "RGB", "CMYK"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"},
    "WEBP": {"RGB", "RGBA"},
    "GIF": {"1", "L", "P"},
}


class ImageRejected(ValueError):
    """The file is not an image we accept; `reason` says why, for the uploader."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SanitizedImage:
    content_type: str
    width: int
    height: int
    data: bytes
    thumbnail: bytes  # same format, longest side at most THUMBNAIL_MAX_SIDE


def sniff_content_type(data: bytes) -> str | None:
    """The real type by its magic bytes, whatever the file claims to be."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def sanitize_image(data: bytes, declared_content_type: str) -> SanitizedImage:
    """Check and re-encode an uploaded image, or raise `ImageRejected(reason)`."""
    if not data:
        raise ImageRejected("the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    declared = declared_content_type.strip().lower()
    if declared not in _FORMATS:
        raise ImageRejected(f"{declared_content_type!r} is not an accepted image type")
    actual = sniff_content_type(data)
    if actual is None:
        raise ImageRejected("the file is not a JPEG, PNG, WebP or GIF image")
    if actual != declared:
        raise ImageRejected(f"the file is {actual}, not {declared} as declared")
    fmt = _FORMATS[actual]
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns before it raises: make both a rejection.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as im:
                frames = _check_size(im)
                if frames > 1:
                    return _animated(im, actual, fmt)
                return _still(im, actual, fmt)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected("the image has too many pixels") from exc
        except Exception as exc:
            # Damaged input makes decoders fail in many ways (OSError for a truncated
            # file, SyntaxError, struct.error, ...); none of them is worth a retry.
            raise ImageRejected(
                f"the image is damaged or truncated ({type(exc).__name__})"
            ) from exc


def _check_size(im: Image.Image) -> int:
    width, height = im.size
    if width < 1 or height < 1:
        raise ImageRejected("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageRejected(f"the image has more than {MAX_PIXELS // 1_000_000} megapixels")
    frames = getattr(im, "n_frames", 1) if getattr(im, "is_animated", False) else 1
    if frames > MAX_FRAMES:
        raise ImageRejected(f"the animation has more than {MAX_FRAMES} frames")
    if frames > 1 and width * height * frames > MAX_ANIMATION_PIXELS:
        raise ImageRejected("the animation is too large (frames x pixels)")
    return frames


def _still(im: Image.Image, content_type: str, fmt: str) -> SanitizedImage:
    im.load()
    ImageOps.exif_transpose(im, in_place=True)  # no copy when there is nothing to turn
    icc = im.info.get("icc_profile")
    image = im if im.mode in _KEEP_MODES[fmt] else _convert_for(im, fmt)
    extra: dict[str, Any] = {}
    if fmt in ("PNG", "GIF") and image.info.get("transparency") is not None:
        extra["transparency"] = image.info["transparency"]
    data = _encode(image, fmt, icc, **extra)
    width, height = image.size
    if max(width, height) <= THUMBNAIL_MAX_SIDE:
        return SanitizedImage(content_type, width, height, data, data)
    # Palette images resize with nearest-neighbour only: give them real colours first.
    small = image.convert("RGBA") if image.mode in ("1", "P") else image
    small.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))  # in place, via reduce()
    if small.mode not in _KEEP_MODES[fmt]:
        small = _convert_for(small, fmt)
    return SanitizedImage(content_type, width, height, data, _encode(small, fmt, icc))


def _animated(im: Image.Image, content_type: str, fmt: str) -> SanitizedImage:
    # Frames come out composited (full canvas); each becomes a fresh RGBA image, so no
    # per-frame comment or extension of the original travels with it.
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(im):
        frames.append(frame.convert("RGBA"))
        durations.append(int(frame.info.get("duration") or 100))
    loop = int(im.info.get("loop", 0))
    icc = im.info.get("icc_profile")
    first = frames[0]
    params: dict[str, Any] = {
        "save_all": True,
        "append_images": frames[1:],
        "duration": durations,
        "loop": loop,
    }
    if fmt == "GIF":
        params["disposal"] = 2  # whole frames: clear before drawing the next
    data = _encode(first, fmt, icc, **params)
    width, height = first.size
    small = first.copy()
    small.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
    return SanitizedImage(content_type, width, height, data, _encode(small, fmt, icc))


def _convert_for(im: Image.Image, fmt: str) -> Image.Image:
    has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    if fmt == "JPEG":
        return im.convert("RGB")  # JPEG has no alpha
    if fmt == "GIF":
        return im.convert("RGBA") if has_alpha else im.convert("RGB")  # quantized on save
    return im.convert("RGBA" if has_alpha else "RGB")


def _encode(image: Image.Image, fmt: str, icc: bytes | None, **params: Any) -> bytes:
    """Write `image` with only what we pass: its `info` (where decoders leave EXIF, XMP,
    comments and text chunks, and where some encoders look for them) is hidden."""
    if icc and fmt != "GIF":
        params["icc_profile"] = icc
    if fmt in ("JPEG", "WEBP"):
        params.setdefault("quality", 85)
    out = io.BytesIO()
    info, image.info = image.info, {}
    try:
        image.save(out, fmt, **params)
    finally:
        image.info = info
    return out.getvalue()
