#!/usr/bin/env bash
# Record the fixture captures, Fixtures/captures/*.pcap and *.pcapng, from REAL
# TLS stacks talking to each other: openssl s_server / s_client, gnutls-serv /
# gnutls-cli, nginx, curl, Python's ssl module, and a few tiny Python servers
# for the endings no TLS server plays (plain-text replies, silence, resets).
# One scenario per file, named for what it shows. Then check every file with
# tshark and write Fixtures/manifest.json, the per-flow outcomes and diagnoses a
# correct analyzer must give (see Fixtures/README.md).
#
# Usage (as root):  bash Fixtures/make-fixtures.sh            (or: make fixtures)
#                   ONLY='regex' bash Fixtures/make-fixtures.sh OUTDIR
#   OUTDIR   write the captures, manifest.json and trust-anchors.pem there instead
#            of Fixtures/captures, Fixtures/manifest.json, Fixtures/lib/trust-anchors.pem
#   ONLY     record only the captures whose file name matches (needs OUTDIR)
#
# Everything runs in network namespaces this script creates and deletes: most
# scenarios on the loopback interface of a namespace of their own (so nothing
# else on the machine is captured and port 443 is free), the IPv6, VLAN and
# packet-loss ones on veth pairs between namespaces. Addresses: 127.0.0.1 and
# ::1 in those namespaces, 192.0.2.0/24 and 2001:db8::/64 (documentation
# ranges) on the veths. No packet leaves the machine.
#
# The kernel here has neither sch_netem nor 8021q, so lib/wire.py, a user-space
# Ethernet wire (AF_PACKET), reorders, duplicates and drops segments, and plays
# the 802.1Q trunk between two namespaces.
#
# A private PKI (lib/make-pki.sh) is made fresh in a temporary directory on every
# run; the root's certificate (not its key) is kept as the analyzer's trust anchor.
# Certificate dates are set by the CA (`openssl ca -startdate/-enddate`); the one
# skewed clock (client_clock_skew) is faketime around the client.
# Installs what it lacks with apt-get.
set -euo pipefail

T0=$(date +%s)
HERE="$(cd "$(dirname "$0")" && pwd)"
LIB="$HERE/lib"
ONLY="${ONLY:-}"
if [ $# -ge 1 ]; then
  mkdir -p "$1"
  OUTDIR="$(cd "$1" && pwd)"
  MANIFEST="$OUTDIR/manifest.json"
  CAFILE="$OUTDIR/trust-anchors.pem"
  CAFILE_REL="$CAFILE"
else
  if [ -n "$ONLY" ]; then
    echo "make-fixtures.sh: ONLY needs an OUTDIR (a partial run must not replace the fixtures)" >&2
    exit 2
  fi
  OUTDIR="$HERE/captures"
  MANIFEST="$HERE/manifest.json"
  CAFILE="$LIB/trust-anchors.pem"
  CAFILE_REL="Fixtures/lib/trust-anchors.pem"
fi

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'make-fixtures.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, tcpdump, apt-get)"

# ------------------------------------------------------------ packages ----
need=(openssl gnutls-bin curl tcpdump python3 iproute2 faketime ethtool tshark)
missing=()
for p in "${need[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the nginx package from starting a server on port 80 while it installs.
  policy_made=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_made=1
  fi
  status=0
  { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } || status=$?
  if [ -n "$policy_made" ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$status" -eq 0 ] || die "apt-get failed"
fi

# ------------------------------------------------------------ work dir ----
WORK="$(mktemp -d -t tlsautopsy-fixtures.XXXXXX)"
chmod 755 "$WORK"
PKI="$WORK/pki"
CAPS="$WORK/captures"
LOGS="$WORK/logs"
PLAN="$WORK/plan.jsonl"
mkdir -p "$CAPS" "$LOGS"
: > "$PLAN"

ID="fx$$"
NSL="$ID-lo"          # the namespace of the loopback scenarios
NAMESPACES=()
SERVER_PIDS=()
TCPDUMP_PID=""
OTHER_PIDS=()
cleanup() {
  local pid ns
  if [ -n "$TCPDUMP_PID" ]; then kill -INT "$TCPDUMP_PID" 2>/dev/null || true; fi
  for pid in "${SERVER_PIDS[@]}" "${OTHER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in "${NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  wait 2>/dev/null || true
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  if [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; else echo "work dir kept: $WORK" >&2; fi
}
trap cleanup EXIT

log "PKI"
bash "$LIB/make-pki.sh" "$PKI"
cd "$PKI"
head -c 4000000 /dev/urandom > "$WORK/big.bin"
chmod 644 "$WORK/big.bin"

# ---------------------------------------------------------- namespaces ----
ns_add() {  # $1=name: a namespace with lo up
  ip netns add "$1"
  NAMESPACES+=("$1")
  ip -n "$1" link set lo up
}
ns_del() {  # $1=name
  local pid
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  sleep 0.1
  ip netns del "$1"
  local keep=() ns
  for ns in "${NAMESPACES[@]}"; do [ "$ns" = "$1" ] || keep+=("$ns"); done
  NAMESPACES=("${keep[@]}")
}
veth() {  # $1=ns $2=if $3=peer ns $4=peer if [$5=mtu]: a veth pair, offloads off
  ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
  local x
  for x in "$1 $2" "$3 $4"; do
    set -- $x "${5:-}"
    ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
    if [ -n "$3" ]; then ip -n "$1" link set "$2" mtu "$3"; fi
    ip -n "$1" link set "$2" up
  done
}
no_ipv6() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }

ns_add "$NSL"

# ---------------------------------------------------------------- plan ----
jstr() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
jlist() { local out="" w; for w in $1; do out+="${out:+,}$(jstr "$w")"; done; printf '[%s]' "$out"; }
CUR=""
SKIP=""
begin() {  # $1=file $2=server ports $3=server stack $4=description
  CUR="$1"
  if [ -n "$ONLY" ] && ! [[ "$1" =~ $ONLY ]]; then SKIP=1; return 1; fi
  SKIP=""
  log "$1"
  printf '{"type":"capture","file":%s,"server_ports":[%s],"server":%s,"description":%s}\n' \
    "$(jstr "$1")" "$(echo "$2" | tr ' ' ',')" "$(jstr "$3")" "$(jstr "$4")" >> "$PLAN"
  echo "### $1" >> "$LOGS/clients.log"
}
# flow OUTCOME "DIAGNOSES" "ALSO ACCEPTABLE" "CHECKS" "CLIENT STACK" "WHAT" ["OUTCOME ALTERNATIVES"]
# One line per TCP connection, in the order the clients open them.
flow() {
  printf '{"type":"flow","file":%s,"outcome":%s,"diagnoses":%s,"also_acceptable":%s,"checks":%s,"client":%s,"what":%s,"outcome_alternatives":%s}\n' \
    "$(jstr "$CUR")" "$(jstr "$1")" "$(jlist "$2")" "$(jlist "$3")" "$(jstr "$4")" \
    "$(jstr "$5")" "$(jstr "$6")" "$(jlist "${7:-}")" >> "$PLAN"
}
auto_flow() {  # $1="outcomes it may have" $2=client $3=what; outcome decided from the wire
  printf '{"type":"flow","file":%s,"outcome":"auto","auto":%s,"auto_diagnoses":{"reset":["connection_reset"],"established":[]},"diagnoses":[],"also_acceptable":["server_overload"],"checks":"","client":%s,"what":%s}\n' \
    "$(jstr "$CUR")" "$(jlist "$1")" "$(jstr "$2")" "$(jstr "$3")" >> "$PLAN"
}
pattern() {  # $1=diagnosis $2=statement
  printf '{"type":"pattern","file":%s,"diagnosis":%s,"statement":%s}\n' \
    "$(jstr "$CUR")" "$(jstr "$1")" "$(jstr "$2")" >> "$PLAN"
}

# ------------------------------------------------------------- servers ----
SNS="$NSL"            # namespace of the servers and clients (changed by topologies)
CNS="$NSL"
HOST=127.0.0.1
PORT=443
wait_listen() {  # $1=ns $2=port
  local i
  for i in $(seq 100); do
    if [ -n "$(ip netns exec "$1" ss -Hltn "( sport = :$2 )" 2>/dev/null)" ]; then return 0; fi
    sleep 0.05
  done
  cat "$LOGS"/server-*.log >&2 || true
  die "nothing listens on port $2 in $1 ($CUR)"
}
serve() {  # $1=port, rest: command (run in $SNS, in the PKI dir)
  local port="$1"; shift
  ip netns exec "$SNS" "$@" >>"$LOGS/server-$CUR.log" 2>&1 </dev/null &
  SERVER_PIDS+=("$!")
  wait_listen "$SNS" "$port"
}
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}
ossrv() {  # openssl s_server on $PORT with the www chain unless -cert is given; extra args
  local chain=(-cert www.pem -key www.key -cert_chain int.pem)
  case " $* " in *" -cert "*) chain=() ;; esac
  serve "$PORT" openssl s_server -accept "$PORT" "${chain[@]}" -www -quiet "$@"
}
NGINX_CONF="$WORK/nginx/nginx.conf"
nginx_conf() {
  mkdir -p "$WORK/nginx" "$WORK/www"
  ln -sf "$WORK/big.bin" "$WORK/www/big.bin"
  cat > "$NGINX_CONF" <<EOF
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log info;
events { worker_connections 128; }
http {
  access_log $WORK/nginx/access.log;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  # No name, or an unknown one: refuse the handshake (unrecognized_name).
  server {
    listen 443 ssl http2 default_server;
    listen [::]:443 ssl http2 default_server;
    ssl_reject_handshake on;
  }
  server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name www.example.test;
    ssl_certificate $PKI/www-chain.pem;
    ssl_certificate_key $PKI/www.key;
    location = /big.bin { root $WORK/www; }
    location / { return 200 "hello from nginx\n"; }
  }
}
EOF
}
nginx_conf
ngsrv() { serve 443 nginx -c "$NGINX_CONF" -e "$WORK/nginx/error.log"; }
pysrv() {  # fxserver MODE [options]
  local mode="$1"; shift
  serve "$PORT" python3 "$LIB/fxserver.py" "$mode" "$HOST" "$PORT" "$@"
}

