#!/usr/bin/env bash
# Record the bundled demo capture, Fixtures/captures/demo/demo.pcap, from REAL
# TLS stacks talking to each other on loopback (openssl s_server / s_client,
# curl, and three tiny Python servers for the not-TLS, silent and RST cases),
# captured with tcpdump on `lo`.
#
# Usage (as root):  bash Fixtures/make-demo.sh [OUTPUT.pcap]
#                   default output: Fixtures/captures/demo/demo.pcap
#
# Installs what it lacks (openssl tcpdump curl python3) with apt-get. Sends
# traffic to 127.0.0.1 only; every server listens on 127.0.0.1 only. A fresh
# private PKI is made in a temporary directory on every run and thrown away,
# so no private key is ever kept. Re-running gives the same ten flows (and the
# same outcomes) but new keys, ports on the client side and times.
#
# The flows, in order, one TCP connection each (server ports 44401-44409):
#   1  44401  TLS 1.3 established: s_client, valid 3-level chain, GET / + reply
#   2  44402  TLS 1.2 established: curl, ALPN http/1.1
#   3  44403  failed: client sends unknown_ca (48) for a self-signed leaf (TLS 1.2)
#   4  44404  failed: server sends protocol_version (70) (1.3-only vs 1.2-only)
#   5  44405  failed: server sends handshake_failure (40) (no shared cipher)
#   6  44406  not_tls: a plain HTTP 400 answers the ClientHello
#   7  44407  no_response: server accepts, reads, never answers; client quits after 2 s
#   8  44408  reset: server reads the ClientHello, then RST (SO_LINGER 0)
#   9  44409  TLS 1.2 established (full handshake, session saved)
#  10  44409  TLS 1.2 resumed (same session, abbreviated handshake)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/captures/demo/demo.pcap}"
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"

