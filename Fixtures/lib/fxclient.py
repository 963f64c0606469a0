#!/usr/bin/env python3
"""The Python ssl client of the fixture captures (OpenSSL underneath, but with
Python's own defaults: its ClientHello differs from s_client's and curl's).

Usage: fxclient.py HOST PORT [--sni NAME | --no-sni] [--ca FILE] [--tls 1.0|1.1|1.2|1.3]
                   [--no-cn] [--no-verify] [--alpn h2,http/1.1] [--ciphers STR]
                   [--cert FILE --key FILE] [--get]

Prints one line, "OK <version> <cipher> <alpn>" or "ERR <reason>", and exits 0 or 1.
--no-cn turns off the fallback to the subject CN when a certificate has no SAN
(hostname_checks_common_name = False), as browsers do.
"""
import argparse
import socket
import ssl
import sys
import warnings

VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--sni")
    p.add_argument("--no-sni", action="store_true")
    p.add_argument("--ca")
    p.add_argument("--tls", choices=sorted(VERSIONS))
    p.add_argument("--no-cn", action="store_true")
    p.add_argument("--no-verify", action="store_true")
    p.add_argument("--alpn")
    p.add_argument("--ciphers")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--get", action="store_true")
    p.add_argument("--timeout", type=float, default=5)
    a = p.parse_args()

    warnings.simplefilter("ignore", DeprecationWarning)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if a.ca:
        ctx.load_verify_locations(a.ca)
    if a.no_verify or a.no_sni:
        ctx.check_hostname = False
    if a.no_verify:
        ctx.verify_mode = ssl.CERT_NONE
    if a.no_cn:
        ctx.hostname_checks_common_name = False
    if a.tls:
        if a.tls in ("1.0", "1.1"):
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = VERSIONS[a.tls]
        ctx.maximum_version = VERSIONS[a.tls]
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    name = None if a.no_sni else (a.sni or a.host)
    try:
        with socket.create_connection((a.host, a.port), timeout=a.timeout) as raw:
            with ctx.wrap_socket(raw, server_hostname=name) as tls:
                if a.get:
                    host = a.sni or a.host
                    tls.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                    while tls.recv(65536):
                        pass
                print("OK", tls.version(), tls.cipher()[0], tls.selected_alpn_protocol())
                return 0
    except (OSError, ssl.SSLError, ValueError) as e:
        print("ERR", type(e).__name__, e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