# ------------------------------------------------------------- clients ----
# Every client runs in $CNS against $HOST:$PORT, with the PKI's root as its only
# trust anchor, verifies the chain and the name, and, if the handshake works,
# sends one HTTP request. NAME "-" means: no SNI (and no name check).
clog() { echo "--- $*" >> "$LOGS/clients.log"; }
TMO=10
WRAP=""              # a command prefix for the client (faketime)
NOREQ=""             # set: s_client sends no request, it closes once the handshake is done
req() { printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1"; }
hostport() { if [[ "$HOST" == *:* ]]; then echo "[$HOST]:$PORT"; else echo "$HOST:$PORT"; fi; }
osc() {  # openssl s_client: NAME [extra args]
  local name="$1"; shift
  local sni=(-servername "$name" -verify_hostname "$name")
  [ "$name" = "-" ] && sni=(-noservername)
  clog "openssl s_client $name $*"
  if [ -n "$NOREQ" ]; then
    ip netns exec "$CNS" timeout "$TMO" $WRAP openssl s_client -connect "$(hostport)" \
      "${sni[@]}" -CAfile root.pem -verify_return_error "$@" </dev/null >> "$LOGS/clients.log" 2>&1 || true
    return 0
  fi
  req "$name" | ip netns exec "$CNS" timeout "$TMO" $WRAP openssl s_client -connect "$(hostport)" \
    "${sni[@]}" -CAfile root.pem -verify_return_error -ign_eof "$@" >> "$LOGS/clients.log" 2>&1 || true
}
gtc() {  # gnutls-cli: NAME [extra args]
  local name="$1"; shift
  local sni=(--sni-hostname "$name" --verify-hostname "$name")
  [ "$name" = "-" ] && sni=()
  clog "gnutls-cli $name $*"
  req "$name" | ip netns exec "$CNS" timeout "$TMO" $WRAP gnutls-cli -p "$PORT" --x509cafile root.pem \
    "${sni[@]}" "$@" "$HOST" >> "$LOGS/clients.log" 2>&1 || true
}
pyc() {  # Python ssl: NAME [extra args of fxclient.py]
  local name="$1"; shift
  local sni=(--sni "$name")
  [ "$name" = "-" ] && sni=(--no-sni)
  clog "python fxclient $name $*"
  ip netns exec "$CNS" timeout "$TMO" python3 "$LIB/fxclient.py" "$HOST" "$PORT" "${sni[@]}" \
    --ca root.pem --get "$@" >> "$LOGS/clients.log" 2>&1 || true
}
curlc() {  # curl: NAME [extra args]
  local name="$1"; shift
  local addr="$HOST"
  [[ "$HOST" == *:* ]] && addr="[$HOST]"
  clog "curl $name $*"
  ip netns exec "$CNS" timeout "$TMO" curl -sS -o /dev/null --cacert root.pem \
    --resolve "$name:$PORT:$addr" "$@" "https://$name:$PORT/" >> "$LOGS/clients.log" 2>&1 || true
}
gap() { sleep 0.1; }

# ------------------------------------------------------------- capture ----
CAPFILTER="tcp"
cap_start() {  # [IFACE [NS [extra tcpdump args...]]]
  local iface="${1:-lo}" ns="${2:-$CNS}"
  shift 2 2>/dev/null || shift $#
  : > "$WORK/tcpdump.err"
  ip netns exec "$ns" tcpdump -i "$iface" -U --immediate-mode -Z root "$@" \
    -w "$CAPS/$CUR" "$CAPFILTER" 2>"$WORK/tcpdump.err" &
  TCPDUMP_PID=$!
  local i
  for i in $(seq 100); do grep -q 'listening on' "$WORK/tcpdump.err" && break; sleep 0.05; done
  grep -q 'listening on' "$WORK/tcpdump.err" || { cat "$WORK/tcpdump.err" >&2; die "tcpdump did not start"; }
  sleep 0.2
}
cap_stop() {
  sleep 0.3
  kill -INT "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" || true
  TCPDUMP_PID=""
}
end() { cap_stop; stop_servers; }

# ===================================================================
#                          THE SCENARIOS
# ===================================================================
W=www.example.test
OSSL="openssl s_client $(openssl version | awk '{print $2}')"
OSRV="openssl s_server $(openssl version | awk '{print $2}')"
GNU="gnutls-cli $(gnutls-cli --version | head -1 | awk '{print $2}')"
GSRV="gnutls-serv $(gnutls-cli --version | head -1 | awk '{print $2}')"
PY="python3 $(python3 -c 'import platform; print(platform.python_version())') ssl ($(python3 -c 'import ssl; print(ssl.OPENSSL_VERSION.split()[1])'))"
CURL="curl $(curl --version | head -1 | awk '{print $2}')"
NGX="nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
FXS="fxserver.py (Python)"

# ----------------------------------------------------------- successes ----
if begin tls13_ok_openssl.pcap 443 "$OSRV" "TLS 1.3 full handshake, 3-level chain, GET and reply, close_notify"; then
  ossrv; cap_start
  flow established "" "" "v=1.3 sni=$W noalert" "$OSSL" "TLS 1.3, X25519, server sends leaf + intermediate (hidden)"
  osc $W
  end
fi
if begin tls12_ok_openssl.pcap 443 "$OSRV" "TLS 1.2 full handshake (ECDHE-RSA-AES256-GCM-SHA384), chain visible"; then
  ossrv -tls1_2; cap_start
  flow established "" "" "v=1.2 sni=$W certs=2 noalert" "$OSSL" "TLS 1.2, certificate chain in clear"
  osc $W
  end
fi
if begin tls13_ok_gnutls.pcap 443 "$GSRV" "TLS 1.3 between GnuTLS client and server"; then
  serve 443 gnutls-serv -p 443 --x509certfile www-chain.pem --x509keyfile www.key --http --disable-client-cert
  cap_start
  flow established "" "" "v=1.3 sni=$W noalert" "$GNU" "TLS 1.3, GnuTLS on both sides"
  gtc $W
  end
fi
if begin tls12_ok_gnutls.pcap 443 "$GSRV" "TLS 1.2 between GnuTLS client and server"; then
  serve 443 gnutls-serv -p 443 --x509certfile www-chain.pem --x509keyfile www.key --http --disable-client-cert
  cap_start
  flow established "" "" "v=1.2 sni=$W certs=2 noalert" "$GNU" "TLS 1.2, GnuTLS on both sides"
  gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
  end
fi
if begin tls13_ok_python.pcap 443 "$PY server" "TLS 1.3 between Python ssl client and server"; then
  pysrv tls --cert www-chain.pem --key www.key; cap_start
  flow established "" "" "v=1.3 sni=$W noalert" "$PY" "TLS 1.3, Python on both sides"
  pyc $W
  end
fi
if begin tls13_ok_curl_nginx.pcap 443 "$NGX" "TLS 1.3, curl to nginx, HTTP/1.1"; then
  ngsrv; cap_start
  flow established "" "" "v=1.3 sni=$W noalert" "$CURL" "TLS 1.3, ALPN http/1.1 offered (the choice is encrypted)"
  curlc $W --http1.1
  end
fi
if begin tls12_alpn_h2_curl_nginx.pcap 443 "$NGX" "TLS 1.2, ALPN h2 chosen by nginx (visible in the ServerHello)"; then
  ngsrv; cap_start
  flow established "" "" "v=1.2 sni=$W alpn=h2 noalert" "$CURL" "TLS 1.2 with ALPN h2 in the ServerHello, then HTTP/2"
  curlc $W --http2 --tls-max 1.2
  end
fi
if begin tls13_alpn_h2_curl_nginx.pcap 443 "$NGX" "TLS 1.3, ALPN h2 offered; the server's choice is in EncryptedExtensions"; then
  ngsrv; cap_start
  flow established "" "" "v=1.3 sni=$W noalert" "$CURL" "TLS 1.3 with ALPN h2,http/1.1 offered; next_protocol not visible"
  curlc $W --http2
  end
fi
if begin tls12_resumed_session_id_openssl.pcap 443 "$OSRV -no_ticket" "TLS 1.2 full handshake, then resumption by session id (no tickets)"; then
  ossrv -tls1_2 -no_ticket; cap_start
  flow established "" "" "v=1.2 certs=2" "$OSSL" "full handshake, the server gives a session id; saved with -sess_out"
  osc $W -sess_out "$WORK/sess-id.pem"
  gap
  flow resumed "" "" "v=1.2 resumed" "$OSSL" "abbreviated handshake: the ServerHello echoes the session id, no Certificate"
  osc $W -sess_in "$WORK/sess-id.pem"
  end
fi
if begin tls12_resumed_ticket_openssl.pcap 443 "$OSRV" "TLS 1.2 full handshake with NewSessionTicket, then resumption by ticket"; then
  ossrv -tls1_2; cap_start
  flow established "" "" "v=1.2 certs=2" "$OSSL" "full handshake, NewSessionTicket"
  osc $W -sess_out "$WORK/sess-ticket.pem"
  gap
  flow resumed "" "" "v=1.2 resumed ticket" "$OSSL" "the ClientHello carries the ticket; abbreviated handshake"
  osc $W -sess_in "$WORK/sess-ticket.pem"
  end
fi
if begin tls12_resumed_ticket_gnutls.pcap 443 "$GSRV" "TLS 1.2 GnuTLS: full handshake then resumption by ticket (gnutls-cli --resume)"; then
  serve 443 gnutls-serv -p 443 --x509certfile www-chain.pem --x509keyfile www.key --http --disable-client-cert
  cap_start
  flow established "" "" "v=1.2 certs=2" "$GNU" "full handshake with NewSessionTicket"
  flow resumed "" "" "v=1.2 resumed ticket" "$GNU" "resumed with the ticket"
  gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --resume
  end
fi
if begin tls13_resumed_psk_openssl.pcap 443 "$OSRV" "TLS 1.3 full handshake, then resumption with a PSK (ticket)"; then
  ossrv; cap_start
  flow established "" "" "v=1.3" "$OSSL" "full handshake; the client saves the NewSessionTicket with -sess_out"
  osc $W -sess_out "$WORK/sess-13.pem"
  gap
  flow resumed "" "" "v=1.3 resumed psk" "$OSSL" "pre_shared_key in both hellos (psk_dhe_ke)"
  osc $W -sess_in "$WORK/sess-13.pem"
  end
fi
if begin tls13_resumed_psk_gnutls.pcap 443 "$GSRV" "TLS 1.3 GnuTLS: full handshake then PSK resumption (gnutls-cli --resume)"; then
  serve 443 gnutls-serv -p 443 --x509certfile www-chain.pem --x509keyfile www.key --http --disable-client-cert
  cap_start
  flow established "" "" "v=1.3" "$GNU" "full handshake"
  flow resumed "" "" "v=1.3 resumed psk" "$GNU" "resumed with a PSK"
  gtc $W --resume
  end
fi
if begin tls13_hrr_secp384r1.pcap 443 "$OSRV -groups P-384" "TLS 1.3 HelloRetryRequest: key share x25519, the server wants secp384r1"; then
  ossrv -groups P-384; cap_start
  flow established "" "" "v=1.3 hrr noalert" "$OSSL" "ClientHello with an x25519 key share, HRR for secp384r1, second ClientHello, success"
  osc $W -groups X25519:P-384
  end
fi
if begin tls12_mtls_openssl.pcap 443 "$OSRV -Verify 1" "TLS 1.2 mutual TLS: CertificateRequest and a client certificate, both visible"; then
  ossrv -tls1_2 -Verify 1 -CAfile root.pem; cap_start
  flow established "" "" "v=1.2 ccert=2 noalert" "$OSSL" "client sends client.example.test + intermediate"
  osc $W -cert client.pem -key client.key -cert_chain int.pem
  end
fi
if begin tls13_mtls_openssl.pcap 443 "$OSRV -Verify 1" "TLS 1.3 mutual TLS (CertificateRequest and client certificate encrypted)"; then
  ossrv -Verify 1 -CAfile root.pem; cap_start
  flow established "" "" "v=1.3 noalert" "$OSSL" "TLS 1.3 with a client certificate; nothing of it visible"
  osc $W -cert client.pem -key client.key -cert_chain int.pem
  end
fi

# ------------------------------------------- handshake failures, by kind ----
if begin tls12_client_cert_missing_openssl.pcap 443 "$OSRV -Verify 1" "TLS 1.2: client certificate required; one client has it, one does not"; then
  ossrv -tls1_2 -Verify 1 -CAfile root.pem; cap_start
  flow established "" "" "v=1.2 ccert=2" "$OSSL" "with a client certificate"
  osc $W -cert client.pem -key client.key -cert_chain int.pem
  gap
  flow failed "client_certificate_required" "" "v=1.2 ccert=0 alert=s40" "$OSSL" "CertificateRequest answered with an empty Certificate; the server sends handshake_failure (40)"
  osc $W
  end
fi
if begin tls13_client_cert_missing_openssl.pcap 443 "$OSRV -Verify 1" "TLS 1.3: client certificate required and missing: the server's certificate_required (116) alert is encrypted"; then
  ossrv -Verify 1 -CAfile root.pem; cap_start
  flow established "" "" "v=1.3" "$OSSL" "with a client certificate"
  osc $W -cert client.pem -key client.key -cert_chain int.pem
  gap
  flow established "" "client_certificate_required certificate_rejected handshake_failure" "v=1.3 noalert" "$OSSL" \
    "no client certificate: after the client's Finished the server sends one encrypted alert record (116, same size as a close_notify) and closes; passively this looks like a handshake that finished" "failed"
  osc $W
  end
fi
if begin tls13_group_mismatch.pcap 443 "$OSRV -groups P-384" "TLS 1.3: the server accepts only secp384r1; clients that offer only x25519 fail"; then
  ossrv -groups P-384; cap_start
  flow established "" "" "v=1.3 hrr" "$OSSL" "offers x25519 and secp384r1: HRR, then success (the server's group shows)"
  osc $W -groups X25519:P-384
  gap
  flow failed "key_exchange_group_mismatch" "" "v=none alert=s40" "$OSSL" "supported_groups x25519 only: server sends handshake_failure (40)"
  osc $W -groups X25519
  gap
  flow failed "key_exchange_group_mismatch" "" "v=none alert=s40" "$GNU" "GnuTLS with only GROUP-X25519: handshake_failure (40)"
  gtc $W --priority 'NORMAL:-GROUP-ALL:+GROUP-X25519'
  end
fi
if begin tls13_alpn_mismatch_nginx.pcap 443 "$NGX" "nginx refuses clients whose ALPN list has nothing it speaks: no_application_protocol (120)"; then
  ngsrv; cap_start
  flow established "" "" "v=1.3" "$CURL" "curl --http2: ALPN h2,http/1.1"
  curlc $W --http2
  gap
  flow failed "alpn_mismatch" "" "v=none alert=s120" "$OSSL" "ALPN foo/1 only: the server sends no_application_protocol (120) in clear"
  osc $W -alpn foo/1
  gap
  flow failed "alpn_mismatch" "" "v=none alert=s120" "$PY" "ALPN spdy/3.1 only"
  pyc $W --alpn spdy/3.1
  end
fi
if begin tls12_inappropriate_fallback_openssl.pcap 443 "$OSRV" "A client retries with TLS 1.2 and TLS_FALLBACK_SCSV against a TLS 1.3 server: inappropriate_fallback (86)"; then
  ossrv; cap_start
  flow established "" "" "v=1.3" "$OSSL" "normal TLS 1.3 client"
  osc $W
  gap
  flow failed "inappropriate_fallback" "protocol_version_mismatch" "v=none alert=s86" "$OSSL" "-tls1_2 -fallback_scsv: the server sends inappropriate_fallback (86)"
  osc $W -tls1_2 -fallback_scsv
  end
fi
if begin tls13_handshake_failure_sigalgs.pcap 443 "$OSRV" "TLS 1.3 client that offers only ECDSA signature schemes against an RSA certificate: handshake_failure (40)"; then
  ossrv; cap_start
  flow established "" "" "v=1.3" "$OSSL" "normal client (the server chose TLS 1.3 and TLS_AES_256_GCM_SHA384)"
  osc $W
  gap
  flow failed "handshake_failure" "" "v=none alert=s40" "$OSSL" "-tls1_3 -sigalgs ECDSA+SHA256:ECDSA+SHA384: suites, groups and version overlap, the signature schemes do not"
  osc $W -tls1_3 -sigalgs 'ECDSA+SHA256:ECDSA+SHA384'
  end
fi
if begin tls12_protocol_version_gnutls_server.pcap 443 "$GSRV NORMAL:-VERS-TLS1.0:-VERS-TLS1.1" "GnuTLS server without TLS 1.0/1.1: protocol_version (70) to old clients"; then
  serve 443 gnutls-serv -p 443 --x509certfile www-chain.pem --x509keyfile www.key --http --disable-client-cert \
    --priority 'NORMAL:-VERS-TLS1.0:-VERS-TLS1.1'
  cap_start
  flow established "" "" "v=1.3" "$GNU" "TLS 1.3"
  gtc $W
  gap
  flow failed "protocol_version_mismatch" "" "v=none alert=s70" "$OSSL" "-tls1_1: protocol_version (70)"
  osc $W -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
  gap
  flow failed "protocol_version_mismatch" "" "v=none alert=s70" "$PY" "TLS 1.0 only: protocol_version (70)"
  pyc $W --tls 1.0
  end
fi
if begin tls12_client_vs_tls13_only_server.pcap 443 "$OSRV -tls1_3" "A TLS 1.3-only server and clients that stop at TLS 1.2: protocol_version (70)"; then
  ossrv -tls1_3; cap_start
  flow established "" "" "v=1.3" "$OSSL" "TLS 1.3"
  osc $W
  gap
  flow failed "protocol_version_mismatch" "" "v=none alert=s70" "$OSSL" "-tls1_2: protocol_version (70)"
  osc $W -tls1_2
  gap
  flow failed "protocol_version_mismatch" "" "v=none alert=s70" "$GNU" "TLS 1.2 only: protocol_version (70)"
  gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
  end
fi
if begin tls12_client_clock_skew.pcap 443 "$OSRV -tls1_2" "Two clients whose clocks run two years ahead reject a certificate that is valid at capture time"; then
  ossrv -tls1_2; cap_start
  flow established "" "" "v=1.2 certs=2" "$OSSL" "correct clock"
  osc $W
  gap
  flow failed "client_clock_skew" "certificate_rejected" "v=1.2 certs=2 alert=c45" "$OSSL under faketime +730d" \
    "the client says certificate_expired (45); the certificate is valid at capture time and flow 1 accepted it"
  WRAP="faketime -f +730d" osc $W
  gap
  flow failed "certificate_rejected" "client_clock_skew" "v=1.2 certs=2 alert=c42" "$GNU under faketime +730d" \
    "GnuTLS says bad_certificate (42) for the same valid certificate"
  WRAP="faketime -f +730d" gtc $W
  end
fi
if begin tls12_interception_two_cas.pcap 443 "$OSRV (real, then an inspecting proxy's certificate)" "The same name and address, first with its real chain, then with a certificate from a TLS-inspection CA"; then
  ossrv -tls1_2; cap_start
  flow established "" "" "v=1.2 certs=2" "$OSSL" "real chain: www.example.test <- Issuing CA 1 <- Root"
  osc $W
  gap
  flow established "" "" "v=1.2 certs=2" "$GNU" "real chain"
  gtc $W
  gap
  flow established "" "" "v=1.2 certs=2" "$PY" "real chain"
  pyc $W
  stop_servers
  ossrv -tls1_2 -cert intercepted.pem -key intercepted.key -cert_chain inspect.pem
  flow established "tls_interception" "" "v=1.2 certs=2 noalert" "$OSSL trusting the inspection CA" \
    "www.example.test issued by 'Example Corp TLS Inspection CA'; this client has that CA installed"
  cat root.pem inspect.pem > root+inspect.pem
  osc $W -CAfile root+inspect.pem
  gap
  flow failed "tls_interception" "certificate_untrusted" "v=1.2 certs=2 alert=c48" "$OSSL" \
    "same intercepted certificate; this client trusts only the real root: unknown_ca (48)"
  osc $W
  end
fi

# ---------------------------------------- certificates, three client stacks ----
# TLS 1.2 so the certificates are on the wire. One file per (certificate, client).
cert_case() {  # $1=case $2=client(openssl|gnutls|python|curl) $3=name $4=outcome $5=diagnoses $6=also $7=checks $8=what $9..=server args
  local case="$1" cl="$2" name="$3" outcome="$4" diags="$5" also="$6" checks="$7" what="$8"
  shift 8
  if begin "tls12_cert_${case}_${cl}_client.pcap" 443 "$OSRV -tls1_2" "$what"; then
    ossrv -tls1_2 "$@"; cap_start
    case "$cl" in
      openssl) flow "$outcome" "$diags" "$also" "$checks" "$OSSL" "$what"; osc "$name" ;;
      gnutls)  flow "$outcome" "$diags" "$also" "$checks" "$GNU" "$what"; gtc "$name" ;;
      python)  flow "$outcome" "$diags" "$also" "$checks" "$PY" "$what"; pyc "$name" --no-cn ;;
      curl)    flow "$outcome" "$diags" "$also" "$checks" "$CURL" "$what"; curlc "$name" ;;
    esac
    end
  fi
}
EXP=(-cert expired.pem -key expired.key -cert_chain int.pem)
NYV=(-cert notyet.pem -key notyet.key -cert_chain int.pem)
OTH=(-cert other.pem -key other.key -cert_chain int.pem)
WLD=(-cert wildcard.pem -key wildcard.key -cert_chain int.pem)
CNO=(-cert cnonly.pem -key cnonly.key -cert_chain int.pem)
SLF=(-cert selfsigned.pem -key selfsigned.key)
UNT=(-cert untrusted.pem -key untrusted.key -cert_chain uchain.pem)
NCH=(-cert nochain.pem -key nochain.key)
e=expired.example.test
cert_case expired openssl $e failed certificate_expired "" "certs=2 alert=c45" "expired leaf (notAfter 30 days before the capture): OpenSSL sends certificate_expired (45)" "${EXP[@]}"
cert_case expired gnutls  $e failed certificate_expired "" "certs=2 alert=c42" "expired leaf: GnuTLS sends bad_certificate (42)" "${EXP[@]}"
cert_case expired python  $e failed certificate_expired "" "certs=2 alert=c45" "expired leaf: Python (OpenSSL) sends certificate_expired (45)" "${EXP[@]}"
n=notyet.example.test
cert_case not_yet_valid openssl $n failed certificate_not_yet_valid "" "certs=2 alert=c42" "leaf not valid for 30 more days: OpenSSL sends bad_certificate (42), not 45" "${NYV[@]}"
cert_case not_yet_valid gnutls  $n failed certificate_not_yet_valid "" "certs=2 alert=c42" "leaf not yet valid: GnuTLS sends bad_certificate (42)" "${NYV[@]}"
cert_case not_yet_valid python  $n failed certificate_not_yet_valid "" "certs=2 alert=c42" "leaf not yet valid: Python sends bad_certificate (42)" "${NYV[@]}"
cert_case wrong_name openssl $W failed certificate_name_mismatch "" "sni=$W certs=2 alert=c42" "SNI www.example.test, certificate for other.example.test: OpenSSL (-verify_hostname) sends bad_certificate (42)" "${OTH[@]}"
cert_case wrong_name gnutls  $W failed certificate_name_mismatch "" "sni=$W certs=2 alert=c42" "certificate for other.example.test: GnuTLS sends bad_certificate (42)" "${OTH[@]}"
cert_case wrong_name python  $W failed certificate_name_mismatch "" "sni=$W certs=2 alert=c42" "certificate for other.example.test: Python sends bad_certificate (42)" "${OTH[@]}"
cert_case wrong_name curl    $W established "" certificate_name_mismatch "v=1.2 sni=$W certs=2 noalert" "certificate for other.example.test: curl checks the name after the handshake, which completes; curl then closes (close_notify) without a request" "${OTH[@]}"
d=a.b.example.test
cert_case wildcard_too_deep openssl $d failed certificate_name_mismatch "" "sni=$d certs=2 alert=c42" "*.example.test does not cover a.b.example.test: bad_certificate (42)" "${WLD[@]}"
cert_case wildcard_too_deep gnutls  $d failed certificate_name_mismatch "" "sni=$d certs=2 alert=c42" "*.example.test does not cover a.b.example.test: bad_certificate (42)" "${WLD[@]}"
cert_case wildcard_too_deep python  $d failed certificate_name_mismatch "" "sni=$d certs=2 alert=c42" "*.example.test does not cover a.b.example.test: bad_certificate (42)" "${WLD[@]}"
c=cnonly.example.test
cert_case cn_only_no_san openssl $c established "" certificate_name_mismatch "certs=2 noalert" "leaf without subjectAltName, CN=cnonly.example.test: OpenSSL falls back to the CN and accepts it" "${CNO[@]}"
cert_case cn_only_no_san gnutls  $c established "" certificate_name_mismatch "certs=2 noalert" "leaf without subjectAltName: GnuTLS falls back to the CN and accepts it" "${CNO[@]}"
cert_case cn_only_no_san python  $c failed certificate_name_mismatch "" "certs=2 alert=c42" "leaf without subjectAltName: Python with hostname_checks_common_name=False (as browsers) sends bad_certificate (42)" "${CNO[@]}"
s=selfsigned.example.test
cert_case self_signed openssl $s failed certificate_untrusted "" "certs=1 alert=c48" "self-signed leaf: OpenSSL sends unknown_ca (48)" "${SLF[@]}"
cert_case self_signed gnutls  $s failed certificate_untrusted "" "certs=1 alert=c42" "self-signed leaf: GnuTLS sends bad_certificate (42)" "${SLF[@]}"
cert_case self_signed python  $s failed certificate_untrusted "" "certs=1 alert=c48" "self-signed leaf: Python sends unknown_ca (48)" "${SLF[@]}"
u=untrusted.example.test
cert_case untrusted_root openssl $u failed certificate_untrusted "" "certs=3 alert=c48" "leaf <- Untrusted Issuing CA <- Untrusted Root (all three sent): unknown_ca (48)" "${UNT[@]}"
cert_case untrusted_root gnutls  $u failed certificate_untrusted "" "certs=3 alert=c42" "chain to an untrusted root: GnuTLS sends bad_certificate (42)" "${UNT[@]}"
cert_case untrusted_root python  $u failed certificate_untrusted "" "certs=3 alert=c48" "chain to an untrusted root: unknown_ca (48)" "${UNT[@]}"
m=nochain.example.test
cert_case missing_intermediate openssl $m failed certificate_chain_incomplete "" "certs=1 alert=c48" "valid leaf sent without its intermediate: OpenSSL sends unknown_ca (48)" "${NCH[@]}"
cert_case missing_intermediate gnutls  $m failed certificate_chain_incomplete "" "certs=1 alert=c42" "leaf without its intermediate: GnuTLS sends bad_certificate (42)" "${NCH[@]}"
cert_case missing_intermediate python  $m failed certificate_chain_incomplete "" "certs=1 alert=c48" "leaf without its intermediate: unknown_ca (48)" "${NCH[@]}"

