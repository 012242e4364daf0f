#!/usr/bin/env bats
# mexq(8): list, show, requeue, delete and stats on queues built by hand in
# the spool format (lib/global/spool.h, lib/global/envelope.h; reason files as written
# by spool_reject).

load helpers/common

setup() {
	lme_setup
	FX="$FIXTURES/dispatch"
}

# put_msg QUEUE FIXTURE [AGE] - a message in QUEUE/new with a fresh id whose
# time is AGE seconds ago; prints the id
put_msg() {
	local q=$1 fx=$2 age=${3:-0} id
	id="$(( $(date +%s) - age )).M${RANDOM}P$$Q${RANDOM}.testhost"
	mkdir -p "$T/spool/$q/new" "$T/spool/$q/cur" "$T/spool/$q/tmp"
	sed "s/@ID@/$id/" "$FX/$fx" > "$T/spool/$q/new/$id"
	echo "$id"
}

# put_reason BADQ ID FROMQ STAGE REASON - the reason file of spool_reject
put_reason() {
	printf 'id: %s\nqueue: %s\nstage: %s\ntime: 2026-11-21T10:00:00Z\nreason: %s\n' \
		"$2" "$3" "$4" "$5" > "$T/spool/$1/new/$2.reason"
}

# field N LINE - the Nth tab-separated field
field() { printf '%s\n' "$2" | cut -f"$1"; }

@test "mexq list: one tab-separated line per message with size, age, state, sender, recipients" {
	id=$(put_msg readyout smtp.msg 100)
	run "$BIN/mexq" list
	assert_success
	assert_equal "${#lines[@]}" 1
	line=${lines[0]}
	assert_equal "$(field 1 "$line")" readyout
	assert_equal "$(field 2 "$line")" "$id"
	assert_equal "$(field 3 "$line")" "$(stat -c %s "$T/spool/readyout/new/$id")"
	age=$(field 4 "$line")
	[ "$age" -ge 100 ] && [ "$age" -le 105 ]
	assert_equal "$(field 5 "$line")" new
	assert_equal "$(field 6 "$line")" "<jane@example.com>"
	assert_equal "$(field 7 "$line")" "john.smith@notes.example.com, mary@notes.example.com"
	assert_equal "$(field 8 "$line")" "-"
}

@test "mexq list: every queue, oldest first within a queue, and QUEUE restricts it" {
	a=$(put_msg readyout smtp.msg 50)
	b=$(put_msg readyout smtp.msg 500)
	c=$(put_msg mts-in nullsender.msg 10)
	d=$(put_msg exchange.box memo.dxl 10)
	run "$BIN/mexq" list
	assert_success
	assert_equal "${#lines[@]}" 4
	# layout order: mts-out readyout mail.box exchange.box readyin mts-in ...
	assert_equal "$(field 2 "${lines[0]}")" "$b"
	assert_equal "$(field 2 "${lines[1]}")" "$a"
	assert_equal "$(field 2 "${lines[2]}")" "$d"
	assert_equal "$(field 2 "${lines[3]}")" "$c"
	run "$BIN/mexq" list mts-in
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_equal "$(field 6 "${lines[0]}")" "<>"
	run "$BIN/mexq" list readyin
	assert_success
	assert_output ""
}

@test "mexq list: an unknown queue is a usage error (64)" {
	run "$BIN/mexq" list ../etc
	assert_failure 64
	assert_output --partial 'unknown queue "../etc"'
}

@test "mexq list: deferred messages show when they are due, claimed ones as claimed" {
	a=$(put_msg mts-in smtp.msg)
	touch -d '2037-01-02 03:04:05 UTC' "$T/spool/mts-in/new/$a"
	b=$(put_msg mts-in smtp.msg)
	mv "$T/spool/mts-in/new/$b" "$T/spool/mts-in/cur/$b:4242:testhost"
	run "$BIN/mexq" list mts-in
	assert_success
	assert_output --regexp "$a	[0-9]+	[0-9]+	deferred-until=2037-01-02T03:04:05Z	"
	assert_output --regexp "$b	[0-9]+	[0-9]+	claimed	"
}

