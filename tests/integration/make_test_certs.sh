#!/usr/bin/env bash
# Makes the certificates the security tests use, in DIR, with openssl: a CA,
# a server certificate for localhost/127.0.0.1 (two, for rotation), a client
# certificate per role, one whose principal no rule names, an expired one,
# and one signed by another CA.
#   usage: make_test_certs.sh DIR
set -euo pipefail
dir=${1:?usage: make_test_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2> /dev/null; }
ca() {  # name
  key "$1"
  openssl req -x509 -new -key "$1.key" -out "$1.crt" -subj "/CN=$1" -days 2 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2> /dev/null
}
cert() {  # name cn san days [ca]
  key "$1"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2> /dev/null
  printf 'basicConstraints=CA:FALSE\n%s\n' "${3:+subjectAltName=$3}" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "${5:-ca}.crt" -CAkey "${5:-ca}.key" -CAcreateserial \
    -out "$1.crt" -days "$4" -extfile "$1.ext" 2> /dev/null
  rm -f "$1.csr" "$1.ext"
}
ca ca
ca other-ca
cert server server-1 "DNS:localhost,IP:127.0.0.1" 2
cert server-2 server-2 "DNS:localhost,IP:127.0.0.1" 2
cert telemetry gpu-agent "URI:spiffe://redflag.test/telemetry" 2
cert inventory billing "URI:spiffe://redflag.test/inventory" 2
cert analyst alice "DNS:alice.analysts.redflag.test" 2
cert compliance jo "DNS:jo.compliance.redflag.test" 2
cert monitoring prometheus "DNS:prometheus.redflag.test" 2
cert admin ops-admin "" 2
cert apiserver kube-apiserver "DNS:kube-apiserver.redflag.test" 2
cert nobody nobody "URI:spiffe://redflag.test/nobody" 2
cert expired gpu-agent "URI:spiffe://redflag.test/telemetry" -1
cert foreign gpu-agent "URI:spiffe://redflag.test/telemetry" 2 other-ca
