"""What an upload may be: shared by the API (slots), the upload function and benchmarks.

Plain constants, no imports: `functions/images.py` reads them without loading the API.
"""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMAGE_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
MAX_ATTACHMENTS_PER_POST = 10
THUMBNAIL_MAX_SIDE = 640

# Signed upload URLs write under INCOMING_PREFIX (the only prefix the bucket notifies the
# upload function about, and the one its lifecycle rule clears); the function writes
# what it produced under IMAGES_PREFIX, whose finalize events it ignores.
INCOMING_PREFIX = "incoming/"
IMAGES_PREFIX = "images/"