log() { printf '== %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  echo "make-demo.sh: must run as root (tcpdump on lo, apt-get)" >&2
  exit 1
fi

# ------------------------------------------------------------ packages ----
missing=()
for p in openssl tcpdump curl python3; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

WORK="$(mktemp -d -t tlsautopsy-demo.XXXXXX)"
chmod 755 "$WORK"
cd "$WORK"

# ------------------------------------------------------------- cleanup ----
PIDS=()            # servers started by this script
TCPDUMP_PID=""
cleanup() {
  local pid
  if [ -n "$TCPDUMP_PID" ]; then kill -INT "$TCPDUMP_PID" 2>/dev/null || true; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$TCPDUMP_PID" ]; then wait "$TCPDUMP_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ----------------------------------------------------------------- PKI ----
# root CA -> intermediate CA -> leaf for demo.tlsautopsy.test (RSA-2048), and
# an unrelated self-signed leaf for selfsigned.tlsautopsy.test.
SNI="demo.tlsautopsy.test"
SELF_SNI="selfsigned.tlsautopsy.test"
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; }
log "PKI"
q openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
  -subj "/O=tlsautopsy demo/CN=tlsautopsy Demo Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
q openssl req -newkey rsa:2048 -nodes -keyout int.key -out int.csr \
  -subj "/O=tlsautopsy demo/CN=tlsautopsy Demo Intermediate CA"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
q openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out int.pem \
  -days 1825 -extfile int.ext
q openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr \
  -subj "/O=tlsautopsy demo/CN=$SNI"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' "$SNI" > leaf.ext
q openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -out leaf.pem \
  -days 825 -extfile leaf.ext
q openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -days 825 \
  -subj "/O=tlsautopsy demo/CN=$SELF_SNI" \
  -addext "basicConstraints=CA:FALSE" -addext "extendedKeyUsage=serverAuth" \
  -addext "subjectAltName=DNS:$SELF_SNI"
q openssl verify -CAfile root.pem -untrusted int.pem leaf.pem

# ------------------------------------------------------------- servers ----
P_TLS13=44401 P_ALPN=44402 P_SELF=44403 P_V13=44404 P_CIPHER=44405
P_HTTP=44406 P_SILENT=44407 P_RST=44408 P_RESUME=44409
ALL_PORTS=($P_TLS13 $P_ALPN $P_SELF $P_V13 $P_CIPHER $P_HTTP $P_SILENT $P_RST $P_RESUME)

# Wait until something listens on 127.0.0.1:$1, without connecting to it
# (a probe connection would be one more flow if the capture were running).
wait_listen() {
  local hex i
  hex="$(printf '0100007F:%04X' "$1")"
  for i in $(seq 100); do
    if grep -q " $hex 00000000:0000 0A " /proc/net/tcp; then return 0; fi
    sleep 0.1
  done
  echo "make-demo.sh: nothing listens on 127.0.0.1:$1" >&2
  for f in server-*.log; do echo "--- $f" >&2; cat "$f" >&2; done
  exit 1
}
port_in_use() {
  grep -q " $(printf '0100007F:%04X' "$1") 00000000:0000 0A " /proc/net/tcp ||
    grep -q " 00000000:$(printf '%04X' "$1") 00000000:0000 0A " /proc/net/tcp
}
for p in "${ALL_PORTS[@]}"; do
  if port_in_use "$p"; then
    echo "make-demo.sh: port $p is already in use; stop whatever listens there" >&2
    exit 1
  fi
done
start_server() {  # $1=port, rest: command
  local port="$1"; shift
  "$@" >"server-$port.log" 2>&1 </dev/null &
  PIDS+=("$!")
  wait_listen "$port"
}

cat > http_server.py <<'EOF'
# Answers any connection with a plain-text HTTP 400, as an HTTP server on a
# port the client believes is TLS would.
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
while True:
    c, _ = s.accept()
    c.settimeout(3)
    try:
        c.recv(65536)                      # the ClientHello
        c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        c.shutdown(socket.SHUT_WR)         # FIN
        while c.recv(65536):               # drain until the client closes
            pass
    except OSError:
        pass
    c.close()
EOF
cat > silent_server.py <<'EOF'
# Accepts, reads whatever comes, never sends a byte; closes when the client does.
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
while True:
    c, _ = s.accept()
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass
    c.close()
EOF
cat > rst_server.py <<'EOF'
# Reads the ClientHello, then aborts the connection: SO_LINGER 0 -> TCP RST.
import socket, struct, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
while True:
    c, _ = s.accept()
    try:
        c.recv(65536)
        time.sleep(0.05)
    except OSError:
        pass
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
EOF

log "servers"
CHAIN=(-cert leaf.pem -key leaf.key -cert_chain int.pem)
start_server $P_TLS13  openssl s_server -accept 127.0.0.1:$P_TLS13  "${CHAIN[@]}" -www
start_server $P_ALPN   openssl s_server -accept 127.0.0.1:$P_ALPN   "${CHAIN[@]}" -www -alpn http/1.1
start_server $P_SELF   openssl s_server -accept 127.0.0.1:$P_SELF   -cert self.pem -key self.key -www
start_server $P_V13    openssl s_server -accept 127.0.0.1:$P_V13    "${CHAIN[@]}" -www -tls1_3
start_server $P_CIPHER openssl s_server -accept 127.0.0.1:$P_CIPHER "${CHAIN[@]}" -www -tls1_2 \
  -cipher ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
start_server $P_HTTP   python3 http_server.py $P_HTTP
start_server $P_SILENT python3 silent_server.py $P_SILENT
start_server $P_RST    python3 rst_server.py $P_RST
start_server $P_RESUME openssl s_server -accept 127.0.0.1:$P_RESUME "${CHAIN[@]}" -www -tls1_2

# ------------------------------------------------------------- capture ----
# Only our nine server ports (exactly), so that unrelated loopback traffic
# cannot slip in.
FILTER="tcp and host 127.0.0.1 and ("
for p in "${ALL_PORTS[@]}"; do FILTER+="port $p or "; done
FILTER="${FILTER% or }) and portrange 44400-44499"
PCAP="$WORK/demo.pcap"
log "capture: $FILTER"
tcpdump -i lo -s 0 -U -Z root -w "$PCAP" "$FILTER" 2>tcpdump.err &
TCPDUMP_PID=$!
for _ in $(seq 100); do grep -q 'listening on' tcpdump.err && break; sleep 0.1; done
grep -q 'listening on' tcpdump.err || { cat tcpdump.err >&2; exit 1; }
sleep 1

gap() { sleep 0.5; }
REQ=$'GET / HTTP/1.0\r\n\r\n'

log "1 TLS 1.3 established (s_client, valid chain)"
openssl s_client -connect 127.0.0.1:$P_TLS13 -servername "$SNI" -CAfile root.pem \
  -verify_return_error -ign_eof -quiet <<<"$REQ" >c1.out 2>&1 || true
gap

log "2 TLS 1.2 established (curl, ALPN http/1.1)"
curl -sS -o c2.out --http1.1 --tlsv1.2 --tls-max 1.2 --cacert root.pem \
  --resolve "$SNI:$P_ALPN:127.0.0.1" "https://$SNI:$P_ALPN/" 2>c2.err || true
gap

log "3 untrusted self-signed certificate: client sends unknown_ca"
openssl s_client -connect 127.0.0.1:$P_SELF -servername "$SELF_SNI" -tls1_2 \
  -verify_return_error </dev/null >c3.out 2>&1 || true
gap

log "4 protocol version mismatch: server sends protocol_version"
openssl s_client -connect 127.0.0.1:$P_V13 -servername "$SNI" -tls1_2 -CAfile root.pem \
  </dev/null >c4.out 2>&1 || true
gap

log "5 no shared cipher: server sends handshake_failure"
openssl s_client -connect 127.0.0.1:$P_CIPHER -servername "$SNI" -tls1_2 -cipher AES128-SHA \
  -CAfile root.pem </dev/null >c5.out 2>&1 || true
gap

log "6 plain HTTP reply to a ClientHello (not TLS)"
openssl s_client -connect 127.0.0.1:$P_HTTP -servername "$SNI" -CAfile root.pem \
  </dev/null >c6.out 2>&1 || true
gap

log "7 no response: client gives up after 2 s"
timeout 2 openssl s_client -connect 127.0.0.1:$P_SILENT -servername "$SNI" -CAfile root.pem \
  < <(sleep 4) >c7.out 2>&1 || true
gap

log "8 reset after the ClientHello"
openssl s_client -connect 127.0.0.1:$P_RST -servername "$SNI" -CAfile root.pem \
  </dev/null >c8.out 2>&1 || true
gap

log "9 TLS 1.2 full handshake, session saved"
openssl s_client -connect 127.0.0.1:$P_RESUME -servername "$SNI" -tls1_2 -CAfile root.pem \
  -verify_return_error -sess_out sess.pem -ign_eof -quiet <<<"$REQ" >c9.out 2>&1 || true
gap

log "10 TLS 1.2 resumed"
openssl s_client -connect 127.0.0.1:$P_RESUME -servername "$SNI" -tls1_2 -CAfile root.pem \
  -verify_return_error -sess_in sess.pem -ign_eof <<<"$REQ" >c10.out 2>&1 || true
sleep 1

kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=""

# -------------------------------------------------------------- checks ----
problems=0
check() {  # $1=description, $2=file, $3=pattern
  if ! grep -q -- "$3" "$2"; then
    echo "WARNING: $1: '$3' not found in client output:" >&2
    sed 's/^/    /' "$2" >&2
    problems=$((problems + 1))
  fi
}
check "flow 1" c1.out "HTTP/1.0 200 ok"
check "flow 2" c2.out "Protocol  : TLSv1.2"
check "flow 3" c3.out "self-signed certificate"
check "flow 4" c4.out "alert protocol version"
check "flow 5" c5.out "alert handshake failure"
check "flow 6" c6.out "wrong version number"
check "flow 9" c9.out "HTTP/1.0 200 ok"
check "flow 10" c10.out "Reused, TLSv1.2"
syns=$(tcpdump -n -r "$PCAP" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null | wc -l)
rsts=$(tcpdump -n -r "$PCAP" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
if [ "$syns" -ne 10 ]; then echo "WARNING: expected 10 connections, saw $syns SYNs" >&2; problems=$((problems + 1)); fi
if [ "$rsts" -ne 1 ]; then echo "WARNING: expected 1 RST, saw $rsts" >&2; problems=$((problems + 1)); fi

cp "$PCAP" "$OUT"
chmod 644 "$OUT"
size=$(stat -c %s "$OUT")
echo "wrote $OUT ($size bytes, $syns connections)"
echo "stacks: $(openssl version)"
echo "        $(curl --version | head -1)"
echo "        $(tcpdump --version 2>&1 | head -1), Python $(python3 -c 'import sys; print(sys.version.split()[0])')"
if [ "$size" -ge 102400 ]; then echo "WARNING: capture is larger than 100 KB" >&2; problems=$((problems + 1)); fi
if [ "$problems" -ne 0 ]; then echo "make-demo.sh: $problems problem(s), see above" >&2; exit 1; fi
