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

#include "smtpc.h"

#define SMTPC_BUF	8192

struct smtpc {
	int     fd;
	int     timeout;		/* seconds for each read and write */
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
	s->fd = fd;
	s->timeout = timeout;
	s->peer = g_strdup_printf("%s[%s]:%s", host, addr, port);
	return s;
}

const char *smtpc_peer(const struct smtpc *s)
{
	return s->peer;
}

/* smtpc_getc - the next byte, or -1 with why */
static int smtpc_getc(struct smtpc *s, GString *why)
{
	ssize_t n;

	if (s->pos == s->len) {
		if (!smtpc_wait(s->fd, POLLIN, s->timeout)) {
			g_string_printf(why, "timeout reading from %s", s->peer);
			return -1;
		}
		do
			n = read(s->fd, s->buf, sizeof(s->buf));
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			g_string_printf(why, "lost connection with %s%s%s", s->peer,
					n < 0 ? ": " : "", n < 0 ? g_strerror(errno) : "");
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
	ssize_t n;

	while (len > 0) {
		if (!smtpc_wait(s->fd, POLLOUT, s->timeout)) {
			g_string_printf(why, "timeout writing to %s", s->peer);
			return 0;
		}
		if ((n = write(s->fd, buf, len)) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			g_string_printf(why, "lost connection with %s: %s", s->peer, g_strerror(errno));
			return 0;
		}
		buf += n;
		len -= (size_t)n;
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
	close(s->fd);
	g_free(s->peer);
	g_free(s);
}
