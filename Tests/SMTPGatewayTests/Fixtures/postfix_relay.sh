#!/usr/bin/env bash
# A private Postfix instance that relays one fax domain to the gateway, as docs/email-to-fax.md
# sets it up in production.  postfix_relay.sh start DIR SMTPD_PORT GATEWAY_PORT DOMAIN | stop DIR
set -euo pipefail
cmd="$1"; dir="$2"
case "$cmd" in
start)
    port="$3"; gateway="$4"; domain="$5"
    mkdir -p "$dir/spool" "$dir/data" "$dir/conf"
    chown postfix "$dir/data"
    cat > "$dir/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.test
mydomain = relay.test
myorigin = relay.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = $domain
transport_maps = inline:{ $domain=smtp:[127.0.0.1]:$gateway }
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = reject_unauth_destination
disable_dns_lookups = yes
smtp_tls_security_level = none
smtp_send_xforward_command = yes
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
alias_maps =
alias_database =
biff = no
CF
    cat > "$dir/conf/master.cf" <<CF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
    postfix -c "$dir/conf" check
    script -qec "postfix -c $dir/conf start" /dev/null
    ;;
stop)
    postfix -c "$dir/conf" stop >/dev/null 2>&1 || true
    ;;
esac
