#!/bin/sh
# A private nginx for the ingress example: its own prefix (no root config touched), listening on
# 127.0.0.1:8080 (HTTP) and 127.0.0.1:8443 (HTTPS, once Boreas deploys the site), including the
# site files Boreas writes. environment.yaml declares exactly this nginx (spec.nginx), so Boreas needs
# nothing from the shell:
#
#   sh examples/ingress/nginx.sh start
#   sh examples/ingress/nginx.sh stop
set -eu
P="${NGINX_PREFIX:-/tmp/boreas-ingress-nginx}"
HTTP_PORT="${HTTP_PORT:-8080}"
HTTPS_PORT="${HTTPS_PORT:-8443}"
NGINX="${NGINX:-nginx}"

case "${1:-}" in
start)
  mkdir -p "$P/conf" "$P/logs" "$P/temp" "$P/sites" "$P/certs" "$P/webroot"
  chmod 755 "$P" "$P/webroot" # workers (www-data when started as root) read the ACME webroot
  cat >"$P/conf/nginx.conf" <<CONF
pid $P/nginx.pid;
error_log $P/logs/error.log notice;
events { worker_connections 256; }
http {
    access_log $P/logs/access.log;
    client_body_temp_path $P/temp/client;
    proxy_temp_path $P/temp/proxy;
    fastcgi_temp_path $P/temp/fastcgi;
    uwsgi_temp_path $P/temp/uwsgi;
    scgi_temp_path $P/temp/scgi;
    # Serves ACME http-01 tokens for hosts that have no site yet (first issuance of an acme certificate).
    server {
        listen 127.0.0.1:$HTTP_PORT default_server;
        location ^~ /.well-known/acme-challenge/ { root $P/webroot; default_type text/plain; }
        location / { return 404; }
    }
    include $P/sites/*.conf;
}
CONF
  "$NGINX" -p "$P" -c "$P/conf/nginx.conf" >&2
  ;;
stop)
  "$NGINX" -p "$P" -c "$P/conf/nginx.conf" -s quit
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
