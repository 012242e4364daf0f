#!/usr/bin/env bats
# dxa: directory synchronization against a private slapd and a Domino
# directory export written from the DTD (test/fixtures/dxa).

load helpers/common
load helpers/slapd

GUID=6f1d3c8e-0000-4000-8000-00000000d0a1

setup() {
	lme_setup
	cp "$FIXTURES"/dxa/maps/*.tbl "$T/maps/"
	cp "$FIXTURES/dxa/names.dxl" "$T/names.dxl"
	slapd_start "${FLAVOR:-openldap}"
	printf '%s\n' "$SLAPD_PW" > "$T/ldap.pw"
	chmod 600 "$T/ldap.pw"
	lme_conf_set dxa ldap_uri "$SLAPD_URI"
	lme_conf_set dxa bind_dn "$SLAPD_DN"
	lme_conf_set dxa bind_password_file "$T/ldap.pw"
	lme_conf_set dxa flavor "${FLAVOR:-openldap}"
	lme_conf_set dxa export_base "ou=People,$SLAPD_BASE"
	lme_conf_set dxa import_container "ou=Contacts,$SLAPD_BASE"
	lme_conf_set dxa notes_directory "$T/names.dxl"
	lme_conf_set dxa notes_import "$T/notes_import"
	lme_conf_set dxa connector_guid "$GUID"
}

teardown() {
	slapd_stop
}

# contacts - the DNs of the contacts in the import container
contacts() {
	slapd_search -b "ou=Contacts,$SLAPD_BASE" -s one '(objectClass=*)' dn | grep '^dn:' | sort
}

# imports - the import files written so far
imports() {
	ls "$T/notes_import" 2>/dev/null | grep '\.dxl$' | sort
}

# last_import - the newest import file
last_import() {
	echo "$T/notes_import/$(imports | tail -1)"
}

# count_in STRING FILE - occurrences of STRING in FILE
count_in() {
	grep -o -- "$1" "$2" | wc -l
}

# persons_in FILE - number of Person documents in an import file
persons_in() {
	grep -o '<document [^>]*form="Person"' "$1" | wc -l
}

@test "dxa -check accepts the tables" {
	run "$BIN/dxa" -check
	assert_success
	assert_output --partial "ok"
}

@test "a bad table: exit 78 with file:line:column, nothing touched" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	printf 'FirstName = FirstName\nLastName = "unterminated\n' > "$T/maps/mapmex.tbl"
	run "$BIN/dxa" -check
	assert_equal "$status" 78
	assert_output --regexp "mapmex.tbl:2:[0-9]+:"
	run "$BIN/dxa" -full
	assert_equal "$status" 78
	assert_output --regexp "mapmex.tbl:2:[0-9]+:"
	assert [ ! -e "$T/notes_import" ]
	assert [ ! -e "$T/spool/dxa.state" ]
	assert_equal "$(contacts)" ""
}

@test "seed 002: a Notes user becomes a contact in LDAP, an LDAP user a Person for Notes" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	run "$BIN/dxa" -full
	assert_success
	# Notes -> LDAP: 12 people, 1 group, 1 mail-in database; not the server
	assert_equal "$(contacts | wc -l)" 14
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=john.smith@notes.example.com)'
	assert_output --partial "lmeNotesAddress: NOTES:John Smith/Sales/Acme@Acme"
	assert_output --partial "lmeOwner: $GUID"
	assert_output --partial "displayName: John Smith"
	# InternetAddress missing: shortname@first notes_address_space domain
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=mjones@notes.example.com)' dn
	assert_output --partial "dn: "
	# LDAP -> Notes: one import file with 12 Person documents (nomail skipped)
	assert_equal "$(imports | wc -l)" 1
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 12
	assert_equal "$(count_in "<item name=\"\$NotesDXAStamp\"><text>$GUID</text>" "$f")" 12
	grep -q "<item name=\"InternetAddress\"><text>alice@example.com</text>" "$f"
	grep -q "<item name=\"FullName\"><text>Alice Archer/Exchange</text>" "$f"
	grep -q "<item name=\"MailDomain\"><text>Exchange</text>" "$f"
	# valid against the Domino DTD
	run xmllint --noout --nonet --dtdvalid "$LME_ROOT/../shared/reference/domino_9_0_1.dtd" "$f"
	[ -f "$LME_ROOT/../shared/reference/domino_9_0_1.dtd" ] && assert_success
	# the address map: both directions, hand-made line kept
	grep -q "^alice@example.com	Alice Archer/Exchange@Exchange	Alice Archer$" "$T/maps/addresses"
	grep -q "^john.smith@notes.example.com	John Smith/Sales/Acme@Acme	John Smith$" "$T/maps/addresses"
	grep -q "^sales@notes.example.com	Sales Team@Acme	Sales Team$" "$T/maps/addresses"
	run grep -c "^john.smith@notes.example.com" "$T/maps/addresses"
	assert_output 2
}

@test "entries read one after another keep nothing of each other (one table is filled again for each)" {
	cat > "$T/two.ldif" <<LDIF
dn: uid=pat,ou=People,$SLAPD_BASE
objectClass: inetOrgPerson
uid: pat
cn: Pat Prior
sn: Prior
displayName: Pat Prior
mail: pat@example.com
title: Title Of Pat
telephoneNumber: +1 555 0199

dn: uid=quinn,ou=People,$SLAPD_BASE
objectClass: inetOrgPerson
uid: quinn
cn: Quinn Next
sn: Next
displayName: Quinn Next
mail: quinn@example.com
LDIF
	slapd_add "$T/two.ldif"
	run "$BIN/dxa" -full -to-notes
	assert_success
	run python3 - "$(last_import)" <<'PY'
import sys
docs = open(sys.argv[1]).read().split("<document ")
pat = [d for d in docs if "Pat Prior" in d]
quinn = [d for d in docs if "Quinn Next" in d]
assert len(pat) == 1 and len(quinn) == 1, (len(pat), len(quinn))
assert "Title Of Pat" in pat[0] and "+1 555 0199" in pat[0], pat[0]
for leftover in ("Title Of Pat", "+1 555 0199", "JobTitle", "OfficePhoneNumber", "Prior"):
    assert leftover not in quinn[0], (leftover, quinn[0])
print("ok")
PY
	assert_success
	assert_output "ok"
}

@test "seed 002: deleting a Notes user deletes its contact; deleting an LDAP user deletes its Person" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	# remove Anna Berg from the Domino export, bob from LDAP
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
s = re.sub(r"<document form='Person'>\n<noteinfo[^\n]*\n(?:(?!</document>).)*Anna Berg(?:(?!</document>).)*</document>\n", "", s, flags=re.S)
open(p, 'w', encoding='utf-8').write(s)
PY
	! grep -q "Anna Berg" "$T/names.dxl"
	ldapdelete -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "uid=bob,ou=People,$SLAPD_BASE"
	run "$BIN/dxa" -update
	assert_success
	assert_equal "$(contacts | wc -l)" 13
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=anna.berg@notes.example.com)' dn
	assert_output ""
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 0
	assert_equal "$(count_in 'form="LMEDelete"' "$f")" 1
	grep -q "<item name=\"TargetUNID\">" "$f"
	! grep -q "^bob@example.com" "$T/maps/addresses"
	! grep -q "^anna.berg@notes.example.com" "$T/maps/addresses"
}

@test "full reload writes every entry, update only the changed ones" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full -to-notes
	run "$BIN/dxa" -update -to-notes
	assert_success
	assert_equal "$(imports | wc -l)" 1
	cat > "$T/mod.ldif" <<LDIF
dn: uid=carol,ou=People,$SLAPD_BASE
changetype: modify
replace: title
title: Manager
LDIF
	slapd_modify "$T/mod.ldif"
	"$BIN/dxa" -update -to-notes
	assert_equal "$(imports | wc -l)" 2
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 1
	grep -q "<item name=\"JobTitle\"><text>Manager</text>" "$f"
	# the last run's figures reach the metrics
	run "$BIN/mexq" stats -p
	assert_line 'lme_dxa_last_run_entries{direction="to-notes",action="changed"} 1'
	assert_line --partial 'lme_dxa_last_run_timestamp_seconds{direction="to-notes"}'
	sleep 1
	"$BIN/dxa" -full -to-notes
	assert_equal "$(persons_in "$(last_import)")" 12
}

@test "a case-only change is a change, both ways" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	cat > "$T/mod.ldif" <<LDIF
dn: uid=dave,ou=People,$SLAPD_BASE
changetype: modify
replace: sn
sn: DAWSON
LDIF
	slapd_modify "$T/mod.ldif"
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
def bump(m):
    d = m.group(0)
    d = d.replace("<text>Khan</text>", "<text>KHAN</text>")
    return re.sub(r"<modified><datetime>[^<]*</datetime>", "<modified><datetime>20250301T080000,00+00</datetime>", d)
s = re.sub(r"<document form='Person'>(?:(?!</document>).)*Fatima Khan(?:(?!</document>).)*</document>", bump, s, flags=re.S)
open(p, 'w', encoding='utf-8').write(s)
PY
	run "$BIN/dxa" -n -update
	assert_success
	assert_output --partial "to-notes: change"
	assert_output --regexp "to-ldap: change .* \(sn\)"
	n=$(imports | wc -l)
	"$BIN/dxa" -update
	assert_equal "$(imports | wc -l)" $((n + 1))
	grep -q "<item name=\"LastName\"><text>DAWSON</text>" "$(last_import)"
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=fatima.khan@notes.example.com)' sn
	assert_output --partial "sn: KHAN"
}

@test "a hand-made entry in the import container is never touched" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	cat > "$T/hand.ldif" <<LDIF
dn: cn=Hand Made,ou=Contacts,$SLAPD_BASE
objectClass: inetOrgPerson
cn: Hand Made
sn: Made
mail: hand@example.org

dn: cn=0A1B2C3D4E5F60718293A4B5C6D7E004,ou=Contacts,$SLAPD_BASE
objectClass: inetOrgPerson
cn: 0A1B2C3D4E5F60718293A4B5C6D7E004
sn: Squatter
mail: squatter@example.org
LDIF
	slapd_add "$T/hand.ldif"
	run "$BIN/dxa" -full
	# the contact whose DN is taken by a hand-made entry fails, never overwrites
	assert_failure
	run slapd_search -b "cn=Hand Made,ou=Contacts,$SLAPD_BASE" -s base
	assert_output --partial "mail: hand@example.org"
	refute_output --partial "lmeOwner"
	run slapd_search -b "cn=0A1B2C3D4E5F60718293A4B5C6D7E004,ou=Contacts,$SLAPD_BASE" -s base
	assert_output --partial "sn: Squatter"
	refute_output --partial "lmeOwner"
	# delete every Notes user: the stamped contacts go, the hand-made ones stay
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
s = re.sub(r"<document form='(Person|Group|Database)'>.*?</document>\n", "", s, flags=re.S)
open(p, 'w', encoding='utf-8').write(s)
PY
	run "$BIN/dxa" -update -to-ldap -force
	assert_success
	assert_equal "$(contacts)" "$(printf 'dn: cn=0A1B2C3D4E5F60718293A4B5C6D7E004,ou=Contacts,dc=example,dc=com\ndn: cn=Hand Made,ou=Contacts,dc=example,dc=com')"
}

@test "the deletion guard refuses, changes nothing; -force passes" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	cp "$T/spool/dxa.state" "$T/state.before"
	for u in alice bob; do
		ldapdelete -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "uid=$u,ou=People,$SLAPD_BASE"
	done
	n=$(imports | wc -l)
	run "$BIN/dxa" -update
	assert_equal "$status" 65
	assert_output --partial "refusing to delete 2 of 12"
	assert_equal "$(imports | wc -l)" "$n"
	cmp "$T/spool/dxa.state" "$T/state.before"
	assert_equal "$(ls -A "$T/notes_import" | grep -c tmp)" 0
	run "$BIN/dxa" -update -force
	assert_success
	assert_equal "$(imports | wc -l)" $((n + 1))
	assert_equal "$(count_in 'form="LMEDelete"' "$(last_import)")" 2
}

@test "-n prints the plan and changes nothing" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	cp "$T/maps/addresses" "$T/addresses.before"
	run "$BIN/dxa" -n -full
	assert_success
	assert_output --partial "to-notes: add"
	assert_output --partial "to-notes: would add 12, change 0, delete 0"
	assert_output --partial "to-ldap: would add 14, change 0, delete 0"
	assert_equal "$(imports | wc -l)" 0
	assert_equal "$(contacts)" ""
	assert [ ! -e "$T/spool/dxa.state" ]
	cmp "$T/maps/addresses" "$T/addresses.before"
}

@test "an LDAP error is never read as deletions" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	cp "$T/spool/dxa.state" "$T/state.before"
	n=$(imports | wc -l)
	lme_conf_set dxa export_base "ou=Nowhere,$SLAPD_BASE"
	run "$BIN/dxa" -full -to-notes -force
	assert_failure
	assert_output --partial "No such object"
	assert_equal "$(imports | wc -l)" "$n"
	cmp "$T/spool/dxa.state" "$T/state.before"
	lme_conf_set dxa export_base "ou=People,$SLAPD_BASE"
	slapd_stop
	run "$BIN/dxa" -update -force
	assert_failure
	cmp "$T/spool/dxa.state" "$T/state.before"
}

@test "a size limit is an error, never read as deletions" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	cp "$T/spool/dxa.state" "$T/state.before"
	n=$(imports | wc -l)
	cat > "$T/reader.ldif" <<LDIF
dn: cn=reader,$SLAPD_BASE
objectClass: person
cn: reader
sn: reader
userPassword: readerpw
LDIF
	slapd_add "$T/reader.ldif"
	printf 'readerpw\n' > "$T/reader.pw"
	chmod 400 "$T/reader.pw"
	lme_conf_set dxa bind_dn "cn=reader,$SLAPD_BASE"
	lme_conf_set dxa bind_password_file "$T/reader.pw"
	run "$BIN/dxa" -full -to-notes -force
	assert_equal "$status" 69
	assert_output --partial "Size limit exceeded"
	assert_equal "$(imports | wc -l)" "$n"
	cmp "$T/spool/dxa.state" "$T/state.before"
}

@test "bind_password_file must be mode 0600 or stricter" {
	chmod 644 "$T/ldap.pw"
	run "$BIN/dxa" -full
	assert_equal "$status" 78
	assert_output --partial "refused"
}

@test "UTF-8 names travel intact both ways" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	grep -q "<item name=\"FullName\"><text>Jürgen Müller/Exchange</text>" "$(last_import)"
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=zoe.angstrom@notes.example.com)' displayName lmeNotesAddress
	assert_output --partial "displayName:: $(printf 'Zoë Ångström' | base64 -w0)"
	grep -q "^juergen@example.com	Jürgen Müller/Exchange@Exchange	Jürgen Müller$" "$T/maps/addresses"
	grep -q "^zoe.angstrom@notes.example.com	Zoë Ångström/Research/Acme@Acme	Zoë Ångström$" "$T/maps/addresses"
}

@test "SASL EXTERNAL over ldapi://" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	lme_conf_set dxa ldap_uri "$SLAPD_LDAPI"
	sed -i '/^bind_dn/d; /^bind_password_file/d' "$T/lme.conf"
	run "$BIN/dxa" -full
	assert_success
	assert_equal "$(contacts | wc -l)" 14
}

@test "StartTLS: verified against the server's certificate, refused without it" {
	command -v openssl >/dev/null || skip "openssl not installed"
	slapd_stop
	SLAPD_TLS=1 slapd_start
	slapd_add "$FIXTURES/dxa/people.ldif"
	lme_conf_set dxa ldap_uri "$SLAPD_URI"
	lme_conf_set dxa ldap_starttls yes
	LDAPTLS_CACERT=/nonexistent LDAPTLS_REQCERT=demand run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 69
	assert_output --partial "StartTLS"
	assert_equal "$(imports | wc -l)" 0
	LDAPTLS_CACERT="$T/slapd/tls/cert.pem" LDAPTLS_REQCERT=demand run "$BIN/dxa" -full
	assert_success
	assert_equal "$(persons_in "$(last_import)")" 12
	assert_equal "$(contacts | wc -l)" 14
}

@test "1000 people from the OpenLDAP test corpus" {
	src="$CORPUS/ldap/openldap-its9282-exampledb-1000-people.ldif"
	[ -f "$src" ] || skip "corpus $src not present"
	python3 "$FIXTURES/dxa/rebase-ldif.py" "$src" "ou=People,$SLAPD_BASE" > "$T/corpus.ldif"
	slapd_add "$T/corpus.ldif"
	run "$BIN/dxa" -full -to-notes
	assert_success
	n=$(grep -c '^mail:' "$T/corpus.ldif")
	assert_equal "$(persons_in "$(last_import)")" "$n"
	run "$BIN/dxa" -update -to-notes
	assert_success
	assert_equal "$(imports | wc -l)" 1
}

@test "AD flavor with the shipped tables: objectGUID keys, proxyAddresses, importedFrom stamp, targetAddress" {
	slapd_stop
	FLAVOR=ad
	slapd_start ad
	lme_conf_set dxa ldap_uri "$SLAPD_URI"
	lme_conf_set dxa flavor ad
	cp "$LME_ROOT"/maps/*.tbl "$T/maps/"
	cat > "$T/ad.ldif" <<LDIF
dn: cn=Alice Archer,ou=People,$SLAPD_BASE
objectClass: user
objectClass: adTestMailUser
cn: Alice Archer
instanceType: 4
nTSecurityDescriptor:: AQAEgA==
objectCategory: CN=Person,CN=Schema,CN=Configuration,$SLAPD_BASE
sn: Archer
givenName: Alice
displayName: Alice Archer
mailNickname: alice
objectGUID:: $(printf '\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10' | base64)
uSNChanged: 4711
proxyAddresses: SMTP:alice@example.com
proxyAddresses: smtp:aa@example.com
proxyAddresses: NOTES:Alice Archer/Exchange@Exchange

dn: cn=Bob Baker,ou=People,$SLAPD_BASE
objectClass: user
objectClass: adTestMailUser
cn: Bob Baker
instanceType: 4
nTSecurityDescriptor:: AQAEgA==
objectCategory: CN=Person,CN=Schema,CN=Configuration,$SLAPD_BASE
sn: Baker
displayName: Bob Baker
mail: bob@example.com
objectGUID:: $(printf '\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20' | base64)
uSNChanged: 4712
LDIF
	slapd_add "$T/ad.ldif"
	run "$BIN/dxa" -full
	assert_success
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 2
	grep -q "<item name=\"InternetAddress\"><text>alice@example.com</text>" "$f"
	grep -q "<item name=\"FullName\"><text>Alice Archer/Exchange</text>" "$f"
	grep -q "<item name=\"FullName\"><text>Bob Baker/Exchange</text>" "$f"
	grep -q "^hwm	to-notes	.*	4712$" "$T/spool/dxa.state"
	grep -q "^own	to-notes	0102030405060708090a0b0c0d0e0f10	" "$T/spool/dxa.state"
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=john.smith@notes.example.com)'
	assert_output --partial "importedFrom: $GUID"
	assert_output --partial "targetAddress: NOTES:John Smith/Sales/Acme@Acme"
	assert_output --partial "objectClass: contact"
	assert_output --partial "displayName: John Smith"
	assert_output --partial "mailNickname: jsmith"
	assert_output --partial "mail: john.smith@notes.example.com"
	grep -q '<item name="ShortName"><text>alice</text>' "$f"
	assert_equal "$(contacts | wc -l)" 14
}

@test "an update after a full run changes nothing; a newly mapped attribute updates existing entries" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	# attributes without a rule back (objectClass, cn, the stamp) are not compared as null
	run "$BIN/dxa" -n -update
	assert_success
	assert_output --partial "to-notes: would add 0, change 0, delete 0"
	assert_output --partial "to-ldap: would add 0, change 0, delete 0"
	echo 'MAILFILE     64   MailFile       NULL' >> "$T/maps/amap.notes.tbl"
	echo 'DESC         64   description' >> "$T/maps/amap.ldap.tbl"
	echo 'Desc = MailFile' >> "$T/maps/mapnotes.tbl"
	run "$BIN/dxa" -update -to-ldap
	assert_success
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=john.smith@notes.example.com)' description
	assert_output --partial 'description: mail\jsmith.nsf'
	assert_equal "$(slapd_search -b "ou=Contacts,$SLAPD_BASE" '(description=*)' dn | grep -c '^dn:')" 13
}

@test "ldif: round trip of every kind of value, folding, bounded and strict reading" {
	run "$LME_ROOT/test/unit/ldif_test"
	assert_success
	assert_output --partial "0 failed"
}

@test "chained key uniqueness: entries whose keys collide are rejected, never merged" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	cat > "$T/same.ldif" <<LDIF
dn: uid=sam1,ou=People,$SLAPD_BASE
objectClass: inetOrgPerson
uid: sam1
cn: Sam Same
sn: Same
displayName: Sam Same
mail: sam1@example.com

dn: uid=sam2,ou=People,$SLAPD_BASE
objectClass: inetOrgPerson
uid: sam2
cn: Sam Same
sn: Same
displayName: SAM SAME
mail: sam2@example.com
LDIF
	slapd_add "$T/same.ldif"
	run "$BIN/dxa" -f -full -to-notes
	assert_success
	assert_output --partial "rejected: its key attributes are not unique"
	assert_equal "$(persons_in "$(last_import)")" 12
	! grep -q '^sam' "$T/maps/addresses"
	ldapdelete -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "uid=sam2,ou=People,$SLAPD_BASE"
	run "$BIN/dxa" -update -to-notes
	assert_success
	grep -q '<item name="FullName"><text>Sam Same/Exchange</text>' "$(last_import)"
	grep -q '^sam1@example.com	Sam Same/Exchange@Exchange' "$T/maps/addresses"
	# a new entry colliding with an unchanged owned one: the update sees it too
	sed 's/sam2/sam3/g' "$T/same.ldif" | sed -n '/uid=sam3/,$p' > "$T/sam3.ldif"
	slapd_add "$T/sam3.ldif"
	n=$(imports | wc -l)
	run "$BIN/dxa" -f -update -to-notes
	assert_success
	assert_output --partial "rejected: its key attributes are not unique"
	assert_equal "$(imports | wc -l)" "$n"
	grep -q '^sam1@example.com	Sam Same/Exchange@Exchange' "$T/maps/addresses"
	! grep -q '^sam3' "$T/maps/addresses"
}

# domino_imports FILE - copy the documents of an import file into the
# Domino directory export, as Domino's importer and the next export would
domino_imports() {
	python3 - "$1" "$T/names.dxl" <<'PY'
import re, sys
docs = re.findall(r"<document [^>]*form=\"(?:Person|Group)\".*?</document>", open(sys.argv[1], encoding='utf-8').read(), flags=re.S)
p = sys.argv[2]; s = open(p, encoding='utf-8').read()
s = s.replace("</database>", "\n".join(docs) + "\n</database>")
open(p, 'w', encoding='utf-8').write(s)
PY
}

@test "a lost state file: ownership comes back from the stamps; orphans deleted, hand-made entries kept" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	"$BIN/dxa" -full
	domino_imports "$(last_import)"
	bob=$(python3 -c 'import re,sys; s=open(sys.argv[1]).read(); print(re.search(r"<noteinfo unid=\"([0-9A-F]+)\"/>(?:(?!</document>).)*bob@example.com", s, re.S).group(1))' "$(last_import)")
	[ -n "$bob" ]
	cat > "$T/hand.ldif" <<LDIF
dn: cn=Hand Made,ou=Contacts,$SLAPD_BASE
objectClass: inetOrgPerson
cn: Hand Made
sn: Made
mail: hand@example.org
LDIF
	slapd_add "$T/hand.ldif"
	# the state is lost; Anna Berg leaves Notes, bob leaves LDAP
	rm "$T/spool/dxa.state"
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
s = re.sub(r"<document form='Person'>\n<noteinfo[^\n]*\n(?:(?!</document>).)*Anna Berg(?:(?!</document>).)*</document>\n", "", s, flags=re.S)
open(p, 'w', encoding='utf-8').write(s)
PY
	ldapdelete -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "uid=bob,ou=People,$SLAPD_BASE"
	run "$BIN/dxa" -n -full
	assert_success
	assert_output --partial "to-notes: delete $bob Bob Baker/Exchange (stamped, not in the state)"
	assert_output --partial "to-notes: would add 11, change 0, delete 1"
	assert_output --partial "to-ldap: would add 0, change 0, delete 1"
	run "$BIN/dxa" -full
	assert_success
	# the stamped Person documents in names.nsf never become contacts
	assert_equal "$(contacts | wc -l)" 14
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=anna.berg@notes.example.com)' dn
	assert_output ""
	run slapd_search -b "cn=Hand Made,ou=Contacts,$SLAPD_BASE" -s base mail
	assert_output --partial "mail: hand@example.org"
	f=$(last_import)
	assert_equal "$(count_in 'form="LMEDelete"' "$f")" 1
	grep -q "<item name=\"TargetUNID\"><text>$bob</text>" "$f"
	# the state is whole again: an update changes nothing
	run "$BIN/dxa" -n -update
	assert_output --partial "to-notes: would add 0, change 0, delete 0"
	assert_output --partial "to-ldap: would add 0, change 0, delete 0"
	# the deletion guard counts the stamped entries as owned
	rm "$T/spool/dxa.state"
	for u in alice carol; do
		ldapdelete -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "uid=$u,ou=People,$SLAPD_BASE"
	done
	run "$BIN/dxa" -full -to-notes
	assert_equal "$status" 65
	assert_output --partial "refusing to delete 3 of 12"
}

@test "-update: an entry that stops passing the filters or leaves export_base is deleted on the other side" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	echo 'FILTER Title NE "Contractor"' >> "$T/maps/mapmex.tbl"
	echo 'FILTER Title NE "Retired"' >> "$T/maps/mapnotes.tbl"
	lme_conf_set dxa export_filter "(!(employeeType=external))"
	lme_conf_set dxa max_delete_percent 50
	"$BIN/dxa" -full
	grep -q "^carol@example.com" "$T/maps/addresses"
	cat > "$T/mod.ldif" <<LDIF
dn: uid=carol,ou=People,$SLAPD_BASE
changetype: modify
replace: title
title: Contractor

dn: uid=dave,ou=People,$SLAPD_BASE
changetype: modify
add: employeeType
employeeType: external

dn: ou=Elsewhere,$SLAPD_BASE
changetype: add
objectClass: organizationalUnit
ou: Elsewhere

dn: uid=erin,ou=People,$SLAPD_BASE
changetype: modrdn
newrdn: uid=erin
deleteoldrdn: 1
newsuperior: ou=Elsewhere,$SLAPD_BASE
LDIF
	slapd_modify "$T/mod.ldif"
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
def retire(m):
    d = m.group(0).replace("<text>Staff</text>", "<text>Retired</text>")
    return re.sub(r"<modified><datetime>[^<]*</datetime>", "<modified><datetime>20250301T080000,00+00</datetime>", d)
s = re.sub(r"<document form='Person'>(?:(?!</document>).)*Mary Jones(?:(?!</document>).)*</document>", retire, s, flags=re.S)
open(p, 'w', encoding='utf-8').write(s)
PY
	run "$BIN/dxa" -update
	assert_success
	f=$(last_import)
	assert_equal "$(count_in 'form="LMEDelete"' "$f")" 3
	assert_equal "$(persons_in "$f")" 0
	for u in carol dave erin; do
		! grep -q "^$u@example.com" "$T/maps/addresses"
	done
	grep -q "^alice@example.com" "$T/maps/addresses"
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=mjones@notes.example.com)' dn
	assert_output ""
	assert_equal "$(contacts | wc -l)" 13
	run "$BIN/dxa" -n -update
	assert_output --partial "to-notes: would add 0, change 0, delete 0"
	assert_output --partial "to-ldap: would add 0, change 0, delete 0"
}

@test "a renamed Notes person: its contact is renamed (modrdn), keeps its entryUUID, and is updated" {
	sed -i 's/^DN = UNID$/DN = X500( FullName, "CN" )/' "$T/maps/mapnotes.tbl"
	"$BIN/dxa" -full -to-ldap
	uuid=$(slapd_search -b "cn=John Smith,ou=Contacts,$SLAPD_BASE" -s base entryUUID | sed -n 's/^entryUUID: //p')
	[ -n "$uuid" ]
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
def rename(m):
    d = m.group(0).replace("John Smith", "John Smythe").replace("<text>Smith</text>", "<text>Smythe</text>")
    return re.sub(r"<modified><datetime>[^<]*</datetime>", "<modified><datetime>20250301T080000,00+00</datetime>", d)
s = re.sub(r"<document form='Person'>(?:(?!</document>).)*CN=John Smith(?:(?!</document>).)*</document>", rename, s, flags=re.S)
open(p, 'w', encoding='utf-8').write(s)
PY
	run "$BIN/dxa" -n -update -to-ldap
	assert_success
	assert_output --partial "to-ldap: change cn=John Smythe,ou=Contacts,$SLAPD_BASE <john.smith@notes.example.com>"
	assert_output --partial "(renamed from cn=John Smith,ou=Contacts,$SLAPD_BASE)"
	assert_output --partial "would add 0, change 1, delete 0"
	run "$BIN/dxa" -update -to-ldap
	assert_success
	run slapd_search -b "cn=John Smythe,ou=Contacts,$SLAPD_BASE" -s base entryUUID cn sn displayName lmeNotesAddress
	assert_output --partial "entryUUID: $uuid"
	assert_output --partial "cn: John Smythe"
	refute_output --partial "cn: John Smith"
	assert_output --partial "sn: Smythe"
	assert_output --partial "displayName: John Smythe"
	assert_output --partial "lmeNotesAddress: NOTES:John Smythe/Sales/Acme@Acme"
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(cn=John Smith)' dn
	assert_output ""
	assert_equal "$(contacts | wc -l)" 14
	grep -q "^john.smith@notes.example.com	John Smythe/Sales/Acme@Acme	John Smythe$" "$T/maps/addresses"
	run "$BIN/dxa" -n -update -to-ldap
	assert_output --partial "to-ldap: would add 0, change 0, delete 0"
}

@test "export_groups: an LDAP group's members become the Group document's Members (synchronized members only)" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	lme_conf_set dxa export_groups yes
	cat > "$T/group.ldif" <<LDIF
dn: cn=Staff,ou=People,$SLAPD_BASE
objectClass: groupOfNames
objectClass: extensibleObject
cn: Staff
mail: staff@example.com
member: uid=alice,ou=People,$SLAPD_BASE
member: UID=Bob, ou=people,$SLAPD_BASE
member: uid=nomail,ou=People,$SLAPD_BASE
member: cn=Nobody,ou=Elsewhere,$SLAPD_BASE
member: cn=0A1B2C3D4E5F60718293A4B5C6D7E001,ou=Contacts,$SLAPD_BASE

dn: cn=Leads,ou=People,$SLAPD_BASE
objectClass: groupOfUniqueNames
objectClass: extensibleObject
cn: Leads
mail: leads@example.com
uniqueMember: uid=dave,ou=People,$SLAPD_BASE#'0101'B
LDIF
	# John Smith's contact (made by the to-ldap half) is a member too
	"$BIN/dxa" -full -to-ldap
	slapd_add "$T/group.ldif"
	run "$BIN/dxa" -f -v -full -to-notes
	assert_success
	assert_output --partial "group Staff/Exchange@Exchange: member uid=nomail,ou=People,$SLAPD_BASE is not synchronized: left out"
	assert_output --partial "member cn=Nobody,ou=Elsewhere,$SLAPD_BASE is not synchronized: left out"
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 12
	grep -q '<item name="ListName"><text>Staff/Exchange</text></item>' "$f"
	grep -q '<item name="Members"><textlist><text>Alice Archer/Exchange@Exchange</text><text>Bob Baker/Exchange@Exchange</text><text>John Smith/Sales/Acme@Acme</text></textlist></item>' "$f"
	# uniqueMember, its optional UID dropped
	grep -q '<item name="ListName"><text>Leads/Exchange</text></item><item name="MailDomain"><text>Exchange</text></item><item name="Members"><text>Dave Dawson/Exchange@Exchange</text></item>' "$f"
	# a member added to the group: the update resolves it (carol did not change: her key
	# comes from the listing of all entries, her Notes address from the state)
	cat > "$T/mod.ldif" <<LDIF
dn: cn=Staff,ou=People,$SLAPD_BASE
changetype: modify
add: member
member: uid=carol,ou=People,$SLAPD_BASE
LDIF
	slapd_modify "$T/mod.ldif"
	run "$BIN/dxa" -update -to-notes
	assert_success
	f=$(last_import)
	assert_equal "$(grep -c '<document ' "$f")" 1
	grep -q '<item name="Members"><textlist><text>Alice Archer/Exchange@Exchange</text><text>Bob Baker/Exchange@Exchange</text><text>Carol Cooper/Exchange@Exchange</text><text>John Smith/Sales/Acme@Acme</text></textlist></item>' "$f"
	run "$BIN/dxa" -n -update -to-notes
	assert_output --partial "to-notes: would add 0, change 0, delete 0"
}

# ad_user CN USN GUIDBYTE [EXTRA] - an AD user entry as LDIF
ad_user() {
	cat <<LDIF
dn: cn=$1,ou=People,$SLAPD_BASE
objectClass: user
objectClass: adTestMailUser
cn: $1
instanceType: 4
nTSecurityDescriptor:: AQAEgA==
objectCategory: CN=Person,CN=Schema,CN=Configuration,$SLAPD_BASE
sn: ${1#* }
displayName: $1
mail: $(echo "${1%% *}" | tr A-Z a-z)@example.com
objectGUID:: $(printf "\\x$3%.0s" $(seq 16) | base64)
uSNChanged: $2

LDIF
}

@test "AD flavor -update: only entries above the uSNChanged mark, recorded per server" {
	slapd_stop
	FLAVOR=ad
	# Debian's msuser.schema gives uSNChanged no matching rules, so slapd
	# cannot evaluate uSNChanged>=N; a copy with AD's integer ordering
	# (for this test only)
	slapd_write_conf ad
	sed "s/NAME 'uSNChanged'/NAME 'uSNChanged' EQUALITY integerMatch ORDERING integerOrderingMatch/" \
		/etc/ldap/schema/msuser.schema > "$T/msuser-ordered.schema"
	grep -q "NAME 'uSNChanged' EQUALITY integerMatch ORDERING integerOrderingMatch" "$T/msuser-ordered.schema"
	sed -i "s|^include /etc/ldap/schema/msuser.schema$|include $T/msuser-ordered.schema|" "$T/slapd/slapd.conf"
	grep -q "^include $T/msuser-ordered.schema" "$T/slapd/slapd.conf"
	slapd_launch && slapd_add_base
	lme_conf_set dxa ldap_uri "$SLAPD_URI"
	lme_conf_set dxa flavor ad
	cp "$LME_ROOT"/maps/*.tbl "$T/maps/"
	{ ad_user "Alice Archer" 4711 01; ad_user "Bob Baker" 4712 02; } > "$T/ad.ldif"
	slapd_add "$T/ad.ldif"
	"$BIN/dxa" -full -to-notes
	assert_equal "$(persons_in "$(last_import)")" 2
	grep -q "^hwm	to-notes	$SLAPD_URI tables=[0-9a-f]*	4712$" "$T/spool/dxa.state"
	# Carol is new (4713); Bob changes with a new USN (4714); Alice
	# changes without one (a USN below the mark: not read again)
	ad_user "Carol Cooper" 4713 03 > "$T/carol.ldif"
	slapd_add "$T/carol.ldif"
	cat > "$T/mod.ldif" <<LDIF
dn: cn=Bob Baker,ou=People,$SLAPD_BASE
changetype: modify
replace: title
title: Manager
-
replace: uSNChanged
uSNChanged: 4714

dn: cn=Alice Archer,ou=People,$SLAPD_BASE
changetype: modify
replace: title
title: Director
LDIF
	slapd_modify "$T/mod.ldif"
	run "$BIN/dxa" -update -to-notes
	assert_success
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 2
	grep -q '<item name="FullName"><text>Bob Baker/Exchange</text>' "$f"
	grep -q '<item name="FullName"><text>Carol Cooper/Exchange</text>' "$f"
	! grep -q 'Alice Archer' "$f"
	grep -q "^hwm	to-notes	$SLAPD_URI tables=[0-9a-f]*	4714$" "$T/spool/dxa.state"
	n=$(imports | wc -l)
	run "$BIN/dxa" -update -to-notes
	assert_success
	assert_equal "$(imports | wc -l)" "$n"
	# another server: its USNs mean nothing here, so everything is read
	# (and Alice's change below the mark is found)
	lme_conf_set dxa ldap_uri "$SLAPD_LDAPI"
	run "$BIN/dxa" -f -update -to-notes
	assert_success
	assert_output --partial "the server or the tables changed"
	assert_equal "$(persons_in "$(last_import)")" 1
	grep -q '<item name="JobTitle"><text>Director</text>' "$(last_import)"
	grep -q "^hwm	to-notes	$SLAPD_LDAPI tables=[0-9a-f]*	4714$" "$T/spool/dxa.state"
}

@test "chained key uniqueness over the streamed records: a second key resolves a collision, a full collision is rejected" {
	slapd_add "$FIXTURES/dxa/people.ldif"
	# the second key (MailDomain) comes from the title when there is one
	sed -i 's/^MailDomain = .*/MailDomain = ISEQUAL( Title, "", Trim( Strip( NotesAddr, "@", "L" ), "B" ), Title )/' "$T/maps/mapmex.tbl"
	for i in 1 2 3; do
		title=""
		[ "$i" = 2 ] && title="title: Sales"
		cat <<LDIF
dn: uid=sam$i,ou=People,$SLAPD_BASE
objectClass: inetOrgPerson
uid: sam$i
cn: Sam Same
sn: Same
displayName: Sam Same
mail: sam$i@example.com
$title

LDIF
	done > "$T/same.ldif"
	slapd_add "$T/same.ldif"
	run "$BIN/dxa" -f -full -to-notes
	assert_success
	# sam1 and sam3 collide at both keys: rejected, reported, left out
	assert_output --partial "rejected: its key attributes are not unique"
	assert_equal "$(grep -c 'rejected: its key' <<< "$output")" 2
	f=$(last_import)
	assert_equal "$(persons_in "$f")" 13
	grep -q '<text>sam2@example.com</text>' "$f"
	! grep -q 'sam1@example.com\|sam3@example.com' "$f"
	grep -q '^sam2@example.com	' "$T/maps/addresses"
	! grep -q '^sam[13]@' "$T/maps/addresses"
	# the same holds in an update (sam2 is owned, the others are read again)
	run "$BIN/dxa" -f -n -update -to-notes
	assert_success
	assert_equal "$(grep -c 'rejected: its key' <<< "$output")" 2
	# once sam3 is gone, sam1 is unique at the first key it differs by
	ldapdelete -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "uid=sam3,ou=People,$SLAPD_BASE"
	run "$BIN/dxa" -f -update -to-notes
	assert_success
	refute_output --partial "rejected"
	grep -q '<text>sam1@example.com</text>' "$(last_import)"
	grep -q '^sam1@example.com	' "$T/maps/addresses"
}