# TLS 1.3: the certificate is encrypted; only the client's alert can show.
if begin tls13_cert_expired_openssl_client.pcap 443 "$OSRV" "TLS 1.3, expired leaf: OpenSSL sends certificate_expired (45) IN CLEAR (before it has handshake keys)"; then
  ossrv "${EXP[@]}"; cap_start
  flow failed "certificate_rejected" "" "v=1.3 alert=c45" "$OSSL" "plaintext alert 45 after the server's encrypted flight; the certificate itself is not visible"
  osc $e
  end
fi
if begin tls13_cert_expired_python_client.pcap 443 "$OSRV" "TLS 1.3, expired leaf: Python (OpenSSL) sends certificate_expired (45) in clear"; then
  ossrv "${EXP[@]}"; cap_start
  flow failed "certificate_rejected" "" "v=1.3 alert=c45" "$PY" "plaintext alert 45; certificate not visible"
  pyc $e
  end
fi
if begin tls13_cert_expired_gnutls_client.pcap 443 "$OSRV" "TLS 1.3, expired leaf: GnuTLS encrypts its alert (after a CCS) and then resets"; then
  ossrv "${EXP[@]}"; cap_start
  flow failed "" "certificate_rejected handshake_failure connection_reset" "v=1.3 encalert=c rst=c" "$GNU" \
    "CCS, then one encrypted 19-byte record (an alert, content hidden), then RST from the client" "reset"
  gtc $e
  end
