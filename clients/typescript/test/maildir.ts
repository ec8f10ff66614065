/**
 * Reading the mail the server wrote to its local Maildir (DATA_DIR/mail): each message a
 * file in new/ (or cur/), multipart/alternative with the text first; the text part is
 * 7bit when it is ASCII (English) and base64 otherwise (Korean): api/mail/messages.py.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parse(raw: string): Part {
  const text = raw.replace(/\r\n/g, "\n");
  const split = text.indexOf("\n\n");
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? "" : text.slice(split + 2);
  const headers = new Map<string, string>();
  let last = "";
  for (const line of head.split("\n")) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last) ?? ""} ${line.trim()}`);
    } else {
      const colon = line.indexOf(":");
      last = line.slice(0, colon).trim().toLowerCase();
      headers.set(last, line.slice(colon + 1).trim());
    }
  }
  return { headers, body };
}

function plainText(part: Part): string | undefined {
  const type = part.headers.get("content-type") ?? "text/plain";
  if (type.toLowerCase().startsWith("multipart/")) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (boundary === undefined) return undefined;
    for (const chunk of part.body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith("--")) break; // the closing delimiter
      const text = plainText(parse(chunk.replace(/^\n/, "")));
      if (text !== undefined) return text;
    }
    return undefined;
  }
  if (!type.toLowerCase().startsWith("text/plain")) return undefined;
  const encoding = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") {
    return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  return part.body;
}

/** The text of each message to `address`. */
export function messagesTo(maildir: string, address: string): string[] {
  const texts: string[] = [];
  for (const folder of ["new", "cur"]) {
    let names: string[];
    try {
      names = readdirSync(join(maildir, folder));
    } catch {
      continue; // no mail yet
    }
    for (const name of names) {
      const message = parse(readFileSync(join(maildir, folder, name), "utf8"));
      if (message.headers.get("to")?.toLowerCase() === address.toLowerCase()) {
        const text = plainText(message);
        if (text !== undefined) texts.push(text);
      }
    }
  }
  return texts;
}

/** The 6-digit code of the verification mail to `address`, waiting for it to arrive. */
export async function verificationCode(maildir: string, address: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const text of messagesTo(maildir, address)) {
      const code = /(?:code|코드): ([0-9]{6})\b/.exec(text)?.[1];
      if (code !== undefined) return code;
    }
    if (Date.now() > deadline) {
      throw new Error(`no verification mail to ${address} in ${maildir}`);
    }
    await sleep(100);
  }
}
