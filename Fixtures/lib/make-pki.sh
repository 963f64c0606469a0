#!/usr/bin/env bash
# Make the private PKI of the fixture captures in directory $1 (created if
# needed), with openssl only. Every certificate is signed by `openssl ca`
# with explicit -startdate/-enddate, so the expired and the not-yet-valid
# leaves get their dates from the CA at signing time: nothing waits, and the
# clock is never faked.
#
# Usage: bash Fixtures/lib/make-pki.sh DIR
#
# Writes, in DIR (NAME.pem certificate, NAME.key its private key):
#   root             tlsautopsy Fixtures Root CA (self-signed; the only trust anchor)
#   int              tlsautopsy Fixtures Issuing CA 1, signed by root
#   www              www.example.test, example.test          valid, by int
#   expired          expired.example.test                    notAfter 30 days ago
#   notyet           notyet.example.test                     notBefore 30 days ahead
#   other            other.example.test                      valid, for another name
#   wildcard         *.example.test                          valid wildcard
#   cnonly           CN=cnonly.example.test, no SAN           valid, no subjectAltName
#   selfsigned       selfsigned.example.test                 self-signed leaf
#   nochain          nochain.example.test                    valid, by int (served alone)
#   client           client.example.test (clientAuth)        by int, for mTLS
#   uroot, uint      Untrusted Fixtures Root CA / Issuing CA (a second, untrusted PKI)
#   untrusted        untrusted.example.test                  by uint
#   inspect          Example Corp TLS Inspection CA (self-signed, untrusted)
#   intercepted      www.example.test again, issued by inspect (an inspecting proxy's cert)
# and the chains servers send:
#   www-chain.pem (leaf+int), expired-chain.pem, notyet-chain.pem, other-chain.pem,
#   wildcard-chain.pem, cnonly-chain.pem, client-chain.pem,
#   untrusted-chain.pem (leaf+uint+uroot), intercepted-chain.pem (leaf+inspect),
#   int-only.pem (the intermediate, for -cert_chain), uchain.pem (uint+uroot)
set -euo pipefail

DIR="$1"
mkdir -p "$DIR"
cd "$DIR"