fi
if begin tls13_cert_self_signed_openssl_client.pcap 443 "$OSRV" "TLS 1.3, self-signed leaf: OpenSSL sends unknown_ca (48) in clear"; then
  ossrv "${SLF[@]}"; cap_start
  flow failed "certificate_rejected" "" "v=1.3 alert=c48" "$OSSL" "plaintext alert 48; certificate not visible"
  osc $s
  end
fi
if begin tls13_cert_wrong_name_python_client.pcap 443 "$OSRV" "TLS 1.3, certificate for another name: Python sends bad_certificate (42) in clear"; then
  ossrv "${OTH[@]}"; cap_start
  flow failed "certificate_rejected" "" "v=1.3 sni=$W alert=c42" "$PY" "plaintext alert 42; certificate not visible"
  pyc $W
  end
fi

# ------------------------------------------------ how a flow can end ----
if begin reset_after_client_hello.pcap 443 "$FXS rst" "The server reads the ClientHello and aborts the connection (RST)"; then
  pysrv rst; cap_start
  flow reset "connection_reset" "" "v=none rst=s nodata=s" "$OSSL" "RST from the server 50 ms after the ClientHello"
  osc $W
  gap
  flow reset "connection_reset" "" "v=none rst=s nodata=s" "$GNU" "same, GnuTLS client"
  gtc $W
  end
