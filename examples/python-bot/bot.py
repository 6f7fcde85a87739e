"""An example bot for whatsapp-once, Python 3 standard library only: one keyword per reply kind.

Protocol v1 (docs/BOT.md) on any path, and a Rasa-shaped stand-in on /webhooks/rest/webhook (not
Rasa: the same keywords, in the shape of Rasa's REST channel). Environment: BOT_SECRET (required),
PORT (default 8080), HOST (default 127.0.0.1).
"""
import hashlib, hmac, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["BOT_SECRET"].encode()
RASA_PATH = "/webhooks/rest/webhook"
PHOTO = "https://www.example.com/whatsapp-once/photo.jpg"
BUTTONS = [("yes", "Yes"), ("no", "No")]
DAYS = [("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday")]


def text(body):
    return {"kind": "text", "body": body}


def by_keyword(word):
    """The reply parts for one typed keyword; None for anything else."""
    return {
        "buttons": [{"kind": "buttons", "body": "Pick one", "buttons": [{"id": i, "title": t} for i, t in BUTTONS]}],
        "list": [{"kind": "list", "body": "Which day suits you?", "button": "Days",
                  "sections": [{"title": "This week", "rows": [{"id": i, "title": t} for i, t in DAYS]}]}],
        "photo": [{"kind": "media", "mediaType": "image", "link": PHOTO, "caption": "A photo, by link"}],
        "location": [{"kind": "location", "latitude": 37.4847, "longitude": -122.1477,
                      "name": "Meta HQ", "address": "1 Hacker Way, Menlo Park, CA"}],
        "react": [{"kind": "reaction", "emoji": "\U0001F44D"}],
        "two": [text("This answer has two parts: one,"), text("and two.")],
    }.get(word)


def answer(message, context):
    """Protocol v1: the reply parts for one message (docs/bot-protocol.schema.json)."""
    content = message["content"]
    if not context["windowOpen"]:
        # Past the 24-hour window only a template may be sent; hello_world is every account's sample.
        return [{"kind": "template", "name": "hello_world", "language": "en_US"}]
    if content["type"] == "reaction":
        return []
    if content["type"] == "interactive":
        parts = [text(f"You chose {content['reply']['id']}")]
    elif content["type"] == "button":
        parts = [text(f"You chose {content['payload']}")]
    elif content["type"] == "text":
        parts = by_keyword(content["body"].strip().lower()) or [text(f"You said: {content['body']}")]
    else:
        parts = [text(f"Got your {content['type']}")]
    if context["stale"] and parts[0]["kind"] == "text":
        parts[0] = text("Sorry for the wait. " + parts[0]["body"])
    return parts


def rasa_answer(sender, said):
    """Rasa's REST channel shape: a list of bot messages; a tapped button comes back as its payload."""
    word = said.strip().lower()
    if word == "buttons":
        buttons = [{"title": title, "payload": f"/{i}"} for i, title in BUTTONS]
        return [{"recipient_id": sender, "text": "Pick one", "buttons": buttons}]
    if word == "photo":
        return [{"recipient_id": sender, "image": PHOTO}]
    return [{"recipient_id": sender, "text": f"You chose {said}" if said.startswith("/") else f"You said: {said}"}]


class Bot(BaseHTTPRequestHandler):
    def do_GET(self):  # a health check: the local server waits for it before it starts
        self.reply(200, {"ok": True})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected = b"sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest().encode()
        # Checked on the bytes received, before parsing, in constant time (docs/BOT.md); compared as
        # bytes, since compare_digest refuses a str header holding non-ASCII characters.
        sent = self.headers.get("X-Bot-Signature-256", "").encode("latin-1")
        if not hmac.compare_digest(sent, expected):
            return self.reply(401, {"error": "bad signature"})
        request = json.loads(raw)
        if self.path == RASA_PATH:
            return self.reply(200, rasa_answer(request["sender"], request["message"]))
        self.reply(200, {"version": 1, "replies": answer(request["message"], request["context"])})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # the default line names the path only; quiet unless asked
        if os.environ.get("BOT_LOG_REQUESTS") == "1":
            super().log_message(*args)


def exit_when_stdin_closes():
    """Started by `npm start`: stop with it, even when it is killed without a chance to stop us."""
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    if os.environ.get("BOT_EXIT_WITH_STDIN") == "1":
        threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8080"))), Bot)
    print(f"example bot listening on http://{server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()