q() {  # run quietly; show the output only on failure
  local out
  if ! out="$("$@" 2>&1)"; then
    printf 'make-pki.sh: failed: %s\n%s\n' "$*" "$out" >&2
    exit 1
  fi
}
when() { date -u -d "$1" +%Y%m%d%H%M%SZ; }   # GeneralizedTime, for openssl ca

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = root
[ any ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ int_ext ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $ENV::SAN
[ nosan_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ client_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $ENV::SAN
CNF
for db in root int uroot uint inspect selfsigned; do
  printf '[ %s ]\ndir = ./db-%s\ndatabase = $dir/index.txt\nnew_certs_dir = $dir\nserial = $dir/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\ncopy_extensions = none\nemail_in_dn = no\n' "$db" "$db" >> ca.cnf
  mkdir -p "db-$db"
  : > "db-$db/index.txt"
  openssl rand -hex 8 > "db-$db/serial"
done
export SAN="DNS:unused"

csr() {  # $1=name $2=subject
  q openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" \
    -subj "$2" -config ca.cnf
}
sign() {  # $1=CA section $2=name $3=extensions $4=notBefore $5=notAfter [$6=-selfsign]
  local extra=()
  [ "${6:-}" = "-selfsign" ] && extra=(-selfsign -keyfile "$2.key" -cert /dev/null)
  [ "${6:-}" = "-selfsign" ] || extra=(-keyfile "$1.key" -cert "$1.pem")
  q openssl ca -batch -notext -config ca.cnf -name "$1" "${extra[@]}" \
    -in "$2.csr" -out "$2.pem" -extensions "$3" \
    -startdate "$(when "$4")" -enddate "$(when "$5")"
}
leaf() {  # $1=CA $2=name $3=subject $4=SAN (empty: no SAN) $5=notBefore $6=notAfter
  csr "$2" "$3"
  if [ -n "$4" ]; then SAN="$4" sign "$1" "$2" leaf_ext "$5" "$6"
  else sign "$1" "$2" nosan_ext "$5" "$6"; fi
}

O="/O=tlsautopsy fixtures"
# The trusted PKI: root -> intermediate -> leaves.
csr root "$O/CN=tlsautopsy Fixtures Root CA"
sign root root ca_ext "-3 years" "+10 years" -selfsign
csr int "$O/CN=tlsautopsy Fixtures Issuing CA 1"
sign root int int_ext "-2 years" "+5 years"
leaf int www        "$O/CN=www.example.test"        "DNS:www.example.test,DNS:example.test" "-1 day" "+397 days"
leaf int expired    "$O/CN=expired.example.test"    "DNS:expired.example.test"  "-400 days" "-30 days"
leaf int notyet     "$O/CN=notyet.example.test"     "DNS:notyet.example.test"   "+30 days"  "+400 days"
leaf int other      "$O/CN=other.example.test"      "DNS:other.example.test"    "-1 day" "+397 days"
leaf int wildcard   "$O/CN=*.example.test"          "DNS:*.example.test"        "-1 day" "+397 days"
leaf int cnonly     "$O/CN=cnonly.example.test"     ""                          "-1 day" "+397 days"
leaf int nochain    "$O/CN=nochain.example.test"    "DNS:nochain.example.test"  "-1 day" "+397 days"
csr client "$O/CN=client.example.test"
SAN="DNS:client.example.test" sign int client client_ext "-1 day" "+397 days"

# A self-signed leaf.
csr selfsigned "$O/CN=selfsigned.example.test"
SAN="DNS:selfsigned.example.test" sign selfsigned selfsigned leaf_ext "-1 day" "+397 days" -selfsign

# A second PKI that no client trusts.
csr uroot "/O=Untrusted Fixtures/CN=Untrusted Fixtures Root CA"
sign uroot uroot ca_ext "-3 years" "+10 years" -selfsign
csr uint "/O=Untrusted Fixtures/CN=Untrusted Fixtures Issuing CA"
sign uroot uint int_ext "-2 years" "+5 years"
leaf uint untrusted "/O=Untrusted Fixtures/CN=untrusted.example.test" "DNS:untrusted.example.test" "-1 day" "+397 days"

# A TLS-inspecting proxy's CA, which mints its own www.example.test.
csr inspect "/O=Example Corp/CN=Example Corp TLS Inspection CA"
sign inspect inspect ca_ext "-1 year" "+10 years" -selfsign
leaf inspect intercepted "/CN=www.example.test" "DNS:www.example.test,DNS:example.test" "-1 day" "+30 days"

cp int.pem int-only.pem
for n in www expired notyet other wildcard cnonly client; do cat "$n.pem" int.pem > "$n-chain.pem"; done
cat uint.pem uroot.pem > uchain.pem
cat untrusted.pem uint.pem uroot.pem > untrusted-chain.pem
cat intercepted.pem inspect.pem > intercepted-chain.pem
cat client.pem client.key > client-bundle.pem
rm -f ./*.csr
chmod 600 ./*.key

# Sanity: the valid ones verify against the root; the broken ones do not.
q openssl verify -CAfile root.pem -untrusted int.pem www.pem
q openssl verify -CAfile root.pem -untrusted int.pem client.pem
q openssl verify -CAfile root.pem -untrusted uchain.pem -partial_chain -CAfile uroot.pem untrusted.pem
if openssl verify -CAfile root.pem -untrusted int.pem expired.pem >/dev/null 2>&1; then
  echo "make-pki.sh: expired.pem verifies" >&2; exit 1
fi
if openssl verify -CAfile root.pem -untrusted int.pem notyet.pem >/dev/null 2>&1; then
  echo "make-pki.sh: notyet.pem verifies" >&2; exit 1
fi