fi
if begin no_response_silent_server.pcap 443 "$FXS silent" "The server accepts and reads the ClientHello but never answers; the client gives up after 2 s"; then
  pysrv silent; cap_start
  flow no_response "no_server_response" "" "v=none nodata=s" "$OSSL (timeout 2 s)" "ClientHello, then silence; the client closes after 2 s"
  TMO=2 osc $W
  end
fi
if begin not_tls_http_reply.pcap 443 "$FXS http400" "A plaintext HTTP/1.1 400 answers the ClientHello (wrong version number)"; then
  pysrv http400; cap_start
  flow not_tls "not_tls" "" "plain=s" "$OSSL" "server answers 'HTTP/1.1 400 Bad Request' in plain text"
  osc $W
  gap
  flow not_tls "not_tls" "" "plain=s" "$PY" "same, Python client"
  pyc $W
  end
fi
if begin not_tls_ssh_banner.pcap 443 "$FXS ssh" "An SSH server on the port the client thinks is TLS: the banner comes first"; then
  pysrv ssh; cap_start
  flow not_tls "not_tls" "" "plain=s alert=c10" "$GNU" \
    "ClientHello, answered by an 'SSH-2.0-OpenSSH_9.2p1' banner; GnuTLS then sends unexpected_message (10) and resets" "failed"
  gtc $W
  end
