"""Real image files made with Pillow, for the upload tests."""

from __future__ import annotations

import io

from PIL import ExifTags, Image, ImageDraw

# Where the EXIF says the photo was taken: it must never survive an upload.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (37.0, 33.0, 59.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (126.0, 58.0, 41.0),
}


def _picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Not a flat colour: stripes and a marker in the top-left corner, so orientation and
    re-encoding have something to act on."""
    im = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(im)
    for x in range(0, size[0], 40):
        draw.rectangle((x, 0, x + 15, size[1]), fill=(x % 256, 90, 200, 255)[: len(mode)])
    draw.rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(255, 0, 0, 255)[: len(mode)])
    return im


def jpeg_with_gps(size: tuple[int, int] = (1200, 800), orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "QuadPhone"
    exif[ExifTags.Base.Model] = "QP-1"
    exif[ExifTags.Base.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    _picture(size).save(out, "JPEG", exif=exif, quality=90, comment=b"taken at home")
    return out.getvalue()


def png(size: tuple[int, int] = (800, 600), text: str | None = None) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    _picture(size, "RGBA").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_with_exif(size: tuple[int, int] = (900, 700)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.GPSInfo] = GPS
    out = io.BytesIO()
    _picture(size).save(out, "WEBP", exif=exif.tobytes())
    return out.getvalue()


def animated_gif(frames: int = 4, size: tuple[int, int] = (160, 120)) -> bytes:
    images = [Image.new("RGB", size, (i * 60 % 256, 255 - i * 60 % 256, 0)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=images[1:],
        duration=120,
        loop=0,
        comment=b"made by someone",
    )
    return out.getvalue()


def exif_gps(data: bytes) -> dict:
    """The GPS block of an image's EXIF ({} when there is none)."""
    with Image.open(io.BytesIO(data)) as im:
        return dict(im.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im
