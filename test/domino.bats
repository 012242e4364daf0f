#!/usr/bin/env bats
# domino.bats - the Domino bridge (contrib/domino): it compiles with
# javac --release 8 against the lotus.domino stub, and its protocol tests
# (lme-domino(7) over an in-memory Domino with crashes at every step, an
# importer error, duplicates, a full disk, half-written files) pass.

load 'helpers/common'

@test "make domino: the bridge compiles against the stub and its protocol tests pass" {
	command -v javac >/dev/null || skip "javac not installed"
	run make -C "$LME_ROOT" --no-print-directory domino
	echo "$output"
	assert_success
	assert_output --regexp "all [0-9]+ passed"
	refute_output --partial "FAIL"
	[ -d "$CORPUS/dxl" ] || return 0
	refute_output --partial "skip inboundCorpus"
}

@test "the stub is only for compiling: the protocol classes run without it" {
	command -v javac >/dev/null || skip "javac not installed"
	make -C "$LME_ROOT" --no-print-directory domino >/dev/null
	B="$LME_ROOT/contrib/domino/build"
	# the bridge's classes do not include lotus.domino: a server supplies Notes.jar
	run find "$B/classes" -path '*lotus*'
	assert_output ""
	run java -cp "$B/classes" lme.domino.LmeBridge
	assert_failure
	assert_output --partial "lotus/"
}