fi
if begin not_tls_plain_http_to_nginx.pcap 443 "$NGX" "Plain HTTP sent to nginx's TLS port: nginx answers with a plaintext 400"; then
  ngsrv; cap_start
  flow established "" "" "v=1.3" "$CURL" "https:// to the port: TLS 1.3"
  curlc $W --http1.1
  gap
  flow not_tls "not_tls" "" "plain=c plain=s" "$CURL" "http:// to the same port: 'GET / HTTP/1.1' in clear, nginx answers '400 The plain HTTP request was sent to HTTPS port'"
  ip netns exec "$CNS" timeout 5 curl -sS -o /dev/null "http://$HOST:443/" -H "Host: $W" >> "$LOGS/clients.log" 2>&1 || true
  end
fi
if begin incomplete_capture_ends_mid_handshake.pcap 443 "$OSRV behind $FXS stall" "The capture ends while the client still waits for the rest of the server's first flight"; then
  PORT=8443 ossrv -tls1_2
  pysrv stall --upstream 8443
  CAPFILTER="tcp port 443"; cap_start; CAPFILTER="tcp"
  flow incomplete "" "" "v=1.2" "$OSSL" "ServerHello arrives, the rest of the flight never does; capture stopped after 1.5 s"
  TMO=3 osc $W &
  client=$!
  sleep 1.5
  cap_stop
  wait "$client" || true
  stop_servers
fi
if begin tls12_snaplen96.pcap 443 "$OSRV" "tcpdump -s 96: every frame cut to 96 bytes, so no handshake message is whole"; then
  ossrv; cap_start lo "$CNS" -s 96
  flow incomplete "" "" "cut" "$OSSL" "TLS 1.3 handshake, ClientHello cut after 30 bytes of payload"
  osc $W
  gap
  flow incomplete "" "" "cut" "$OSSL" "TLS 1.2 handshake, cut the same way"
  osc $W -tls1_2
  end
fi
if begin partial_midflow_download.pcap 443 "$NGX" "The capture starts in the middle of a slow TLS 1.3 download, long after the handshake"; then
  # A namespace of its own with small socket buffers, so that the slow reader
  # really slows the sender down (on lo the kernel would otherwise buffer the
  # whole file at once and the wire would be silent).
  CNS="$ID-mid"; SNS="$CNS"; ns_add "$CNS"
  ip netns exec "$CNS" sysctl -qw net.ipv4.tcp_rmem="4096 16384 16384" net.ipv4.tcp_wmem="4096 16384 16384"
  ngsrv
  flow partial "" "" "nosyn" "$CURL --limit-rate 20k" "only application data; no SYN, no ClientHello"
  ip netns exec "$CNS" curl -sS -o /dev/null --limit-rate 20k --cacert root.pem \
    --resolve "$W:443:127.0.0.1" "https://$W/big.bin" >> "$LOGS/clients.log" 2>&1 &
  OTHER_PIDS+=("$!")
  sleep 1.5
  cap_start
  sleep 1.5
  cap_stop
  kill "${OTHER_PIDS[-1]}" 2>/dev/null || true
  wait "${OTHER_PIDS[-1]}" 2>/dev/null || true
  OTHER_PIDS=()
  stop_servers
  ns_del "$CNS"; CNS="$NSL"; SNS="$NSL"
fi

# ------------------------------------------------- capture formats ----
if begin tls13_tls12_sll2_any.pcap 443 "$OSRV" "tcpdump -i any: Linux cooked capture v2 (SLL2) link type"; then
  ossrv; cap_start any "$CNS" -y LINUX_SLL2
  flow established "" "" "v=1.3" "$OSSL" "TLS 1.3"
  osc $W
  gap
  flow established "" "" "v=1.2" "$OSSL" "TLS 1.2"
  osc $W -tls1_2
  end
fi
if begin tls13_tls12_dumpcap.pcapng 443 "$OSRV" "pcapng written by dumpcap"; then
  ossrv
  : > "$WORK/dumpcap.err"
  ip netns exec "$CNS" dumpcap -q -i lo -f tcp -w "$CAPS/$CUR" 2>"$WORK/dumpcap.err" &
  TCPDUMP_PID=$!
  for i in $(seq 100); do grep -q 'Capturing on' "$WORK/dumpcap.err" && break; sleep 0.05; done
  sleep 0.5
  flow established "" "" "v=1.3" "$OSSL" "TLS 1.3"
  osc $W
  gap
  flow established "" "" "v=1.2" "$OSSL" "TLS 1.2"
  osc $W -tls1_2
  end
fi

# ------------------------------------------------- veth topologies ----
# Client and server namespaces joined by a veth pair (IPv6 scenario), or by
# lib/wire.py in a third namespace (VLAN trunk, reordering, loss).
topo_up() {  # $1=pair|wire|trunk [$2=mtu]
  CN="$ID-c"; SN="$ID-s"; WN="$ID-w"
  ns_add "$CN"; ns_add "$SN"
  if [ "$1" = pair ]; then
    veth "$CN" c0 "$SN" s0 "${2:-}"
  else
    ns_add "$WN"; no_ipv6 "$WN"
    veth "$CN" c0 "$WN" c1 "${2:-}"
    veth "$SN" s0 "$WN" s1 "${2:-}"
  fi
  CNS="$CN"; SNS="$SN"
}
topo_down() {
  stop_servers
  local pid
  for pid in "${OTHER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  OTHER_PIDS=()
  ns_del "$CN"; ns_del "$SN"
  if ip netns pids "$WN" >/dev/null 2>&1; then ns_del "$WN"; fi
  CNS="$NSL"; SNS="$NSL"; HOST=127.0.0.1; PORT=443
}
v4() {
  no_ipv6 "$CN"; no_ipv6 "$SN"
  ip -n "$CN" addr add 192.0.2.1/24 dev c0
  ip -n "$SN" addr add 192.0.2.2/24 dev s0
  HOST=192.0.2.2
}
wire() {  # args of wire.py; runs in the wire namespace
  ip netns exec "$WN" python3 -u "$LIB/wire.py" "$@" > "$LOGS/wire-$CUR.log" 2>&1 &
  OTHER_PIDS+=("$!")
  local i
  for i in $(seq 100); do grep -q ready "$LOGS/wire-$CUR.log" 2>/dev/null && return 0; sleep 0.05; done
  die "wire.py did not start"
}

