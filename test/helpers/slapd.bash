# slapd.bash - a private slapd for a test, on 127.0.0.1 and a free port.
#
# slapd_start [ad]  (= slapd_write_conf, slapd_launch, slapd_add_base) writes $T/slapd/slapd.conf (mdb database in $T/slapd/db,
#                   suffix dc=example,dc=com, rootdn cn=admin,dc=example,dc=com
#                   with password "secret"), schemas core cosine inetorgperson
#                   nis and maps/lme.schema; with "ad" also Debian's
#                   msuser.schema and test/fixtures/dxa/adtest.schema.  It
#                   starts slapd -f CONF -h "ldap://127.0.0.1:PORT/ ldapi://..."
#                   and waits until it answers.  With SLAPD_TLS set, a
#                   self-signed certificate for 127.0.0.1 in $T/slapd/tls
#                   (cert.pem) for StartTLS.  Sets SLAPD_URI, SLAPD_LDAPI,
#                   SLAPD_PORT, SLAPD_DN, SLAPD_PW, SLAPD_BASE.
# slapd_stop        kills it (call it in teardown, always).
#                   cn=reader,dc=example,dc=com (when added) may read at
#                   most 5 entries a search, paged or not.
# slapd_add FILE    ldapadd as the rootdn;  slapd_modify FILE  ldapmodify.
# slapd_search ...  ldapsearch as the rootdn (LLL).

SLAPD_DN="cn=admin,dc=example,dc=com"
SLAPD_PW="secret"
SLAPD_BASE="dc=example,dc=com"

# shellcheck source=net.bash
. "$(dirname "${BASH_SOURCE[0]}")/net.bash"

slapd_start() {
	slapd_write_conf "${1:-openldap}"
	slapd_launch && slapd_add_base
}

# slapd_write_conf [ad] - $T/slapd/slapd.conf and an empty database
slapd_write_conf() {
	local flavor="${1:-openldap}" dir="$T/slapd" extra=""
	command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || skip "slapd not installed"
	rm -rf "$dir"
	mkdir -p "$dir/db"
	SLAPD_SOCKDIR=$(mktemp -d /tmp/lme-slapd.XXXXXX)
	if [ -n "${SLAPD_TLS:-}" ]; then
		mkdir -p "$dir/tls"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 \
			-keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null
		extra="TLSCertificateFile $dir/tls/cert.pem
TLSCertificateKeyFile $dir/tls/key.pem"
	fi
	if [ "$flavor" = ad ]; then
		extra="$extra
include /etc/ldap/schema/msuser.schema
include $LME_ROOT/test/fixtures/dxa/adtest.schema"
	fi
	cat > "$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include $LME_ROOT/maps/lme.schema
$extra
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
sizelimit 500
database mdb
maxsize 4294967296
suffix "$SLAPD_BASE"
rootdn "$SLAPD_DN"
rootpw $SLAPD_PW
directory $dir/db
limits dn.exact="cn=reader,$SLAPD_BASE" size.soft=5 size.hard=5 size.prtotal=5
index objectClass eq
index entryUUID eq
access to * by dn.exact="gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth" manage by * read
CONF
	SLAPD_LDAPI="ldapi://$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SLAPD_SOCKDIR/ldapi")"
}

# slapd_launch - start slapd on the configuration written, wait for it
slapd_launch() {
	local dir="$T/slapd" try
	for try in 1 2 3; do
		SLAPD_PORT=$(free_port)
		SLAPD_URI="ldap://127.0.0.1:$SLAPD_PORT/"
		/usr/sbin/slapd -f "$dir/slapd.conf" -h "$SLAPD_URI $SLAPD_LDAPI" 2>"$dir/slapd.log" || continue
		for _ in $(seq 1 200); do
			if ldapsearch -x -H "$SLAPD_URI" -b "" -s base >/dev/null 2>&1; then
				return 0
			fi
			sleep 0.05
		done
		slapd_stop
	done
	cat "$dir/slapd.log" >&2
	return 1
}

slapd_stop() {
	local pid
	if [ -f "$T/slapd/slapd.pid" ]; then
		pid=$(cat "$T/slapd/slapd.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$T/slapd/slapd.pid"
	fi
	[ -n "${SLAPD_SOCKDIR:-}" ] && rm -rf "$SLAPD_SOCKDIR"
	return 0
}

slapd_add() {
	ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" -f "$1" >/dev/null
}

slapd_modify() {
	ldapmodify -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" -f "$1" >/dev/null
}

slapd_search() {
	ldapsearch -LLL -o ldif-wrap=no -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" "$@"
}

# slapd_add_base - the suffix, ou=People and ou=Contacts
slapd_add_base() {
	ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_DN" -w "$SLAPD_PW" >/dev/null <<LDIF
$(slapd_base_ldif)
LDIF
}

# slapd_base_ldif - the entries of slapd_add_base, as LDIF
slapd_base_ldif() {
	cat <<LDIF
dn: $SLAPD_BASE
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=People,$SLAPD_BASE
objectClass: organizationalUnit
ou: People

dn: ou=Contacts,$SLAPD_BASE
objectClass: organizationalUnit
ou: Contacts
LDIF
}
