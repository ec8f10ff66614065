"""What an upload may be: shared by the slots, the image rules and benchmarks.

Plain constants, no imports: `api/uploads/images.py` reads them without loading the rest
of the API.
"""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMAGE_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
MAX_ATTACHMENTS_PER_POST = 10
THUMBNAIL_MAX_SIDE = 640

# Signed upload URLs write under INCOMING_PREFIX (the prefix the upload function processes,
# and the one the bucket's lifecycle rule clears); the function writes what it produced
# under IMAGES_PREFIX. The Eventarc trigger fires for every object in the bucket, so the
# function ignores finalize events outside INCOMING_PREFIX, its own writes included.
INCOMING_PREFIX = "incoming/"
IMAGES_PREFIX = "images/"