if begin tls13_tls12_ipv6.pcap 443 "$OSRV, $NGX" "IPv6 on a veth between two namespaces (Ethernet link type)"; then
  topo_up pair
  ip -n "$CN" addr add 2001:db8::1/64 dev c0 nodad
  ip -n "$SN" addr add 2001:db8::2/64 dev s0 nodad
  HOST=2001:db8::2
  ossrv -6
  cap_start c0
  flow established "" "" "v=1.3 ipv6 sni=$W" "$OSSL" "TLS 1.3 over IPv6"
  osc $W
  gap
  flow established "" "" "v=1.2 ipv6 sni=$W certs=2" "$CURL" "TLS 1.2 over IPv6"
  curlc $W --tls-max 1.2
  gap
  flow failed "certificate_rejected" "certificate_untrusted" "v=1.2 ipv6 alert=c48" "$PY trusting another root" \
    "TLS 1.2 over IPv6; this client trusts only another root and sends unknown_ca (48) for a chain that is valid for the analyzer's trust anchor"
  ip netns exec "$CNS" timeout 10 python3 "$LIB/fxclient.py" "$HOST" 443 --sni $W --tls 1.2 --ca "$PKI/uroot.pem" >> "$LOGS/clients.log" 2>&1 || true
  cap_stop
  topo_down
fi
if begin tls13_tls12_vlan100.pcap 443 "$OSRV" "802.1Q VLAN 100: captured on a trunk between two namespaces, every frame tagged"; then
  topo_up wire
  ip link add t0 netns "$WN" type veth peer name t1 netns "$WN"
  for x in t0 t1; do
    ip netns exec "$WN" ethtool -K "$x" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$WN" link set "$x" up
  done
  v4
  wire trunk c1 t0 s1 t1 --vlan 100
  ossrv
  CAPFILTER="vlan 100 and tcp"; cap_start t0 "$WN"; CAPFILTER="tcp"
  flow established "" "" "v=1.3 vlan=100" "$OSSL" "TLS 1.3 in VLAN 100"
  osc $W
  gap
  flow established "" "" "v=1.2 vlan=100 certs=2" "$GNU" "TLS 1.2 in VLAN 100"
  gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
  gap
  flow failed "protocol_version_mismatch" "" "v=none vlan=100 alert=s80" "$OSSL" "TLS 1.1 client in VLAN 100: the server answers internal_error (80)"
  osc $W -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
  cap_stop
  topo_down
fi
if begin tls12_out_of_order_segments.pcap 443 "$OSRV" "Client-side capture; the wire swaps the server's first two segments and duplicates its third (MTU 1000)"; then
  topo_up wire 1000; v4
  wire link c1 s1 --rule b2a:hold:1 --rule b2a:dup:3
  ossrv -tls1_2
  cap_start c0
  flow established "" "" "v=1.2 certs=2 ooo" "$OSSL" "ServerHello segment arrives after the one that follows it; a later segment arrives twice"
  osc $W
  cap_stop
  topo_down
fi
if begin tls12_retransmitted_segments.pcap 443 "$OSRV" "Server-side capture; the wire drops the server's second segment once, so the server retransmits it (MTU 1000)"; then
  topo_up wire 1000; v4
  wire link c1 s1 --rule b2a:drop:2
  ossrv -tls1_2
  cap_start s0 "$SN"
  flow established "" "" "v=1.2 certs=2 retrans" "$OSSL" "the Certificate's middle segment is sent twice (retransmission)"
  osc $W
  cap_stop
  topo_down
fi
if begin tls12_lost_segment_gap.pcap 443 "$OSRV" "Client-side capture; the server's second segment and all its retransmissions are lost: a gap in the Certificate"; then
  topo_up wire 1000; v4
  wire link c1 s1 --rule b2a:blackhole:2
  ossrv -tls1_2
  cap_start c0
  flow incomplete "" "" "v=1.2 gap" "$OSSL (gives up after 2 s)" "ServerHello, a hole, then the end of the flight; the handshake never finishes"
  TMO=2 osc $W
  cap_stop
  topo_down
fi

# ------------------------------------------------------------ patterns ----
# Many clients against one server, some of which fail for one reason. The
# s_client runs send no request (smaller files).
NOREQ=1
if begin pattern_tls_version_20_clients.pcap 443 "$OSRV (TLS 1.2 and 1.3)" "20 clients, 6 of them limited to TLS 1.0 or 1.1; OpenSSL 3.0 answers those with internal_error (80), not protocol_version"; then
  ossrv; cap_start
  ok() { flow established "" "" "$1" "$2" "$3"; }
  bad() { flow failed "protocol_version_mismatch" "" "v=none alert=s80" "$1" "$2"; }
  ok "v=1.3" "$OSSL" "TLS 1.3";               osc $W; gap
  ok "v=1.3" "$GNU" "TLS 1.3";                gtc $W; gap
  ok "v=1.3" "$PY" "TLS 1.3";                 pyc $W; gap
  ok "v=1.3" "$CURL" "TLS 1.3";               curlc $W; gap
  bad "$OSSL -tls1" "offers TLS 1.0 only";     osc $W -tls1 -cipher 'DEFAULT@SECLEVEL=0'; gap
  ok "v=1.2" "$OSSL -tls1_2" "TLS 1.2";       osc $W -tls1_2; gap
  ok "v=1.3" "$GNU" "TLS 1.3";                gtc $W; gap
  bad "$PY" "offers TLS 1.1 only";             pyc $W --tls 1.1; gap
  ok "v=1.3" "$OSSL" "TLS 1.3";               osc $W; gap
  ok "v=1.2" "$CURL --tls-max 1.2" "TLS 1.2"; curlc $W --tls-max 1.2; gap
  bad "$GNU" "offers TLS 1.1 and 1.0";         gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0'; gap
  ok "v=1.3" "$PY" "TLS 1.3";                 pyc $W; gap
  bad "$OSSL -tls1_1" "offers TLS 1.1 only";   osc $W -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'; gap
  ok "v=1.3" "$OSSL" "TLS 1.3";               osc $W; gap
  ok "v=1.2" "$GNU" "TLS 1.2";                gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'; gap
  bad "$PY" "offers TLS 1.0 only";             pyc $W --tls 1.0; gap
  ok "v=1.3" "$CURL" "TLS 1.3";               curlc $W; gap
  ok "v=1.2" "$PY" "TLS 1.2";                 pyc $W --tls 1.2; gap
  bad "$OSSL -tls1" "offers TLS 1.0 only";     osc $W -tls1 -cipher 'DEFAULT@SECLEVEL=0'; gap
  ok "v=1.3" "$GNU" "TLS 1.3";                gtc $W
  pattern protocol_version_mismatch "All 6 failed flows offered at most TLS 1.1; all 14 successful ones offered TLS 1.2 or 1.3."
  end
fi
if begin pattern_sni_required_20_clients.pcap 443 "$NGX (ssl_reject_handshake on the default server)" "20 clients, 6 without SNI; nginx refuses those with unrecognized_name (112)"; then
  ngsrv; cap_start
  ok() { flow established "" "" "$1 sni=$W" "$2" "$3"; }
  bad() { flow failed "sni_missing" "" "v=none nosni alert=s112" "$1" "$2"; }
  ok "v=1.3" "$OSSL" "with SNI";                 osc $W; gap
  ok "v=1.3" "$CURL" "with SNI";                 curlc $W; gap
  bad "$OSSL -noservername" "no SNI";            osc -; gap
  ok "v=1.3" "$GNU" "with SNI";                  gtc $W; gap
  ok "v=1.3" "$PY" "with SNI";                   pyc $W; gap
  bad "$GNU" "connects to the IP address: no SNI"; gtc -; gap
  ok "v=1.2" "$OSSL -tls1_2" "with SNI";         osc $W -tls1_2; gap
  ok "v=1.3" "$CURL" "with SNI";                 curlc $W; gap
  bad "$PY" "server_hostname=None: no SNI";      pyc - --no-verify; gap
  ok "v=1.3" "$GNU" "with SNI";                  gtc $W; gap
  ok "v=1.3" "$OSSL" "with SNI";                 osc $W; gap
  bad "$OSSL -noservername" "no SNI";            osc - -tls1_2; gap
  ok "v=1.2" "$PY" "with SNI";                   pyc $W --tls 1.2; gap
  ok "v=1.3" "$CURL" "with SNI";                 curlc $W; gap
  bad "$GNU" "no SNI";                           gtc -; gap
  ok "v=1.3" "$OSSL" "with SNI";                 osc $W; gap
  ok "v=1.3" "$GNU" "with SNI";                  gtc $W; gap
  bad "$PY" "no SNI";                            pyc - --no-verify; gap
  ok "v=1.3" "$PY" "with SNI";                   pyc $W; gap
  ok "v=1.2" "$CURL --tls-max 1.2" "with SNI";   curlc $W --tls-max 1.2
  pattern sni_missing "All 6 failed flows had no SNI; all 14 successful ones asked for www.example.test."
  end
