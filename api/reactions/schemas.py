from api.core.schemas import OutputModel


class LikeState(OutputModel):
    liked: bool
    like_count: int


class ScrapState(OutputModel):
    scrapped: bool
    scrap_count: int
