#!/usr/bin/env bats
# diskfull.bats - the spool on a small tmpfs that fills up: producers say
# "try again later", stages leave messages where they are and carry on
# when space returns; nothing lost, nothing half-written in new/.

load helpers/common
load helpers/postfix

setup() {
	lme_setup
	require_root
	FS=$(mktemp -d /tmp/lme-diskfull.XXXXXX)
	mount -t tmpfs -o size=4m tmpfs "$FS" || skip "cannot mount a tmpfs here"
	mkdir -m 700 "$FS/spool"
	lme_conf_set lme spool "$FS/spool"
	lme_conf_set lme group_commit 1
	lme_conf_set lme minimal_backoff_time 1
}

teardown() {
	postfix_stop 2>/dev/null
	if [ -n "${MEXOUT_PID:-}" ]; then
		kill "$MEXOUT_PID" 2>/dev/null
		wait "$MEXOUT_PID" 2>/dev/null
	fi
	if [ -n "${FS:-}" ]; then
		umount "$FS" 2>/dev/null
		rmdir "$FS"
	fi
	true
}

# fill - take the space that is left (a filler file we can remove)
fill() { dd if=/dev/zero of="$FS/filler" bs=64k 2>/dev/null || true; }

# readyout_message N - a queue file for mexnts
readyout_message() {
	local d="$FS/spool/readyout" id="$(date +%s).M$1P1Q$1.diskfull"
	mkdir -p "$d/tmp" "$d/new" "$d/cur"
	{
		printf 'lme-envelope 1\nid %s\narrival %s\nhops 1\nsender jane@example.com\n' "$id" "$(date +%s)"
		printf 'sender_notes jane@example.com@Exchange\n'
		printf 'rcpt smtp=john.smith@notes.example.com\tnotes=John Smith/Sales/Acme@Acme\nend\n'
		printf 'From: jane@example.com\nTo: john.smith@notes.example.com\nSubject: full %s\n' "$1"
		printf 'Message-ID: <full-%s@example.com>\n\n' "$1"
		head -c 60000 /dev/zero | tr '\0' 'z' | fold -w 76
	} > "$d/new/$id"
}

# no_partial_files - every file in a new/ is whole: DXL ends its document,
# queue files have their end record
no_partial_files() {
	for f in "$FS"/spool/mail.box/new/*; do
		[ -e "$f" ] || continue
		tail -c 20 "$f" | grep -q '</document>' || { echo "partial: $f"; return 1; }
	done
}

@test "disk full: mexnts defers (exit 75), leaves readyout alone; resumes when space returns" {
	for i in 1 2 3 4 5; do readyout_message $i; done
	"$BIN/mexnts" -1 -c "$T/lme.conf" 2>/dev/null || true	# create every queue first
	rm -f "$FS"/spool/mail.box/new/*
	for i in 1 2 3 4 5; do readyout_message $i; done
	fill
	run "$BIN/mexnts" -1 -f -c "$T/lme.conf"
	assert_failure 75
	assert_output --partial "status=deferred"
	[ "$(queue_count readyout)" = 5 ] || [ "$(ls "$FS/spool/readyout/new" | wc -l)" = 5 ]
	[ "$(ls "$FS/spool/mail.box/new" | wc -l)" = 0 ]
	[ "$(ls "$FS/spool/mail.box/tmp" | wc -l)" = 0 ]
	[ "$(ls "$FS/spool/readyout/cur" | wc -l)" = 0 ]
	no_partial_files
	rm -f "$FS/filler"
	run "$BIN/mexnts" -1 -f -c "$T/lme.conf"
	assert_success
	[ "$(ls "$FS/spool/mail.box/new" | wc -l)" = 5 ]
	[ "$(ls "$FS/spool/readyout/new" | wc -l)" = 0 ]
	no_partial_files
}

@test "disk full with group commit: the batch fails whole, nothing visible, all retried" {
	lme_conf_set lme group_commit 32
	for i in 1 2 3 4 5 6 7 8; do readyout_message $i; done
	"$BIN/mexnts" -1 -c "$T/lme.conf" 2>/dev/null || true
	rm -f "$FS"/spool/mail.box/new/*
	for i in 1 2 3 4 5 6 7 8; do readyout_message $i; done
	# room for some memos but not all: the batch must fail without a trace
	avail=$(df --output=avail -B1 "$FS" | tail -1)
	dd if=/dev/zero of="$FS/filler" bs=1 count=0 seek=0 2>/dev/null
	head -c $((avail - 200000)) /dev/zero > "$FS/filler" 2>/dev/null || true
	run "$BIN/mexnts" -1 -f -c "$T/lme.conf"
	no_partial_files
	[ "$(ls "$FS/spool/mail.box/tmp" | wc -l)" = 0 ]
	[ "$(ls "$FS/spool/readyout/cur" | wc -l)" = 0 ]
	total=$(( $(ls "$FS/spool/mail.box/new" | wc -l) + $(ls "$FS/spool/readyout/new" | wc -l) ))
	[ "$total" -ge 8 ]
	rm -f "$FS/filler"
	run "$BIN/mexnts" -1 -f -c "$T/lme.conf"
	assert_success
	[ "$(ls "$FS/spool/readyout/new" | wc -l)" = 0 ]
	[ "$(cat "$FS"/spool/mail.box/new/* | grep -o 'full-[0-9]*@example.com' | sort -u | wc -l)" = 8 ]
}

@test "disk full: mexout -enqueue exits 75 and leaves nothing half-written; 0 when space returns" {
	"$BIN/mexout" -1 -c "$T/lme.conf" 2>/dev/null || true	# create the queues
	fill
	run sh -c "head -c 300000 /dev/zero | tr '\\0' x | \"$BIN/mexout\" -enqueue -c \"$T/lme.conf\" -f jane@example.com -- john.smith@notes.example.com"
	assert_failure 75
	[ "$(ls "$FS/spool/mts-out/new" | wc -l)" = 0 ]
	[ "$(ls "$FS/spool/mts-out/tmp" | wc -l)" = 0 ]
	rm -f "$FS/filler"
	run sh -c "printf 'Subject: x\\n\\nbody\\n' | \"$BIN/mexout\" -enqueue -c \"$T/lme.conf\" -f jane@example.com -- john.smith@notes.example.com"
	assert_success
	[ "$(ls "$FS/spool/mts-out/new" | wc -l)" = 1 ]
}

@test "disk full: the milter answers 451 (the sending MTA keeps it and retries); accepted when space returns" {
	MPORT=$(free_port)
	lme_conf_set mexout milter "inet:$MPORT@127.0.0.1"
	"$BIN/mexout" -f -c "$T/lme.conf" >"$T/mexout.log" 2>&1 &
	MEXOUT_PID=$!
	wait_port "$MPORT"
	postfix_start "inet:127.0.0.1:$MPORT"
	head -c 200000 /dev/zero | tr '\0' y | fold -w 70 > "$T/big.txt"
	fill
	run swaks --server "127.0.0.1:$PF_PORT" --from jane@partner.example \
		--to john.smith@notes.example.com --body "$T/big.txt"
	assert_failure
	assert_output --partial "<** 451 4.3.0"
	[ "$(ls "$FS/spool/mts-out/new" | wc -l)" = 0 ]
	[ "$(ls "$FS/spool/mts-out/tmp" | wc -l)" = 0 ]
	rm -f "$FS/filler"
	run swaks --server "127.0.0.1:$PF_PORT" --from jane@partner.example \
		--to john.smith@notes.example.com --body "space again"
	assert_success
	assert_output --partial "250 2.0.0 Ok: queued"
}