fi
if begin pattern_legacy_ciphers_20_clients.pcap 443 "$OSRV -cipher ECDHE+AESGCM:ECDHE+CHACHA20" "20 clients against a server with only ECDHE AEAD suites for TLS 1.2; 6 offer only legacy suites (RSA key exchange, CBC)"; then
  ossrv -cipher 'ECDHE+AESGCM:ECDHE+CHACHA20'; cap_start
  ok() { flow established "" "" "$1" "$2" "$3"; }
  bad() { flow failed "cipher_suite_mismatch" "" "v=none alert=s40" "$1" "$2"; }
  ok "v=1.3" "$OSSL" "TLS 1.3";                  osc $W; gap
  ok "v=1.2" "$OSSL -tls1_2" "ECDHE-RSA-AES256-GCM-SHA384"; osc $W -tls1_2; gap
  bad "$OSSL -tls1_2 -cipher AES128-SHA:AES256-SHA" "RSA key exchange, CBC only"; osc $W -tls1_2 -cipher 'AES128-SHA:AES256-SHA'; gap
  ok "v=1.3" "$GNU" "TLS 1.3";                   gtc $W; gap
  ok "v=1.2" "$GNU" "TLS 1.2";                   gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'; gap
  bad "$GNU" "TLS 1.2, RSA key exchange, AES-CBC only"; gtc $W --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA:-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC'; gap
  ok "v=1.3" "$PY" "TLS 1.3";                    pyc $W; gap
  ok "v=1.2" "$PY" "TLS 1.2";                    pyc $W --tls 1.2; gap
  bad "$PY" "TLS 1.2, AES128-SHA:AES256-SHA:AES128-SHA256 only"; pyc $W --tls 1.2 --ciphers 'AES128-SHA:AES256-SHA:AES128-SHA256'; gap
  ok "v=1.3" "$CURL" "TLS 1.3";                  curlc $W; gap
  ok "v=1.2" "$CURL --tls-max 1.2" "TLS 1.2";    curlc $W --tls-max 1.2; gap
  bad "$CURL --tls-max 1.2 --ciphers AES256-SHA256" "RSA key exchange, CBC only"; curlc $W --tls-max 1.2 --ciphers AES256-SHA256; gap
  ok "v=1.3" "$OSSL" "TLS 1.3";                  osc $W; gap
  ok "v=1.3" "$GNU" "TLS 1.3";                   gtc $W; gap
  bad "$OSSL -tls1_2 -cipher AES128-GCM-SHA256" "RSA key exchange (AES-GCM) only"; osc $W -tls1_2 -cipher 'AES128-GCM-SHA256:AES256-GCM-SHA384'; gap
  ok "v=1.3" "$PY" "TLS 1.3";                    pyc $W; gap
  ok "v=1.2" "$OSSL -tls1_2" "TLS 1.2";          osc $W -tls1_2; gap
  bad "$PY" "TLS 1.2, AES256-SHA only";          pyc $W --tls 1.2 --ciphers 'AES256-SHA'; gap
  ok "v=1.3" "$CURL" "TLS 1.3";                  curlc $W; gap
  ok "v=1.3" "$GNU" "TLS 1.3";                   gtc $W
  pattern cipher_suite_mismatch "All 6 failed flows offered only suites with RSA key exchange; all 14 successful ones offered ECDHE with AES-GCM."
  end
fi
if begin pattern_server_overload.pcap 443 "$FXS overload --max 2 (Python ssl)" "A server that takes at most 2 handshakes at a time: 5 clients one by one, a burst of 12 at once (most reset), 5 one by one"; then
  pysrv overload --cert www-chain.pem --key www.key --max 2 --hold 0.3; cap_start
  for i in 1 2 3 4 5; do flow established "" "" "v=1.3" "$PY" "before the burst"; pyc $W; gap; done
  sleep 1
  for i in $(seq 12); do auto_flow "established reset" "$PY" "in a burst of 12 at once: reset, or established if it came in while a slot was free"; done
  burst=()
  for i in $(seq 12); do
    ip netns exec "$CNS" timeout 10 python3 "$LIB/fxclient.py" "$HOST" "$PORT" --sni $W --ca root.pem --get \
      >> "$LOGS/clients.log" 2>&1 &
    burst+=("$!")
    sleep 0.01
  done
  for pid in "${burst[@]}"; do wait "$pid" || true; done
  sleep 1
  for i in 1 2 3 4 5; do flow established "" "" "v=1.3" "$PY" "after the burst"; pyc $W; gap; done
  pattern server_overload "Resets only while 12 connections arrive at once; the same client succeeds one connection at a time before and after the burst."
  end
fi

NOREQ=""

# -------------------------------------------------------------- checks ----
cd "$HERE"
T1=$(date +%s)
tv() { "$@" 2>&1 | head -1; }
STACKS=$(python3 -c '
import json, sys
print(json.dumps(dict(zip(["openssl", "gnutls", "curl", "nginx", "python", "tcpdump", "tshark", "kernel"], sys.argv[1:]))))' \
  "$(openssl version)" "$(tv gnutls-cli --version)" "$(tv curl --version)" "$(tv nginx -v)" \
  "Python $(python3 -c 'import platform, ssl; print(platform.python_version(), ssl.OPENSSL_VERSION)')" \
  "$(tv tcpdump --version)" "$(tshark --version 2>/dev/null | head -1)" "$(uname -sr)")
ANALYZER=()
# make build's binary (profile-guided), else a plain release build's (make build PGO=0).
for candidate in "$HERE/../.build-pgo/use/release/tlsautopsy" "$HERE/../.build/release/tlsautopsy"; do
    if [ -x "$candidate" ]; then ANALYZER=(--analyzer "$candidate"); break; fi
done
log "checking the captures with tshark"
cp "$PKI/root.pem" "$WORK/trust-anchors.pem"
if ! python3 "$LIB/check.py" "$PLAN" "$CAPS" "$WORK/manifest.json" --stacks "$STACKS" \
     --seconds "$((T1 - T0))" --ca-file "$CAFILE_REL" "${ANALYZER[@]}"; then
  echo "make-fixtures.sh: the captures do not show what they should; logs:" >&2
  echo "  $LOGS (kept)" >&2
  KEEP_WORK=1
  exit 1
fi

# ------------------------------------------------------------- install ----
mkdir -p "$OUTDIR"
if [ -f "$MANIFEST" ]; then   # drop the captures of the previous run that this run did not make
  python3 -c 'import json,sys; [print(c["file"]) for c in json.load(open(sys.argv[1]))["captures"]]' "$MANIFEST" |
    while read -r old; do
      if [ ! -e "$CAPS/$old" ] && [ -e "$OUTDIR/$old" ] && [ -z "$ONLY" ]; then rm -f "$OUTDIR/$old"; fi
    done
fi
for f in "$CAPS"/*; do install -m 644 "$f" "$OUTDIR/"; done
install -m 644 "$WORK/manifest.json" "$MANIFEST"
install -m 644 "$WORK/trust-anchors.pem" "$CAFILE"
T2=$(date +%s)
n=$(ls "$CAPS" | wc -l)
size=$(du -cb "$CAPS"/* | tail -1 | cut -f1)
echo "wrote $n captures ($size bytes) to $OUTDIR, manifest $MANIFEST, trust anchor $CAFILE"
echo "took $((T2 - T0)) s"
