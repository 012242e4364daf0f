/*++
 * NAME
 *	dsn_test 1
 * SUMMARY
 *	table-driven test of dsn_queue()
 * SYNOPSIS
 *	dsn_test DIR
 * DESCRIPTION
 *	For every case of the table, makes the queue DIR/LABEL/mts-in, calls
 *	dsn_queue() on the original message DIR/orig, and prints
 *	"LABEL queued" or "LABEL none"; exits 1 when a case's result is not
 *	the one wanted.  dsn.bats then parses the reports.  The configuration
 *	is read from $LME_CONF.
 *--*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "global/dsn.h"

struct dsn_case {
	const char *label;
	const char *sender;
	int     report;
	const char *ret;
	const char *envid;
	const char *addr;
	const char *notify;
	const char *orcpt;
	const char *action;
	const char *diag;
	int     want;			/* 1: a report is queued */
};

static const struct dsn_case cases[] = {
	{"failed", "jane@partner.example", 0, NULL, NULL, "john@notes.example.com", NULL, NULL,
	 "failed", "550 5.1.1 unknown", 1},
	{"nullsender", "", 0, NULL, NULL, "john@notes.example.com", NULL, NULL, "failed", NULL, 0},
	{"report", "jane@partner.example", 1, NULL, NULL, "john@notes.example.com", NULL, NULL,
	 "failed", NULL, 0},
	{"never", "jane@partner.example", 0, NULL, NULL, "john@notes.example.com", "NEVER", NULL,
	 "failed", NULL, 0},
	{"successonly", "jane@partner.example", 0, NULL, NULL, "john@notes.example.com", "SUCCESS",
	 NULL, "failed", NULL, 0},
	{"delivered", "jane@partner.example", 0, NULL, NULL, "john@notes.example.com",
	 "SUCCESS,FAILURE", NULL, "delivered", NULL, 1},
	{"delivereddefault", "jane@partner.example", 0, NULL, NULL, "john@notes.example.com", NULL,
	 NULL, "delivered", NULL, 0},
	{"delayed", "jane@partner.example", 0, NULL, NULL, "john@notes.example.com", NULL, NULL,
	 "delayed", "relay down", 1},
	{"full", "jane@partner.example", 0, "FULL", "env+2B1", "john@notes.example.com", NULL,
	 "rfc822;a+2Bb@notes.example.com", "failed", "550 5.1.1 unknown", 1},
	{"inject", "jane@partner.example", 0, NULL, NULL, "evil@x\r\nBcc: victim@y", NULL, NULL,
	 "failed", "550 bad\nSubject: injected", 1},
};

/* write_orig - the original queue file */
static void write_orig(const char *path)
{
	FILE   *fp = fopen(path, "w");

	if (!fp)
		exit(2);
	fputs("lme-envelope 1\nid 1700000000.M1P1Q1.test\narrival 1700000000\nhops 1\n"
	      "sender jane@partner.example\nrcpt smtp=john@notes.example.com\nend\n"
	      "Received: from a by b; Tue, 14 Nov 2023 22:13:20 +0000\n"
	      "From: Jane <jane@partner.example>\nTo: john@notes.example.com\n"
	      "Subject: the original\nMessage-Id: <orig@partner.example>\n\nthe original body\n", fp);
	if (fclose(fp) != 0)
		exit(2);
}

int main(int argc, char **argv)
{
	GString *why = g_string_new(NULL);
	struct conf *conf;
	char   *orig;
	size_t  i;
	int     bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dsn_test DIR\n");
		return 2;
	}
	msg_init("dsn_test", 1);
	g_mime_init();
	if ((conf = conf_load(conf_path(NULL), why)) == NULL) {
		fprintf(stderr, "%s\n", why->str);
		return 2;
	}
	if (g_mkdir_with_parents(argv[1], 0700) != 0) {
		perror(argv[1]);
		return 2;
	}
	orig = g_build_filename(argv[1], "orig", NULL);
	write_orig(orig);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct dsn_case *c = &cases[i];
		char   *root = g_build_filename(argv[1], c->label, NULL);
		struct spool_queue *q = spool_open(root, SPOOL_MTS_IN, why);
		struct envelope *env = envelope_new();
		struct dsn_rcpt r = {c->addr, c->orcpt, c->notify, c->action, c->action[0] == 'f'
				     ? "5.1.1" : !strcmp(c->action, "delayed") ? "4.4.1" : "2.0.0",
				     c->diag};
		GPtrArray *rs = g_ptr_array_new();
		GPtrArray *ids;
		time_t  next;
		int     got;

		if (!q) {
			fprintf(stderr, "%s\n", why->str);
			return 2;
		}
		env->id = g_strdup("1700000000.M1P1Q1.test");
		env->arrival = 1700000000;
		g_free(env->sender);
		env->sender = g_strdup(c->sender);
		env->report = c->report;
		env->ret = g_strdup(c->ret);
		env->envid = g_strdup(c->envid);
		g_ptr_array_add(rs, &r);
		if (!dsn_queue(conf, q, env, orig, rs, why)) {
			fprintf(stderr, "%s: %s\n", c->label, why->str);
			bad = 1;
		}
		ids = spool_ready(q, time(NULL) + 10, &next);
		got = ids->len > 0;
		printf("%s %s\n", c->label, got ? "queued" : "none");
		if (got != c->want || ids->len > 1) {
			fprintf(stderr, "%s: want %s, got %u reports\n", c->label,
				c->want ? "a report" : "none", ids->len);
			bad = 1;
		}
		g_ptr_array_free(ids, TRUE);
		g_ptr_array_free(rs, TRUE);
		envelope_free(env);
		spool_close(q);
		g_free(root);
	}
	g_free(orig);
	conf_free(conf);
	g_string_free(why, TRUE);
	g_mime_shutdown();
	return bad;
}
