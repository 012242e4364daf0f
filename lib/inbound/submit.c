/*++
 * NAME
 *	submit 3
 * SUMMARY
 *	hand a message to the MTA: [mexin] relay = smtp:HOST:PORT or sendmail:PATH
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "global/address.h"
#include "inbound/smtpc.h"
#include "inbound/submit.h"

#define SUBMIT_ERR_MAX	512		/* bytes of sendmail's stderr kept */

static void submit_result_free(gpointer p)
{
	struct submit_result *r = p;

	g_free(r->status);
	g_free(r->reply);
	g_free(r);
}

/* submit_set - give result r a class, status and reply */
static void submit_set(struct submit_result *r, enum submit_class cls, const char *status,
		       const char *reply)
{
	char   *one = g_strdup(reply ? reply : "");

	g_strdelimit(one, "\r\n", ' ');
	g_free(r->status);
	g_free(r->reply);
	r->cls = cls;
	r->status = g_strdup(status);
	r->reply = one;
}

/* submit_from_reply - class and RFC 3463 code in an SMTP reply, else X.0.0 */
static void submit_from_reply(struct submit_result *r, int code, const char *reply)
{
	enum submit_class cls = code / 100 == 2 ? SUBMIT_SENT : code / 100 == 5 ? SUBMIT_FAILED
		: SUBMIT_TEMP;
	char    status[16];
	const char *p = strlen(reply) > 4 ? reply + 4 : "";
	size_t  n = strspn(p, "0123456789.");

	if (n >= 5 && n < sizeof(status) && p[0] == '0' + (char)cls && p[1] == '.') {
		memcpy(status, p, n);
		status[n] = 0;
	} else {
		snprintf(status, sizeof(status), "%d.0.0", (int)cls);
	}
	submit_set(r, cls, status, reply);
}

/* submit_all - the same result for every recipient still pending (cls 0) */
static void submit_all(GPtrArray *res, enum submit_class cls, const char *status, const char *why,
		       int only_pending)
{
	guint   i;

	for (i = 0; i < res->len; i++) {
		struct submit_result *r = g_ptr_array_index(res, i);

		if (!only_pending || r->cls == 0)
			submit_set(r, cls, status, why);
	}
}

/* submit_is_xtext - s is RFC 3461 xtext: printable ASCII but "+" and
 * "=", and "+" followed by two upper-case hex digits */
static int submit_is_xtext(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '+') {
			if (!g_ascii_isxdigit(p[1]) || !g_ascii_isxdigit(p[2])
			    || g_ascii_islower(p[1]) || g_ascii_islower(p[2]))
				return 0;
			p += 2;
		} else if (*p < 33 || *p > 126 || *p == '=') {
			return 0;
		}
	}
	return 1;
}

char   *submit_xtext(const char *s)
{
	GString *x;
	const unsigned char *p;

	if (submit_is_xtext(s))
		return g_strdup(s);
	x = g_string_new(NULL);

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 33 || *p > 126 || *p == '+' || *p == '=')
			g_string_append_printf(x, "+%02X", *p);
		else
			g_string_append_c(x, (char)*p);
	}
	return g_string_free(x, FALSE);
}

/* submit_ehlo_has - the EHLO reply offers keyword; *arg: its argument */
static int submit_ehlo_has(const char *reply, const char *keyword, const char **arg)
{
	const char *line = reply;
	size_t  kl = strlen(keyword);

	for (line = strchr(reply, '\n'); line; line = strchr(line, '\n')) {
		line++;
		if (strlen(line) >= 4 + kl && g_ascii_strncasecmp(line + 4, keyword, kl) == 0
		    && (line[4 + kl] == 0 || line[4 + kl] == ' ' || line[4 + kl] == '\n')) {
			if (arg)
				*arg = line + 4 + kl;
			return 1;
		}
	}
	return 0;
}

