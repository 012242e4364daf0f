#!/usr/bin/env bats
# mexin submitting by SMTP to a private Postfix (test/helpers/postfix.bash)
# that delivers to a maildir: envelope, headers and body as delivered.

load helpers/common

setup() {
	lme_setup
	require_root
	[ -f "$BATS_TEST_DIRNAME/helpers/postfix.bash" ] || skip "test/helpers/postfix.bash not present"
	command -v postfix >/dev/null || skip "postfix not installed"
	load helpers/postfix
	printf 'zoe@local.test.example\tZoe Partner/Ext@Exchange\tZoe Partner\n' > "$T/maps/addresses"
}

teardown() {
	type postfix_stop >/dev/null 2>&1 && postfix_stop
	true
}

@test "mexin: smtp: to a private Postfix, delivered to a maildir" {
	postfix_start ""
	lme_conf_set mexin relay "smtp:127.0.0.1:$PF_PORT"
	mkdir -p "$T/spool/readyin/tmp" "$T/spool/readyin/new"
	{
		printf 'lme-envelope 1\nid 1763768027.M1P1Q1.pf\narrival %s\nhops 1\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: "John Smith/Sales/Acme@Acme" <x@invalid>\n'
		printf 'To: "Zoe Partner/Ext@Exchange" <y@invalid>\n'
		printf 'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\nMessage-ID: <pf-1@notes.acme>\n'
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
		printf 'Hello Zoe,\n.one dot\n..two dots\nbye\n'
	} > "$T/spool/readyin/tmp/1763768027.M1P1Q1.pf"
	mv "$T/spool/readyin/tmp/1763768027.M1P1Q1.pf" "$T/spool/readyin/new/"
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --regexp "to=<zoe@local.test.example>, orig_to=<Zoe Partner/Ext@Exchange>, relay=127.0.0.1\[127.0.0.1\]:$PF_PORT, .*status=sent \(250 2.0.0 Ok: queued as"
	postfix_wait_idle
	for i in $(seq 1 50); do
		[ -n "$(find "$PF/vmail/box/new" -type f 2>/dev/null)" ] && break
		sleep 0.1
	done
	f=$(find "$PF/vmail/box/new" -type f | head -1)
	[ -n "$f" ]
	run cat "$f"
	assert_line 'Return-Path: <IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com>'
	assert_line 'Delivered-To: zoe@local.test.example'
	assert_line 'From: John Smith <IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com>'
	assert_line 'To: Zoe Partner <zoe@local.test.example>'
	assert_line 'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?='
	assert_line '.one dot'
	assert_line '..two dots'
	assert_line 'bye'
	[ "$(queue_count mts-in)" = 0 ]
}
