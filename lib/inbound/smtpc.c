/*++
 * NAME
 *	smtpc 3
 * SUMMARY
 *	a small SMTP client: connect, commands, replies, DATA
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>

#include "inbound/smtpc.h"

#define SMTPC_BUF	8192

struct smtpc {
	GSocket *sock;			/* owns the descriptor */
	GIOStream *plain;		/* the TCP connection */
	GIOStream *io;			/* plain, or TLS over it */
	int     timeout;		/* seconds for each read and write */
	int     tls;			/* STARTTLS done */
	char   *host;
	char   *peer;
	char    buf[SMTPC_BUF];		/* read buffer */
	size_t  pos, len;
};

/* smtpc_wait - poll fd for events within timeout seconds; 0 on timeout */
static int smtpc_wait(int fd, short events, int timeout)
{
	struct pollfd p = {.fd = fd, .events = events};
	int     n;

	do
		n = poll(&p, 1, timeout * 1000);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0;
}

struct smtpc *smtpc_connect(const char *host, const char *port, int connect_timeout,
			    int timeout, GString *why)
{
	struct addrinfo hints = {0}, *res = NULL, *ai;
	char    addr[NI_MAXHOST];
	struct smtpc *s;
	int     fd = -1, err, rc;
	socklen_t elen = sizeof(err);

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		g_string_printf(why, "%s: %s", host, gai_strerror(rc));
		return NULL;
	}
	g_string_printf(why, "%s: no address", host);
	for (ai = res; ai; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				 ai->ai_protocol)) < 0)
			continue;
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0,
				NI_NUMERICHOST) != 0)
			g_strlcpy(addr, "unknown", sizeof(addr));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0
		    || (errno == EINPROGRESS && smtpc_wait(fd, POLLOUT, connect_timeout)
			&& getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0
			&& (errno = err) == 0))
			break;
		g_string_printf(why, "connect to %s[%s]:%s: %s", host, addr, port, g_strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return NULL;
	s = g_new0(struct smtpc, 1);
	if ((s->sock = g_socket_new_from_fd(fd, NULL)) == NULL) {
		g_string_printf(why, "%s[%s]:%s: cannot make a GSocket", host, addr, port);
		close(fd);
		g_free(s);
		return NULL;
	}
	g_socket_set_blocking(s->sock, TRUE);
	g_socket_set_timeout(s->sock, (guint)timeout);
	s->plain = G_IO_STREAM(g_socket_connection_factory_create_connection(s->sock));
	s->io = g_object_ref(s->plain);
	s->timeout = timeout;
	s->host = g_strdup(host);
	s->peer = g_strdup_printf("%s[%s]:%s", host, addr, port);
	return s;
}

int smtpc_tls_available(void)
{
	return g_tls_backend_supports_tls(g_tls_backend_get_default());
}

/* smtpc_accept_any - accept the server's certificate, whatever it is */
static gboolean smtpc_accept_any(GTlsConnection *conn, GTlsCertificate *cert,
				 GTlsCertificateFlags errors, gpointer data)
{
	return TRUE;
}

int smtpc_starttls(struct smtpc *s, GString *why)
{
	GError *err = NULL;
	GSocketConnectable *id = g_network_address_new(s->host, 25);
	GIOStream *tls;

	if (s->pos != s->len) {
		/* data after the 220 came before TLS: a man in the middle */
		g_string_printf(why, "%s sent data ahead of the TLS handshake", s->peer);
		g_object_unref(id);
		return 0;
	}
	tls = g_tls_client_connection_new(s->plain, id, &err);
	g_object_unref(id);
	if (!tls) {
		g_string_printf(why, "TLS with %s: %s", s->peer, err->message);
		g_error_free(err);
		return 0;
	}
	g_signal_connect(tls, "accept-certificate", G_CALLBACK(smtpc_accept_any), NULL);
	if (!g_tls_connection_handshake(G_TLS_CONNECTION(tls), NULL, &err)) {
		g_string_printf(why, "TLS handshake with %s: %s", s->peer, err->message);
		g_error_free(err);
		g_object_unref(tls);
		return 0;
	}
	g_object_unref(s->io);
	s->io = tls;
	s->tls = 1;
	return 1;
}

int smtpc_tls(const struct smtpc *s)
{
	return s->tls;
}

const char *smtpc_peer(const struct smtpc *s)
{
	return s->peer;
}