/* submit_parse_relay - smtp:HOST:PORT into host and port */
static int submit_parse_relay(const char *spec, char **host, char **port)
{
	const char *p = spec, *colon;

	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (!end || end[1] != ':')
			return 0;
		*host = g_strndup(p + 1, (gsize)(end - p - 1));
		colon = end + 1;
	} else {
		if ((colon = strrchr(p, ':')) == NULL)
			return 0;
		*host = g_strndup(p, (gsize)(colon - p));
	}
	*port = g_strdup(colon + 1);
	if (!**host || !**port) {
		g_free(*host);
		g_free(*port);
		return 0;
	}
	return 1;
}

/* submit_smtp - the SMTP client conversation */
static void submit_smtp(const char *spec, const struct envelope *env, FILE *fp, off_t size,
			GPtrArray *res, GString *relay)
{
	GString *reply = g_string_new(NULL);
	GString *ehlo = g_string_new(NULL);
	GString *params = g_string_new(NULL);
	char   *host = NULL, *port = NULL;
	const char *arg;
	struct smtpc *s = NULL;
	int     code, dsn = 0, accepted = 0;
	guint   i;

	g_string_assign(relay, "none");
	if (!submit_parse_relay(spec, &host, &port)) {
		submit_all(res, SUBMIT_TEMP, "4.3.5", "bad relay setting", 0);
		goto out;
	}
	if ((s = smtpc_connect(host, port, SUBMIT_CONNECT_TIMEOUT, SUBMIT_TIMEOUT, reply)) == NULL) {
		submit_all(res, SUBMIT_TEMP, "4.4.1", reply->str, 0);
		goto out;
	}
	g_string_assign(relay, smtpc_peer(s));
	if ((code = smtpc_reply(s, reply)) != 220) {
		submit_all(res, SUBMIT_TEMP, "4.4.2", reply->str, 0);
		goto out;
	}
	if ((code = smtpc_command(s, ehlo, "EHLO %s", g_get_host_name())) != 250) {
		if (code < 0 || (code = smtpc_command(s, reply, "HELO %s", g_get_host_name())) != 250) {
			submit_all(res, code / 100 == 5 ? SUBMIT_FAILED : SUBMIT_TEMP,
				   code / 100 == 5 ? "5.5.0" : "4.4.2", code < 0 ? ehlo->str : reply->str, 0);
			goto out;
		}
		g_string_truncate(ehlo, 0);
	}
	if (submit_ehlo_has(ehlo->str, "STARTTLS", NULL) && smtpc_tls_available()) {
		if ((code = smtpc_command(s, reply, "STARTTLS")) < 0) {
			submit_all(res, SUBMIT_TEMP, "4.4.2", reply->str, 0);
			goto out;
		}
		if (code == 220) {
			if (!smtpc_starttls(s, reply)) {
				submit_all(res, SUBMIT_TEMP, "4.7.5", reply->str, 0);
				goto out;
			}
			if ((code = smtpc_command(s, ehlo, "EHLO %s", g_get_host_name())) != 250) {
				submit_all(res, code / 100 == 5 ? SUBMIT_FAILED : SUBMIT_TEMP,
					   code / 100 == 5 ? "5.5.0" : "4.4.2", ehlo->str, 0);
				goto quit_or_out;
			}
		}
	}
	if (submit_ehlo_has(ehlo->str, "SIZE", &arg)) {
		long    max = strtol(arg, NULL, 10);

		if (max > 0 && size > max) {
			submit_all(res, SUBMIT_FAILED, "5.3.4", "message too big for the relay", 0);
			goto quit;
		}
		g_string_append_printf(params, " SIZE=%lld", (long long)size);
	}
	if ((dsn = submit_ehlo_has(ehlo->str, "DSN", NULL)) != 0) {
		if (env->ret)
			g_string_append_printf(params, " RET=%s", env->ret);
		if (env->envid) {
			char   *x = submit_xtext(env->envid);

			g_string_append_printf(params, " ENVID=%s", x);
			g_free(x);
		}
	}
	if (env->sender[0] && !address_is_smtp(env->sender)) {
		submit_all(res, SUBMIT_FAILED, "5.1.7", "bad sender address", 0);
		goto quit;
	}
	if ((code = smtpc_command(s, reply, "MAIL FROM:<%s>%s", env->sender, params->str)) / 100 != 2) {
		submit_all(res, code / 100 == 5 ? SUBMIT_FAILED : SUBMIT_TEMP,
			   code / 100 == 5 ? "5.0.0" : "4.0.0", reply->str, 0);
		if (code < 0)
			goto out;
		goto quit;
	}
	for (i = 0; i < env->rcpts->len; i++) {
		const struct env_rcpt *rc = g_ptr_array_index(env->rcpts, i);
		struct submit_result *r = g_ptr_array_index(res, i);

		g_string_truncate(params, 0);
		if (dsn && rc->notify)
			g_string_append_printf(params, " NOTIFY=%s", rc->notify);
		if (dsn && rc->orcpt && strchr(rc->orcpt, ';')) {
			const char *semi = strchr(rc->orcpt, ';');
			char   *x = submit_xtext(semi + 1);

			g_string_append_printf(params, " ORCPT=%.*s;%s", (int)(semi - rc->orcpt),
					       rc->orcpt, x);
			g_free(x);
		}
		if (!rc->smtp || !address_is_smtp(rc->smtp)) {
			submit_set(r, SUBMIT_FAILED, "5.1.3", "bad recipient address");
			continue;
		}
		if ((code = smtpc_command(s, reply, "RCPT TO:<%s>%s", rc->smtp, params->str)) < 0) {
			submit_all(res, SUBMIT_TEMP, "4.4.2", reply->str, 1);
			goto out;
		}
		if (code / 100 == 2) {
			accepted++;	/* pending until the end of DATA */
			continue;
		}
		submit_from_reply(r, code, reply->str);
	}
	if (!accepted)
		goto quit;
	if ((code = smtpc_command(s, reply, "DATA")) != 354) {
		submit_all(res, code / 100 == 5 ? SUBMIT_FAILED : SUBMIT_TEMP,
			   code / 100 == 5 ? "5.0.0" : "4.0.0", reply->str, 1);
		if (code < 0)
			goto out;
		goto quit;
	}
	if (!smtpc_data(s, fp, reply) || (code = smtpc_reply(s, reply)) < 0) {
		submit_all(res, SUBMIT_TEMP, "4.4.2", reply->str, 1);
		goto out;
	}
	for (i = 0; i < res->len; i++) {
		struct submit_result *r = g_ptr_array_index(res, i);

		if (r->cls == 0)
			submit_from_reply(r, code, reply->str);
	}
quit_or_out:
	if (code < 0)
		goto out;
quit:
	smtpc_command(s, reply, "QUIT");
out:
	/* a recipient with no result yet: the conversation broke off */
	submit_all(res, SUBMIT_TEMP, "4.4.2", "conversation with the relay broke off", 1);
	smtpc_close(s);
	g_free(host);
	g_free(port);
	g_string_free(reply, TRUE);
	g_string_free(ehlo, TRUE);
	g_string_free(params, TRUE);
}

