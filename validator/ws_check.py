#!/usr/bin/env python3
"""Subscribe over the validator's PubSub websocket and wait for one notification (stdlib only).

    ws_check.py ws://127.0.0.1:8900/ blockSubscribe '["all", {"transactionDetails": "none"}]'

Exit 0 once a notification arrives within the timeout (default 20 s), else 1.
"""
import base64, json, os, socket, struct, sys, time
from urllib.parse import urlparse


def send_text(sock, text):
    data = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    n = len(data)
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 1 << 16:
        header += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack(">Q", n)
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("websocket closed")
        buf += chunk
    return buf


def recv_frame(sock):
    b0, b1 = recv_exact(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", recv_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", recv_exact(sock, 8))[0]
    mask = recv_exact(sock, 4) if b1 & 0x80 else None
    data = recv_exact(sock, n)
    if mask:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return b0 & 0x0F, data


def main():
    url, method, params = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "[]"
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0
    u = urlparse(url)
    sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += recv_exact(sock, 1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        print(f"handshake failed: {head[:200]!r}")
        return 1
    send_text(sock, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": json.loads(params)}))
    deadline = time.time() + timeout
    while time.time() < deadline:
        op, data = recv_frame(sock)
        if op == 0x9:  # ping: answer with pong
            continue
        if op != 0x1:
            continue
        msg = json.loads(data)
        if "error" in msg:
            print(f"{method}: error {msg['error']}")
            return 1
        if msg.get("method", "").endswith("Notification"):
            print(f"{method}: notification {msg['method']} ({len(data)} bytes)")
            return 0
    print(f"{method}: no notification within {timeout} s")
    return 1


if __name__ == "__main__":
    sys.exit(main())
