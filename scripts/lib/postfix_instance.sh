#!/usr/bin/env bash
# A private Postfix instance (own config, spool and log under DIR), for tests and benchmarks.
#
#   postfix_instance.sh relay   DIR SMTPD_PORT GATEWAY_PORT DOMAIN   relays DOMAIN to the e-mail-to-fax
#                                                                    listener, as docs/email-to-fax.md sets it up
#   postfix_instance.sh mailbox DIR SMTPD_PORT DOMAIN                 delivers DOMAIN into DIR/mail (Maildir):
#                                                                    the reference of scripts/bench smtp
#   postfix_instance.sh stop    DIR
#
# The log is DIR/maillog. A failed start shows its reason (postfix prints nothing without a TTY).
set -euo pipefail
cmd="$1"; dir="$2"

# Settings both modes share: everything under DIR, loopback only, no DNS.
common_main_cf() {
    local hostname="$1"
    cat <<CF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = $hostname
mydomain = $hostname
myorigin = $hostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject_unauth_destination
disable_dns_lookups = yes
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
alias_maps =
alias_database =
biff = no
CF
}

# master.cf: the smtpd on the given port, every service chroot-less.
master_cf() {
    local port="$1"
    cat <<CF
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
}

start() {
    postfix -c "$dir/conf" check
    script -qec "postfix -c $dir/conf start" /dev/null >/dev/null
}

case "$cmd" in
relay)
    port="$3"; gateway="$4"; domain="$5"
    mkdir -p "$dir/spool" "$dir/data" "$dir/conf"
    chown postfix "$dir/data"
    {
        common_main_cf relay.test
        cat <<CF
relay_domains = $domain
transport_maps = inline:{ $domain=smtp:[127.0.0.1]:$gateway }
smtpd_recipient_restrictions = reject_unauth_destination
smtp_tls_security_level = none
smtp_send_xforward_command = yes
CF
    } > "$dir/conf/main.cf"
    master_cf "$port" > "$dir/conf/master.cf"
    start
    ;;
mailbox)
    port="$3"; domain="$4"
    mkdir -p "$dir/spool" "$dir/data" "$dir/conf" "$dir/mail"
    chown postfix "$dir/data" "$dir/mail"
    uid="$(id -u postfix)"; gid="$(id -g postfix)"
    {
        common_main_cf bench.test
        cat <<CF
virtual_mailbox_domains = $domain
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = inline:{ { @$domain = fax/ } }
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
message_size_limit = 26214400
default_process_limit = 100
CF
    } > "$dir/conf/main.cf"
    master_cf "$port" > "$dir/conf/master.cf"
    start
    ;;
stop)
    postfix -c "$dir/conf" stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 relay DIR SMTPD_PORT GATEWAY_PORT DOMAIN | mailbox DIR SMTPD_PORT DOMAIN | stop DIR" >&2
    exit 2
    ;;
esac
