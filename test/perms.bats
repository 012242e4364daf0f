#!/usr/bin/env bats
# perms.bats - what lme trusts from a file it reads (perms(3)): the spool
# directory, dxa's state file, the LDAP password file and the counter files
# must be the running user's (or root's) and not writable by group or
# others; the refusal names the file, its owner and mode, and what is
# expected.  The owner cases need root (chown nobody).

load helpers/common

setup() {
	lme_setup
	cp "$FIXTURES"/dxa/maps/*.tbl "$T/maps/"
	# enough for dxa to get as far as its state: an LDAP server that is not there
	lme_conf_set dxa ldap_uri "ldap://127.0.0.1:1"
	lme_conf_set dxa connector_guid 6f1d3c8e-0000-4000-8000-00000000d0a1
	lme_conf_set dxa export_base "ou=People,dc=example,dc=com"
	lme_conf_set dxa import_container "ou=Contacts,dc=example,dc=com"
	lme_conf_set dxa notes_directory "$FIXTURES/dxa/names.dxl"
	lme_conf_set dxa notes_import "$T/notes_import"
	printf '# lme dxa state, version 1; see dxa(8)\n' > "$T/spool/dxa.state"
	chmod 600 "$T/spool/dxa.state"
}

enqueue() {
	printf 'From: jane@partner.example\nSubject: %s\n\nbody\n' "$1" |
		"$BIN/mexout" -enqueue -f jane@partner.example -- "$2"
}

@test "dxa: a state file of the user's own, mode 0600, passes (dxa goes on to LDAP)" {
	run "$BIN/dxa" -full -to-notes
	refute_output --partial "refused"
	assert_output --partial "Can't contact LDAP server"
	[ "$status" -ne 77 ] && [ "$status" -ne 78 ]
}

@test "dxa: a group-writable state file is refused (78), named with its mode" {
	chmod 620 "$T/spool/dxa.state"
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 78
	assert_output --partial "[dxa] state_file $T/spool/dxa.state: file, owner $(id -un), mode 0620: refused"
	assert_output --partial "not writable by group and others (0644 or stricter)"
}

@test "dxa: a world-writable state file elsewhere (state_file) is refused (78)" {
	lme_conf_set dxa state_file "$T/dxa.state"
	printf '# lme dxa state, version 1; see dxa(8)\n' > "$T/dxa.state"
	chmod 606 "$T/dxa.state"
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 78
	assert_output --partial "[dxa] state_file $T/dxa.state: file, owner $(id -un), mode 0606: refused"
}

@test "dxa: a state file that is not a regular file is refused (78)" {
	rm "$T/spool/dxa.state"
	mkfifo -m 600 "$T/spool/dxa.state"
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 78
	assert_output --partial "special file"
}

@test "dxa: a state file owned by another user is refused (77)" {
	require_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	chown nobody "$T/spool/dxa.state"
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 77
	assert_output --partial "[dxa] state_file $T/spool/dxa.state: file, owner nobody, mode 0600: refused: must be a regular file owned by root"
}

@test "dxa: a password file owned by another user is refused (77), even at 0600" {
	require_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	lme_conf_set dxa bind_dn "cn=admin,dc=example,dc=com"
	lme_conf_set dxa bind_password_file "$T/ldap.pw"
	echo secret > "$T/ldap.pw"
	chmod 600 "$T/ldap.pw"
	chown nobody "$T/ldap.pw"
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 77
	assert_output --partial "[dxa] bind_password_file $T/ldap.pw: file, owner nobody, mode 0600: refused"
	assert_output --partial "not readable or writable by group and others (0600 or stricter)"
}

@test "dxa: a group-readable password file is refused (78)" {
	lme_conf_set dxa bind_dn "cn=admin,dc=example,dc=com"
	lme_conf_set dxa bind_password_file "$T/ldap.pw"
	echo secret > "$T/ldap.pw"
	chmod 640 "$T/ldap.pw"
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 78
	assert_output --partial "[dxa] bind_password_file $T/ldap.pw: file, owner $(id -un), mode 0640: refused"
}

@test "spool: a group-writable spool is refused by every program (77), named with its mode" {
	chmod 770 "$T/spool"
	run "$BIN/ntsmex" -1 -f
	assert_equal "$status" 77
	assert_output --partial "[lme] spool $T/spool: directory, owner $(id -un), mode 0770: refused"
	run "$BIN/dispatch" -n
	assert_equal "$status" 78
	assert_output --partial "[lme] spool $T/spool: directory"
	run "$BIN/mexq" list
	assert_equal "$status" 77
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 77
	# nothing was made in it
	[ ! -e "$T/spool/exchange.box" ]
}

@test "spool: a spool others can read is refused too (0700 or stricter)" {
	chmod 750 "$T/spool"
	run "$BIN/mexq" list
	assert_equal "$status" 77
	assert_output --partial "[lme] spool $T/spool: directory, owner $(id -un), mode 0750: refused"
	assert_output --partial "(0700 or stricter)"
	chmod 705 "$T/spool"
	run "$BIN/ntsmex" -1 -f
	assert_equal "$status" 77
}

@test "spool: a spool owned by another user is refused (77), even as root" {
	require_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	chown nobody "$T/spool"
	run "$BIN/mexnts" -1 -f
	assert_equal "$status" 77
	assert_output --partial "[lme] spool $T/spool: directory, owner nobody, mode 0700: refused: must be a directory owned by root (the running user)"
}

@test "spool: made by lme when missing, mode 0700, and accepted" {
	rm -rf "$T/spool"
	run "$BIN/ntsmex" -1 -f
	assert_success
	[ "$(stat -c %a "$T/spool")" = 700 ]
}

@test "counters: a counter file others can write is not read back; it is replaced, and said once" {
	mkdir -m 700 "$T/spool/.stats"
	printf 'lme_stage_messages_total{stage="mexout",queue="mts-out",result="sent"} 1000\n' \
		> "$T/spool/.stats/mexout.prom"
	chmod 666 "$T/spool/.stats/mexout.prom"
	# mexq stats leaves its samples out, and says why
	run "$BIN/mexq" stats -p
	assert_success
	refute_output --partial "} 1000"
	assert_output --partial "# counter file $T/spool/.stats/mexout.prom: file, owner $(id -un), mode 0666: refused"
	# a stage does not go on from it, replaces it with its own (0600), and warns
	enqueue one john.smith@notes.example.com
	run "$BIN/mexout" -1 -f
	assert_output --partial "counter file $T/spool/.stats/mexout.prom: file, owner $(id -un), mode 0666: refused"
	assert_output --partial "counters start again from zero"
	[ "$(stat -c %a "$T/spool/.stats/mexout.prom")" = 600 ]
	grep -q 'lme_stage_messages_total{stage="mexout",queue="mts-out",result="sent"} 1$' "$T/spool/.stats/mexout.prom"
	run "$BIN/mexq" stats -p
	refute_output --partial "refused"
}
