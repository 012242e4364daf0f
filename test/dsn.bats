#!/usr/bin/env bats
# dsn: RFC 3464 reports built by dsn_queue() (test/unit/dsn_test.c makes
# them, test/fixtures/mexout/dsncheck.py parses them with Python's email).

load helpers/common

setup() {
	lme_setup
	run "$LME_ROOT/test/unit/dsn_test" "$T/dsn"
	DSN_OUT="$output"
	DSN_STATUS="$status"
}

# report LABEL - what the report of case LABEL is made of
report() {
	python3 "$FIXTURES/mexout/dsncheck.py" "$T"/dsn/"$1"/mts-in/new/*
}

@test "dsn_test: every case queues a report exactly when it should" {
	echo "$DSN_OUT"
	assert_equal "$DSN_STATUS" 0
}

@test "dsn: a failed recipient gets multipart/report with the delivery-status fields" {
	run report failed
	assert_success
	assert_output --partial "sender=<>"
	assert_output --partial "report=yes"
	assert_output --partial "rcpt=jane@partner.example"
	assert_output --partial "type=multipart/report report-type=delivery-status"
	assert_output --partial "From=Mail Delivery System <MAILER-DAEMON@example.com>"
	assert_output --partial "part1=text/plain"
	assert_output --partial "part2=message/delivery-status"
	assert_output --partial "Reporting-MTA=dns; "
	assert_output --partial "Arrival-Date=Tue, 14 Nov 2023"
	assert_output --partial "Final-Recipient=rfc822; john@notes.example.com"
	assert_output --partial "Action=failed"
	assert_output --partial "Status=5.1.1"
	assert_output --partial "Diagnostic-Code=smtp; 550 5.1.1 unknown"
	assert_output --partial "part3=text/rfc822-headers"
	assert_output --partial "Subject: the original"
	refute_output --partial "the original body"
}

@test "dsn: none to the null sender, about a report, or against NOTIFY" {
	for c in nullsender report never successonly delivereddefault; do
		assert_equal "$(ls "$T/dsn/$c/mts-in/new" | wc -l)" 0
	done
}

@test "dsn: NOTIFY=SUCCESS gets a delivery report; a delay one its own subject" {
	run report delivered
	assert_output --partial "Action=delivered"
	assert_output --partial "Status=2.0.0"
	run report delayed
	assert_output --partial "Action=delayed"
	assert_output --partial "Diagnostic-Code=X-LME; relay down"
	run grep -h '^Subject:' "$T"/dsn/delayed/mts-in/new/*
	assert_output --partial "Delayed Mail"
}

@test "dsn: RET=FULL returns the whole message; ORCPT and ENVID are decoded" {
	run report full
	assert_output --partial "part3=message/rfc822"
	assert_output --partial "rfc822-subject=the original"
	assert_output --partial "Original-Recipient=rfc822;a+b@notes.example.com"
	assert_output --partial "Original-Envelope-Id=env+1"
}

@test "dsn: CR and LF in a recipient or a diagnostic never make a header" {
	run report inject
	assert_success
	refute_output --regexp "(^|\\n)Bcc="
	run grep -c -E '^(Bcc|Subject: injected)' "$T"/dsn/inject/mts-in/new/*
	assert_output 0
}
