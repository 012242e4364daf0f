# postfix.bash - a private Postfix for the tests (root only).
#
# postfix_start MILTER_SPEC    writes $PF/etc/{main,master}.cf, queue, data
#                              and mail directories under $T/pf, and starts
#                              Postfix with smtpd on 127.0.0.1:$PF_PORT (a
#                              free port chosen now) and smtpd_milters set to
#                              MILTER_SPEC (e.g. inet:127.0.0.1:PORT).
#                              Mail for @local.test.example goes to the
#                              maildir $PF/vmail/box/; everything else that
#                              is not removed by the milter is discarded (and logged).
#                              $PF_MAIN_EXTRA and $PF_MASTER_EXTRA, when
#                              set, are appended to main.cf and master.cf.
# postfix_stop                 stops it (call it in teardown, always).
# postfix_log                  the private maillog ($PF/maillog).
# postfix_wait_idle            waits until the private queue is empty.
# free_port, wait_port           from net.bash.

# shellcheck source=net.bash
. "$(dirname "${BASH_SOURCE[0]}")/net.bash"

postfix_start() {
	local milter="$1" d
	PF="$T/pf"
	PF_PORT=$(free_port)
	mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$PF/vmail"
	# the daemons run as postfix and nobody: let them reach their dirs
	d="$PF"
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod a+x "$d"
		d=$(dirname "$d")
	done
	chown postfix "$PF/data"
	chown nobody:nogroup "$PF/vmail"
	cat > "$PF/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.test.example
mydomain = test.example
myorigin = test.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
default_transport = discard:not delivered in tests
virtual_mailbox_domains = local.test.example
virtual_mailbox_base = $PF/vmail
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
smtpd_milters = $milter
milter_default_action = tempfail
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
biff = no
smtputf8_enable = no
multi_instance_enable = no
${PF_MAIN_EXTRA:-}
CF
	cat > "$PF/etc/master.cf" <<CF
127.0.0.1:$PF_PORT inet n - n - - smtpd
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
${PF_MASTER_EXTRA:-}
CF
	postfix -c "$PF/etc" check >"$PF/check.log" 2>&1 || { cat "$PF/check.log"; return 1; }
	postfix -c "$PF/etc" start >"$PF/start.log" 2>&1 || { cat "$PF/start.log"; return 1; }
	PF_STARTED=1
	wait_port "$PF_PORT" || { echo "postfix did not listen on $PF_PORT"; cat "$PF/maillog"; return 1; }
}

postfix_stop() {
	[ -n "${PF_STARTED:-}" ] || return 0
	postfix -c "$PF/etc" stop >/dev/null 2>&1 || true
	# make sure the master is gone (its pid file names it)
	local pid i
	pid=$(tr -d ' ' < "$PF/queue/pid/master.pid" 2>/dev/null || true)
	for i in $(seq 1 50); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
	PF_STARTED=
}

postfix_log() {
	cat "$PF/maillog" 2>/dev/null
}

# postfix_wait_idle - until the private queue holds no message (10 s)
postfix_wait_idle() {
	local i n
	for i in $(seq 1 100); do
		n=$(find "$PF/queue/incoming" "$PF/queue/active" "$PF/queue/deferred" \
			"$PF/queue/maildrop" -type f 2>/dev/null | wc -l)
		[ "$n" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_for COUNT CMD... - until CMD prints COUNT (10 s)
wait_for() {
	local want="$1" i
	shift
	for i in $(seq 1 100); do
		[ "$("$@")" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}