@test "mexq list: badmail and exchange.bad show the stage and reason of the failure" {
	a=$(put_msg badmail smtp.msg)
	put_reason badmail "$a" readyout mexnts "MIME nesting deeper than 20"
	b=$(put_msg exchange.bad memo.dxl)
	put_reason exchange.bad "$b" exchange.box ntsmex "no Recipients item"
	run "$BIN/mexq" list
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(field 8 "${lines[0]}")" "mexnts: MIME nesting deeper than 20"
	assert_equal "$(field 8 "${lines[1]}")" "ntsmex: no Recipients item"
}

@test "mexq list: a Notes-side document shows its From and Recipients items" {
	put_msg exchange.box memo.dxl > /dev/null
	run "$BIN/mexq" list exchange.box
	assert_success
	assert_equal "$(field 6 "${lines[0]}")" "CN=Harry Hill/O=Acme"
	assert_equal "$(field 7 "${lines[0]}")" "jane@example.com@Exchange, bob@example.com@Exchange"
}

@test "mexq list: a broken queue file is listed, not fatal" {
	mkdir -p "$T/spool/readyout/new"
	printf 'garbage\n' > "$T/spool/readyout/new/1763768027.M1P1Q1.x"
	run "$BIN/mexq" list readyout
	assert_success
	assert_equal "$(field 2 "${lines[0]}")" "1763768027.M1P1Q1.x"
	assert_equal "$(field 6 "${lines[0]}")" "-"
}

@test "mexq show: envelope, headers (control characters neutralised) and the reason" {
	a=$(put_msg badmail smtp.msg 60)
	put_reason badmail "$a" readyout mexnts "cannot convert"
	run "$BIN/mexq" show "$a"
	assert_success
	assert_line "id: $a"
	assert_line "queue: badmail"
	assert_line "state: new"
	assert_line "failed-in: readyout"
	assert_line "stage: mexnts"
	assert_line "reason: cannot convert"
	assert_line "sender: <jane@example.com>"
	assert_line "hops: 2"
	assert_line "recipient: john.smith@notes.example.com	notes=John Smith/Sales/Acme@Acme	notify=FAILURE"
	assert_line "Subject: Quarterly figures"
	assert_line "X-Evil: ?[31mred?[0m"
	refute_output --partial "The body is not shown"
	run grep -c $'\033' <<< "$output"
	assert_output 0
}

@test "mexq show: a Notes-side document" {
	a=$(put_msg mail.box memo.dxl)
	run "$BIN/mexq" show "$a"
	assert_success
	assert_line "queue: mail.box"
	assert_line "from: CN=Harry Hill/O=Acme"
	assert_line "recipients: jane@example.com@Exchange, bob@example.com@Exchange"
	assert_line "subject: Lunch on Friday"
}

@test "mexq show: an unknown id exits 66 (EX_NOINPUT), and so does a path" {
	put_msg readyout smtp.msg > /dev/null
	run "$BIN/mexq" show 1234.nonesuch
	assert_failure 66
	assert_output --partial "1234.nonesuch: no such message"
	run "$BIN/mexq" show ../readyout/new
	assert_failure 66
}

@test "mexq requeue: a failed message goes back to the queue it failed in, without its reason file" {
	a=$(put_msg badmail smtp.msg)
	put_reason badmail "$a" readyout mexnts "cannot convert"
	run "$BIN/mexq" requeue "$a"
	assert_success
	assert_output "$a: status=requeued from badmail to readyout"
	assert_file_exist "$T/spool/readyout/new/$a"
	assert_file_not_exist "$T/spool/badmail/new/$a"
	assert_file_not_exist "$T/spool/badmail/new/$a.reason"
	[ "$(queue_count badmail)" -eq 0 ]
	[ "$(queue_count badmail cur)" -eq 0 ]
}

@test "mexq requeue: from exchange.bad back to exchange.box" {
	a=$(put_msg exchange.bad memo.dxl)
	put_reason exchange.bad "$a" exchange.box ntsmex "bad item"
	run "$BIN/mexq" requeue "$a"
	assert_success
	assert_file_exist "$T/spool/exchange.box/new/$a"
	assert_file_not_exist "$T/spool/exchange.bad/new/$a.reason"
}