@test "unique target addresses (to LDAP): two Notes persons with one Notes address are both rejected, the others applied" {
	# a second John Smith/Sales/Acme with its own UNID and address
	python3 - "$T/names.dxl" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
m = re.search(r"<document form='Person'>\n<noteinfo[^\n]*\n(?:(?!</document>).)*John Smith(?:(?!</document>).)*</document>\n", s, flags=re.S)
dup = m.group(0).replace("E001'", "E0FF'").replace("john.smith@", "john.smith2@").replace("jsmith<", "jsmith2<")
s = s.replace("</database>", dup + "</database>")
open(p, 'w', encoding='utf-8').write(s)
PY
	grep -q "john.smith2@" "$T/names.dxl"
	run "$BIN/dxa" -f -full -to-ldap
	assert_success
	assert_equal "$(grep -c 'rejected: target address is not unique' <<< "$output")" 2
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(|(mail=john.smith@notes.example.com)(mail=john.smith2@notes.example.com))' dn
	refute_output --partial "dn:"
	run slapd_search -b "ou=Contacts,$SLAPD_BASE" '(mail=anna.berg@notes.example.com)' dn
	assert_output --partial "dn:"
	! sed -n '/^# BEGIN dxa/,/^# END dxa/p' "$T/maps/addresses" | grep -q '^john.smith'
}
