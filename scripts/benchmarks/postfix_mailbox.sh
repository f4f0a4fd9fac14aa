#!/usr/bin/env bash
# The reference of scripts/bench smtp: a private Postfix accepting mail for one domain into a
# local Maildir (virtual delivery).  postfix_mailbox.sh start DIR PORT DOMAIN | stop DIR
set -euo pipefail
cmd="$1"; dir="$2"
case "$cmd" in
start)
    port="$3"; domain="$4"
    mkdir -p "$dir/spool" "$dir/data" "$dir/conf" "$dir/mail"
    chown postfix "$dir/data" "$dir/mail"
    uid="$(id -u postfix)"; gid="$(id -g postfix)"
    cat > "$dir/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = $domain
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = inline:{ { @$domain = fax/ } }
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
smtpd_relay_restrictions = reject_unauth_destination
message_size_limit = 26214400
disable_dns_lookups = yes
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
alias_maps =
alias_database =
default_process_limit = 100
CF
    cat > "$dir/conf/master.cf" <<CF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
    postfix -c "$dir/conf" check
    script -qec "postfix -c $dir/conf start" /dev/null >/dev/null
    ;;
stop)
    postfix -c "$dir/conf" stop >/dev/null 2>&1 || true
    ;;
esac
