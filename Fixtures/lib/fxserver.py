#!/usr/bin/env python3
"""Small servers for the fixture captures that no real TLS server plays.

Usage: fxserver.py MODE HOST PORT [options]

Modes (each serves connections one after another until killed):
  http400   reads the ClientHello, answers a plaintext "HTTP/1.1 400 Bad Request"
            and closes (what a client calls "wrong version number")
  ssh       sends an SSH banner as soon as a client connects (as sshd does)
  silent    accepts and reads, never sends a byte; closes when the client does
  rst       reads the ClientHello, waits 50 ms, aborts the connection (SO_LINGER 0
            -> TCP RST)
  stall     a TCP proxy to --upstream PORT on the same host that forwards the
            client's bytes, but only the FIRST TLS record of the server's (the
            ServerHello), then holds the rest: the handshake never finishes
  tls       a Python ssl server (--cert, --key, optional --tls 1.2|1.3): reads one
            request and answers "HTTP/1.0 200 OK"
  overload  a Python ssl server with at most --max handshakes in progress at once:
            a connection that arrives while --max are in progress is read (its
            ClientHello) and reset, as a saturated accept queue or a connection
            limiter in front of a server does; each handshake is held --hold
            seconds before the server answers, as a busy server would
"""
import argparse
import socket
import ssl
import struct
import threading
import time


def listener(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(64)
    return s


def abort(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def drain(conn):
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def serve_http400(conn):
    conn.settimeout(5)
    try:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: fxserver\r\n"
                     b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        conn.shutdown(socket.SHUT_WR)
        drain(conn)
    except OSError:
        pass
    conn.close()


def serve_ssh(conn):
    conn.settimeout(5)
    try:
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        conn.recv(65536)
        time.sleep(0.05)
        conn.sendall(b"Invalid SSH identification string.\r\n")
        conn.shutdown(socket.SHUT_WR)
        drain(conn)
    except OSError:
        pass
    conn.close()


def serve_silent(conn):
    drain(conn)
    conn.close()


def serve_rst(conn):
    conn.settimeout(5)
    try:
        conn.recv(65536)
        time.sleep(0.05)
    except OSError:
        pass
    abort(conn)


def read_record(sock):
    """Reads one TLS record (header + body) from sock; b'' at EOF."""
    buf = b""
    while len(buf) < 5:
        chunk = sock.recv(5 - len(buf))
        if not chunk:
            return b""
        buf += chunk
    need = 5 + struct.unpack("!H", buf[3:5])[0]
    while len(buf) < need:
        chunk = sock.recv(need - len(buf))
        if not chunk:
            return b""
        buf += chunk
    return buf


def serve_stall(conn, args):
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    up = socket.socket(family, socket.SOCK_STREAM)
    up.connect((args.host, args.upstream))

    def client_to_server():
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                up.sendall(data)
        except OSError:
            pass

    t = threading.Thread(target=client_to_server, daemon=True)
    t.start()
    try:
        first = read_record(up)
        if first:
            conn.sendall(first)
        drain(up)              # swallow the rest of the server's flight
    except OSError:
        pass
    t.join()
    conn.close()
    up.close()


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.tls == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif args.tls == "1.3":
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


def serve_tls(conn, ctx):
    conn.settimeout(5)
    try:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                        b"Content-Length: 6\r\n\r\nhello\n")
            try:
                tls.unwrap()
            except (OSError, ssl.SSLError):
                pass
    except (OSError, ssl.SSLError):
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["http400", "ssh", "silent", "rst", "stall", "tls", "overload"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--upstream", type=int)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--tls", choices=["1.2", "1.3"])
    p.add_argument("--max", type=int, default=2)
    p.add_argument("--hold", type=float, default=0.3)
    args = p.parse_args()
    s = listener(args.host, args.port)
    ctx = make_context(args) if args.mode in ("tls", "overload") else None
    busy = [0]
    lock = threading.Lock()

    def overload(conn):
        with lock:
            full = busy[0] >= args.max
            if not full:
                busy[0] += 1
        if full:
            serve_rst(conn)
            return
        try:
            conn.settimeout(5)
            conn.recv(1, socket.MSG_PEEK)   # the ClientHello is here
            time.sleep(args.hold)
            serve_tls(conn, ctx)
        except OSError:
            conn.close()
        finally:
            with lock:
                busy[0] -= 1

    handlers = {
        "http400": serve_http400, "ssh": serve_ssh, "silent": serve_silent,
        "rst": serve_rst, "stall": lambda c: serve_stall(c, args),
        "tls": lambda c: serve_tls(c, ctx), "overload": overload,
    }
    handler = handlers[args.mode]
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