/* smtpc_getc - the next byte, or -1 with why */
static int smtpc_getc(struct smtpc *s, GString *why)
{
	GError *err = NULL;
	gssize  n;

	if (s->pos == s->len) {
		n = g_input_stream_read(g_io_stream_get_input_stream(s->io), s->buf, sizeof(s->buf),
					NULL, &err);
		if (n <= 0) {
			if (err && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
				g_string_printf(why, "timeout reading from %s", s->peer);
			else
				g_string_printf(why, "lost connection with %s%s%s", s->peer,
						err ? ": " : "", err ? err->message : "");
			g_clear_error(&err);
			return -1;
		}
		s->pos = 0;
		s->len = (size_t)n;
	}
	return (unsigned char)s->buf[s->pos++];
}

/* smtpc_line - one reply line without CR LF, cut at SMTPC_LINE_MAX */
static int smtpc_line(struct smtpc *s, GString *line, GString *why)
{
	int     c;

	g_string_truncate(line, 0);
	while ((c = smtpc_getc(s, why)) != '\n') {
		if (c < 0)
			return 0;
		if (line->len < SMTPC_LINE_MAX)
			g_string_append_c(line, (char)c);
	}
	if (line->len && line->str[line->len - 1] == '\r')
		g_string_truncate(line, line->len - 1);
	return 1;
}

int smtpc_reply(struct smtpc *s, GString *reply)
{
	GString *line = g_string_new(NULL);
	int     code = -1, n, first = -1;
	guint   i;

	g_string_truncate(reply, 0);
	for (n = 0; n < SMTPC_LINES_MAX; n++) {
		if (!smtpc_line(s, line, reply))
			goto out;
		if (line->len < 3 || !g_ascii_isdigit(line->str[0]) || !g_ascii_isdigit(line->str[1])
		    || !g_ascii_isdigit(line->str[2]) || (line->len > 3 && line->str[3] != ' '
							   && line->str[3] != '-')) {
			g_string_printf(reply, "bad reply from %s", s->peer);
			goto out;
		}
		code = (line->str[0] - '0') * 100 + (line->str[1] - '0') * 10 + (line->str[2] - '0');
		if (first < 0)
			first = code;
		for (i = 0; i < line->len; i++)	/* printable for logs */
			if ((unsigned char)line->str[i] < 0x20)
				line->str[i] = ' ';
		if (reply->len)
			g_string_append_c(reply, '\n');
		g_string_append(reply, line->str);
		if (line->len == 3 || line->str[3] == ' ')
			break;
	}
	if (n == SMTPC_LINES_MAX) {
		g_string_printf(reply, "reply from %s too long", s->peer);
		code = -1;
	} else if (code != first) {
		g_string_printf(reply, "bad reply from %s", s->peer);
		code = -1;
	}
	if (code < 200 && code >= 0) {
		g_string_printf(reply, "bad reply code %d from %s", code, s->peer);
		code = -1;
	}
out:
	if (code > 0 && reply->len == 0)
		code = -1;
	g_string_free(line, TRUE);
	return code;
}

/* smtpc_write - write all of buf; 0 and why on error */
static int smtpc_write(struct smtpc *s, const char *buf, size_t len, GString *why)
{
	GError *err = NULL;
	gsize   done;

	if (!g_output_stream_write_all(g_io_stream_get_output_stream(s->io), buf, len, &done,
				       NULL, &err)) {
		if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
			g_string_printf(why, "timeout writing to %s", s->peer);
		else
			g_string_printf(why, "lost connection with %s: %s", s->peer, err->message);
		g_error_free(err);
		return 0;
	}
	return 1;
}

int smtpc_command(struct smtpc *s, GString *reply, const char *fmt, ...)
{
	GString *cmd = g_string_new(NULL);
	va_list ap;
	int     ok;

	va_start(ap, fmt);
	g_string_vprintf(cmd, fmt, ap);
	va_end(ap);
	if (strpbrk(cmd->str, "\r\n")) {
		g_string_assign(reply, "command holds CR or LF: not sent");
		g_string_free(cmd, TRUE);
		return -1;
	}
	g_string_append(cmd, "\r\n");
	ok = smtpc_write(s, cmd->str, cmd->len, reply);
	g_string_free(cmd, TRUE);
	return ok ? smtpc_reply(s, reply) : -1;
}

int smtpc_data(struct smtpc *s, FILE *fp, GString *why)
{
	char    in[SMTPC_BUF];
	GString *out = g_string_sized_new(2 * SMTPC_BUF + 8);
	int     bol = 1, prev = 0, ok = 1;
	size_t  n, i;

	while (ok && (n = fread(in, 1, sizeof(in), fp)) > 0) {
		for (i = 0; i < n; i++) {
			char    c = in[i];

			if (bol && c == '.')
				g_string_append_c(out, '.');
			if (c == '\n' && prev != '\r')
				g_string_append_c(out, '\r');
			g_string_append_c(out, c);
			bol = c == '\n';
			prev = c;
		}
		if (out->len >= SMTPC_BUF) {
			ok = smtpc_write(s, out->str, out->len, why);
			g_string_truncate(out, 0);
		}
	}
	if (ok && ferror(fp)) {
		g_string_printf(why, "read queue file: %s", g_strerror(errno));
		ok = 0;
	}
	if (ok) {
		if (!bol)
			g_string_append(out, "\r\n");
		g_string_append(out, ".\r\n");
		ok = smtpc_write(s, out->str, out->len, why);
	}
	g_string_free(out, TRUE);
	return ok;
}

void smtpc_close(struct smtpc *s)
{
	if (!s)
		return;
	g_object_unref(s->io);
	g_object_unref(s->plain);
	g_socket_close(s->sock, NULL);
	g_object_unref(s->sock);
	g_free(s->host);
	g_free(s->peer);
	g_free(s);
}
