#!/usr/bin/env bash
# Installs the real peers the tests use (OpenSSL, gpgsm, Chromium, slapd, xmllint) when they are missing.
# CI runs on a clean machine: a test that silently finds nothing to run against would hide that.
set -euo pipefail
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v gpgsm >/dev/null || need+=(gpgsm)
command -v gpg-agent >/dev/null || need+=(gpg-agent)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapadd >/dev/null || need+=(ldap-utils)
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v unshare >/dev/null || need+=(util-linux)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "sello tests need: ${need[*]}. Install them (apt-get install ${need[*]}) or run the tests as root." >&2
  exit 1
fi
echo "installing test dependencies: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-liberation >/dev/null
