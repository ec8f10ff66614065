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
