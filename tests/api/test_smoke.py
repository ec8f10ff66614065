def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_board_page_for_member(client, campus):
    r = client.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "hello", "body": "world"},
        headers=campus.alice.headers,
    )
    assert r.status_code == 201, r.text
    page = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.bob.headers).json()
    assert [p["title"] for p in page["items"]] == ["hello"]


def test_start_up_freezes_what_it_built_once_per_process(client):
    # The objects of import and start-up stay out of the garbage collector's full passes
    # (a 70-90 ms pause each, every few seconds under load); a second app in the same
    # process (tests start many) does not freeze again, so nothing of it is kept forever.
    import gc

    from fastapi.testclient import TestClient

    from api.main import create_app

    frozen = gc.get_freeze_count()
    assert frozen > 10_000
    with TestClient(create_app()) as again:
        assert again.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == frozen