@test "mexq requeue: a reason file naming no queue of the layout is refused (65), nothing moves" {
	a=$(put_msg badmail smtp.msg)
	put_reason badmail "$a" "../../tmp" mexnts "x"
	run "$BIN/mexq" requeue "$a"
	assert_failure 65
	assert_file_exist "$T/spool/badmail/new/$a"
	assert_file_exist "$T/spool/badmail/new/$a.reason"
	b=$(put_msg badmail smtp.msg)
	run "$BIN/mexq" requeue "$b"
	assert_failure 65
	assert_file_exist "$T/spool/badmail/new/$b"
}

@test "mexq requeue: a deferred message becomes due now" {
	a=$(put_msg mts-in smtp.msg)
	touch -d '2037-01-01 00:00:00 UTC' "$T/spool/mts-in/new/$a"
	run "$BIN/mexq" requeue "$a"
	assert_success
	assert_output "$a: status=requeued, due now in mts-in"
	[ "$(stat -c %Y "$T/spool/mts-in/new/$a")" -le "$(date +%s)" ]
	run "$BIN/mexq" list mts-in
	assert_equal "$(field 5 "${lines[0]}")" new
	run "$BIN/mexq" requeue "$a"
	assert_success
	assert_output "$a: already due in mts-in"
}

@test "mexq requeue and delete: a message a stage has claimed is refused with 75" {
	a=$(put_msg badmail smtp.msg)
	put_reason badmail "$a" readyout mexnts "x"
	mv "$T/spool/badmail/new/$a" "$T/spool/badmail/cur/$a:4242:testhost"
	run "$BIN/mexq" requeue "$a"
	assert_failure 75
	assert_output --partial "claimed by a stage"
	run "$BIN/mexq" delete "$a"
	assert_failure 75
	assert_file_exist "$T/spool/badmail/cur/$a:4242:testhost"
}

@test "mexq requeue and delete: an unknown id exits 66" {
	run "$BIN/mexq" requeue 1234.nonesuch
	assert_failure 66
	run "$BIN/mexq" delete 1234.nonesuch
	assert_failure 66
}

@test "mexq delete: removes a message (and its reason file) from whatever queue holds it" {
	a=$(put_msg badmail smtp.msg)
	put_reason badmail "$a" readyout mexnts "x"
	b=$(put_msg readyout smtp.msg)
	c=$(put_msg mail.box memo.dxl)
	run "$BIN/mexq" delete "$a"
	assert_success
	assert_output "$a: status=deleted from badmail"
	assert_file_not_exist "$T/spool/badmail/new/$a"
	assert_file_not_exist "$T/spool/badmail/new/$a.reason"
	run "$BIN/mexq" delete "$c"
	assert_success
	assert_file_not_exist "$T/spool/mail.box/new/$c"
	# the others are untouched
	assert_file_exist "$T/spool/readyout/new/$b"
	run "$BIN/mexq" delete "$a"
	assert_failure 66
}

@test "mexq stats: count, oldest age, deferred and claimed for all eight queues" {
	put_msg readyout smtp.msg 300 > /dev/null
	put_msg readyout smtp.msg 10 > /dev/null
	a=$(put_msg mts-in smtp.msg 20)
	touch -d '2037-01-01 00:00:00 UTC' "$T/spool/mts-in/new/$a"
	b=$(put_msg mts-in smtp.msg 5)
	mv "$T/spool/mts-in/new/$b" "$T/spool/mts-in/cur/$b:4242:testhost"
	c=$(put_msg badmail smtp.msg 7)
	put_reason badmail "$c" readyout mexnts "x"
	run "$BIN/mexq" stats
	assert_success
	assert_equal "${#lines[@]}" 8
	assert_equal "$(cut -f1 <<< "$output" | tr '\n' ' ')" \
		"mts-out readyout mail.box exchange.box readyin mts-in badmail exchange.bad "
	assert_line "mts-out	0	0	0	0"
	assert_line --regexp "^readyout	2	30[0-5]	0	0$"
	assert_line --regexp "^mts-in	2	2[0-5]	1	1$"
	assert_line --regexp "^badmail	1	[7-9]	0	0$"
}

