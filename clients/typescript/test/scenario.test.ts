/**
 * Two students through the typed client, against a live server: both sign up and verify
 * with the code mailed to them, A posts anonymously, B comments on it, and A finds B's
 * comment among the notifications. Every answer is checked against the document
 * (./conformance.ts), so the run fails when the document lies.
 *
 * The server and its data come from the environment (tests/clients/test_typescript_client.py
 * sets them): QUAD_BASE_URL, QUAD_MAILDIR (the server's DATA_DIR/mail), QUAD_SCHOOL_ID and
 * QUAD_SCHOOL_DOMAIN (an email domain the school accepts), QUAD_BOARD_ID (a board there).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";

import { createQuadClient, type components, type Problem, type QuadClient } from "../src/index.js";
import { conformance } from "./conformance.js";
import { verificationCode } from "./maildir.js";

type MeOut = components["schemas"]["MeOut"];
type NotificationOut = components["schemas"]["NotificationOut"];

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const baseUrl = setting("QUAD_BASE_URL");
const maildir = setting("QUAD_MAILDIR");
const schoolId = setting("QUAD_SCHOOL_ID");
const domain = setting("QUAD_SCHOOL_DOMAIN");
const boardId = setting("QUAD_BOARD_ID");
const contract = conformance();

function client(token?: () => string): QuadClient {
  const quad = createQuadClient(token ? { baseUrl, token } : { baseUrl });
  quad.use(contract.middleware);
  return quad;
}

interface Student {
  me: MeOut;
  quad: QuadClient;
}

async function signUpAndVerify(language: "ko" | "en"): Promise<Student> {
  const nickname = `ts_${randomBytes(4).toString("hex")}`;
  const email = `${nickname}@${domain}`;
  const signup = await client().POST("/v1/auth/signup", {
    body: { email, password: "correct-horse-battery", nickname, school_id: schoolId, language },
  });
  assert.equal(signup.response.status, 201, JSON.stringify(signup.error));
  assert.ok(signup.data);
  assert.equal(signup.data.user.email_verified, false);
  assert.equal(signup.data.user.language, language);
  let accessToken = signup.data.tokens.access_token;
  const quad = client(() => accessToken);

  // Unverified: the answer is a typed problem, not data.
  const early = await quad.GET("/v1/notifications");
  assert.equal(early.response.status, 403);
  assert.equal(early.data, undefined);
  const problem: Problem | undefined = early.error;
  assert.equal(problem?.type, "urn:quad:problem:verification-required");

  const code = await verificationCode(maildir, email);
  const verified = await quad.POST("/v1/auth/verify-email", { body: { code } });
  assert.equal(verified.response.status, 200, JSON.stringify(verified.error));
  assert.ok(verified.data);
  assert.equal(verified.data.user.email_verified, true);
  assert.equal(verified.data.user.nickname, nickname);
  accessToken = verified.data.tokens.access_token; // carries the verified claim
  return { me: verified.data.user, quad };
}

async function notificationAbout(student: Student, commentId: string): Promise<NotificationOut> {
  // Written by the comment-created event's handler, just after the comment's commit.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const page = await student.quad.GET("/v1/notifications", { params: { query: { limit: 50 } } });
    assert.ok(page.data, JSON.stringify(page.error));
    const found = page.data.items.find((item) => item.comment_id === commentId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no notification about comment ${commentId}`);
    await sleep(100);
  }
}

test("two students: an anonymous post, a comment on it, and the author's notification", async () => {
  const [a, b] = [await signUpAndVerify("en"), await signUpAndVerify("ko")];
  assert.equal(a.me.school.id, schoolId);

  const created = await a.quad.POST("/v1/boards/{board_id}/posts", {
    params: { path: { board_id: boardId } },
    body: { title: "Where is the quiet library floor?", body: "Asking for a friend.", anonymous: true },
  });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  const post = created.data;
  assert.ok(post);
  assert.equal(post.board_id, boardId);
  assert.equal(post.anonymous, true);
  assert.equal(post.is_mine, true);
  assert.equal(post.comment_count, 0);

  const seen = await b.quad.GET("/v1/posts/{post_id}", { params: { path: { post_id: post.id } } });
  assert.ok(seen.data, JSON.stringify(seen.error));
  assert.equal(seen.data.is_mine, false);
  assert.equal(seen.data.author.id ?? null, null, "an anonymous author is nobody in particular");
  assert.equal(seen.data.author.nickname ?? null, null);

  const commented = await b.quad.POST("/v1/posts/{post_id}/comments", {
    params: { path: { post_id: post.id } },
    body: { body: "The fourth floor, by the windows." },
  });
  assert.equal(commented.response.status, 201, JSON.stringify(commented.error));
  const comment = commented.data;
  assert.ok(comment);
  assert.equal(comment.post_id, post.id);
  assert.equal(comment.author?.nickname, b.me.nickname);

  const notification = await notificationAbout(a, comment.id);
  assert.equal(notification.kind, "comment");
  assert.equal(notification.post_id, post.id);
  assert.equal(notification.actor_label, b.me.nickname);
  assert.equal(notification.read, false);

  const after = await a.quad.GET("/v1/posts/{post_id}", { params: { path: { post_id: post.id } } });
  assert.equal(after.data?.comment_count, 1);

  assert.deepEqual(contract.violations, []);
  assert.ok(contract.checked >= 11, `only ${contract.checked} answers checked`);
});