/* submit_temp_status - a sendmail exit status that means "try again" */
static int submit_temp_status(int status)
{
	return status == EX_TEMPFAIL || status == EX_OSERR || status == EX_IOERR
		|| status == EX_CANTCREAT;
}

/* submit_sendmail - run the sendmail command */
static void submit_sendmail(const char *path, const struct envelope *env, const char *qpath,
			    off_t offset, GPtrArray *res, GString *relay)
{
	GPtrArray *argv = g_ptr_array_new();
	char   *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
	char    err[SUBMIT_ERR_MAX + 1], msg[SUBMIT_ERR_MAX + 64];
	size_t  elen = 0;
	int     fd, pfd[2], status = 0, timed_out = 0;
	time_t  deadline = time(NULL) + SUBMIT_SENDMAIL_TIMEOUT;
	pid_t   pid;
	guint   i;

	g_string_assign(relay, "sendmail");
	g_ptr_array_add(argv, (char *)path);
	g_ptr_array_add(argv, "-i");
	g_ptr_array_add(argv, "-f");
	g_ptr_array_add(argv, env->sender[0] ? env->sender : "<>");
	g_ptr_array_add(argv, "--");
	for (i = 0; i < env->rcpts->len; i++) {
		const struct env_rcpt *rc = g_ptr_array_index(env->rcpts, i);

		g_ptr_array_add(argv, rc->smtp ? rc->smtp : "");
	}
	g_ptr_array_add(argv, NULL);
	if ((fd = open(qpath, O_RDONLY | O_CLOEXEC)) < 0 || lseek(fd, offset, SEEK_SET) < 0
	    || pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(msg, sizeof(msg), "cannot start %s: %s", path, g_strerror(errno));
		submit_all(res, SUBMIT_TEMP, "4.3.0", msg, 0);
		if (fd >= 0)
			close(fd);
		g_ptr_array_free(argv, TRUE);
		return;
	}
	if ((pid = fork()) == 0) {
		if (dup2(fd, 0) < 0 || dup2(pfd[1], 2) < 0 || dup2(pfd[1], 1) < 0)
			_exit(EX_OSERR);
		execve(path, (char **)argv->pdata, envp);
		_exit(EX_OSERR);
	}
	close(pfd[1]);
	close(fd);
	if (pid < 0) {
		snprintf(msg, sizeof(msg), "fork: %s", g_strerror(errno));
		submit_all(res, SUBMIT_TEMP, "4.3.0", msg, 0);
		close(pfd[0]);
		g_ptr_array_free(argv, TRUE);
		return;
	}
	for (;;) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		char    buf[1024];
		ssize_t n;
		int     left = (int)(deadline - time(NULL));

		if (left <= 0 || poll(&p, 1, left * 1000) == 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if ((n = read(pfd[0], buf, sizeof(buf))) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (elen < SUBMIT_ERR_MAX) {
			size_t  take = MIN((size_t)n, SUBMIT_ERR_MAX - elen);

			memcpy(err + elen, buf, take);
			elen += take;
		}
	}
	close(pfd[0]);
	err[elen] = 0;
	err[strcspn(err, "\r\n")] = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	g_ptr_array_free(argv, TRUE);
	if (timed_out) {
		snprintf(msg, sizeof(msg), "%s: timed out", path);
		submit_all(res, SUBMIT_TEMP, "4.4.2", msg, 0);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		submit_all(res, SUBMIT_SENT, "2.0.0", "delivered via sendmail", 0);
	} else if (WIFSIGNALED(status) || submit_temp_status(WEXITSTATUS(status))) {
		snprintf(msg, sizeof(msg), "%s %s %d%s%s", path,
			 WIFSIGNALED(status) ? "killed by signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			 elen ? ": " : "", err);
		submit_all(res, SUBMIT_TEMP, "4.3.0", msg, 0);
	} else {
		snprintf(msg, sizeof(msg), "%s exit status %d%s%s", path, WEXITSTATUS(status),
			 elen ? ": " : "", err);
		submit_all(res, SUBMIT_FAILED, "5.3.0", msg, 0);
	}
}

GPtrArray *submit_message(const struct conf *conf, const struct envelope *env,
			  const char *path, off_t offset, GString *relay, GString *why)
{
	GPtrArray *res;
	struct stat st;
	FILE   *fp;
	guint   i;

	if (!conf->relay || (strncmp(conf->relay, "smtp:", 5) != 0
			     && strncmp(conf->relay, "sendmail:", 9) != 0)) {
		g_string_printf(why, "[mexin] relay: not smtp:HOST:PORT or sendmail:PATH: %s",
				conf->relay ? conf->relay : "(none)");
		return NULL;
	}
	res = g_ptr_array_new_with_free_func(submit_result_free);
	for (i = 0; i < env->rcpts->len; i++)
		g_ptr_array_add(res, g_new0(struct submit_result, 1));
	if (strncmp(conf->relay, "sendmail:", 9) == 0) {
		submit_sendmail(conf->relay + 9, env, path, offset, res, relay);
		return res;
	}
	if ((fp = fopen(path, "re")) == NULL || fstat(fileno(fp), &st) != 0
	    || fseeko(fp, offset, SEEK_SET) != 0) {
		g_string_printf(why, "open %s: %s", path, g_strerror(errno));
		if (fp)
			fclose(fp);
		g_ptr_array_free(res, TRUE);
		return NULL;
	}
	submit_smtp(conf->relay + 5, env, fp, st.st_size - offset, res, relay);
	fclose(fp);
	return res;
}