@test "mexq stats -p: the same numbers in the Prometheus text format" {
	put_msg readyout smtp.msg 300 > /dev/null
	put_msg readyout smtp.msg 10 > /dev/null
	run "$BIN/mexq" stats -p
	assert_success
	assert_line '# TYPE lme_queue_messages gauge'
	assert_line 'lme_queue_messages{queue="readyout"} 2'
	assert_line 'lme_queue_messages{queue="mail.box"} 0'
	assert_line --regexp '^lme_queue_oldest_seconds\{queue="readyout"\} 30[0-5]$'
}

@test "mexq: a missing queue directory is an empty queue, and nothing is created by list or stats" {
	rmdir "$T/spool"
	run "$BIN/mexq" list
	assert_success
	assert_output ""
	run "$BIN/mexq" stats
	assert_success
	assert_line "badmail	0	0	0	0"
	assert_dir_not_exist "$T/spool"
}

@test "mexq: usage errors exit 64, a bad configuration 78, -V the version" {
	run "$BIN/mexq"
	assert_failure 64
	run "$BIN/mexq" frobnicate
	assert_failure 64
	run "$BIN/mexq" show
	assert_failure 64
	run "$BIN/mexq" stats extra
	assert_failure 64
	run "$BIN/mexq" -V
	assert_success
	assert_output --regexp '^mexq \(lme\) [0-9]'
	echo "nonsense" >> "$T/lme.conf"
	run "$BIN/mexq" list
	assert_failure 78
	assert_output --partial "$T/lme.conf:"
}

@test "queue_info unit test: states, ages, reason files, printable fields, metrics text" {
	run "$LME_ROOT/test/unit/queue_info_test" "$T"
	assert_success
	assert_output --partial "all passed"
}

@test "mexq inject: an envelope and message into an SMTP-side queue, under a fresh id" {
	sed 's/@ID@/old-id/' "$FX/smtp.msg" > "$T/saved"
	run "$BIN/mexq" inject readyout < "$T/saved"
	assert_success
	assert_output --regexp '^[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\.[^ ]+: status=queued \(readyout\) by mexq inject$'
	id=${output%%:*}
	assert_file_exist "$T/spool/readyout/new/$id"
	# the envelope carries the new id; everything else is as it was
	assert_equal "$(sed -n 2p "$T/spool/readyout/new/$id")" "id $id"
	diff <(sed 2d "$T/saved") <(sed 2d "$T/spool/readyout/new/$id")
	[ "$(ls -A "$T/spool/readyout/tmp" | wc -l)" -eq 0 ]
}

@test "mexq inject: a DXL document into exchange.box; a broken one is refused with 65" {
	run "$BIN/mexq" inject exchange.box < "$FX/memo.dxl"
	assert_success
	id=${output%%:*}
	cmp "$FX/memo.dxl" "$T/spool/exchange.box/new/$id"
	printf '<document><item name="x">unclosed</document>' > "$T/bad.dxl"
	run "$BIN/mexq" inject exchange.box < "$T/bad.dxl"
	assert_failure 65
	assert_output --partial "not a well-formed DXL document"
	printf '<html/>' > "$T/bad.dxl"
	run "$BIN/mexq" inject exchange.box < "$T/bad.dxl"
	assert_failure 65
	assert_output --partial "root element is not <document>"
	[ "$(queue_count exchange.box)" -eq 1 ]
	[ "$(ls -A "$T/spool/exchange.box/tmp" | wc -l)" -eq 0 ]
}

@test "mexq inject: no envelope, too large, or a failure queue: refused, nothing stored" {
	printf 'From: x\n\nbody\n' > "$T/plain"
	run "$BIN/mexq" inject readyout < "$T/plain"
	assert_failure 65
	assert_output --partial "not an lme envelope"
	lme_conf_set mexnts max_message_size 100
	sed 's/@ID@/x/' "$FX/smtp.msg" > "$T/saved"
	run "$BIN/mexq" inject readyout < "$T/saved"
	assert_failure 65
	assert_output --partial "larger than 100 bytes"
	[ "$(queue_count readyout)" -eq 0 ]
	[ "$(ls -A "$T/spool/readyout/tmp" | wc -l)" -eq 0 ]
	run "$BIN/mexq" inject badmail < "$T/saved"
	assert_failure 64
}
