/*++
 * NAME
 *	mexout 3
 * SUMMARY
 *	mexout's shared state: configuration, address map, mts-out
 *--*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "util/text.h"
#include "global/address.h"
#include "global/addrmap.h"
#include "global/spool.h"
#include "outbound/mexout.h"

struct mexout {
	GMutex  lock;			/* over everything below */
	char   *conf_path;
	struct conf *conf;
	struct addrmap *map;
	struct spool_queue *mts_out;	/* opened at the first store */
};

/* mexout_map_path - maps/addresses under the configured maps directory */
static char *mexout_map_path(const struct conf *conf)
{
	return g_build_filename(conf->maps, "addresses", NULL);
}

struct mexout *mexout_new(const char *conf_path, GString *why)
{
	struct mexout *mx = g_new0(struct mexout, 1);
	char   *mpath;

	g_mutex_init(&mx->lock);
	mx->conf_path = g_strdup(conf_path);
	if ((mx->conf = conf_load(conf_path, why)) == NULL) {
		mexout_free(mx);
		return NULL;
	}
	mpath = mexout_map_path(mx->conf);
	if (!g_file_test(mpath, G_FILE_TEST_EXISTS))
		msg_warn("%s: no such file: no address translates through the map", mpath);
	mx->map = addrmap_open(mpath, why);
	g_free(mpath);
	if (!mx->map) {
		mexout_free(mx);
		return NULL;
	}
	return mx;
}

int mexout_reload(struct mexout *mx, GString *why)
{
	struct conf *conf = conf_load(mx->conf_path, why);
	struct addrmap *map;
	char   *mpath;

	if (!conf)
		return 0;
	mpath = mexout_map_path(conf);
	map = addrmap_open(mpath, why);
	g_free(mpath);
	if (!map) {
		conf_free(conf);
		return 0;
	}
	g_mutex_lock(&mx->lock);
	conf_free(mx->conf);
	addrmap_free(mx->map);
	mx->conf = conf;
	mx->map = map;
	g_mutex_unlock(&mx->lock);
	return 1;
}

void mexout_free(struct mexout *mx)
{
	if (!mx)
		return;
	if (mx->mts_out)
		spool_close(mx->mts_out);
	if (mx->map)
		addrmap_free(mx->map);
	if (mx->conf)
		conf_free(mx->conf);
	g_free(mx->conf_path);
	g_mutex_clear(&mx->lock);
	g_free(mx);
}

long mexout_max_size(struct mexout *mx)
{
	long    n;

	g_mutex_lock(&mx->lock);
	n = mx->conf->max_message_size;
	g_mutex_unlock(&mx->lock);
	return n;
}

/* mexout_refresh - re-read the map if it changed; call with the lock */
static void mexout_refresh(struct mexout *mx)
{
	GString *why = g_string_new(NULL);

	if (!addrmap_refresh(mx->map, why))
		msg_warn("%s; the previous address map stays in use", why->str);
	g_string_free(why, TRUE);
}

enum mexout_rcpt_kind mexout_rcpt(struct mexout *mx, const char *smtp, char **notes)
{
	enum mexout_rcpt_kind kind = MEXOUT_RCPT_OTHER;
	char   *n = NULL, *imcea;

	g_mutex_lock(&mx->lock);
	imcea = address_imcea_decode("NOTES", smtp, mx->conf->smtp_domain);
	if (imcea || address_in_space(mx->conf, smtp)) {
		mexout_refresh(mx);
		n = address_rcpt_to_notes(mx->conf, mx->map, smtp);
		kind = n ? MEXOUT_RCPT_NOTES : MEXOUT_RCPT_UNKNOWN;
	}
	g_mutex_unlock(&mx->lock);
	g_free(imcea);
	if (notes)
		*notes = n;
	else
		g_free(n);
	return kind;
}

char   *mexout_translates(struct mexout *mx, const char *smtp)
{
	char   *n;

	g_mutex_lock(&mx->lock);
	mexout_refresh(mx);
	n = address_rcpt_to_notes(mx->conf, mx->map, smtp);
	g_mutex_unlock(&mx->lock);
	return n;
}

void mexout_translate(struct mexout *mx, const struct envelope *in,
		      struct envelope *out, GPtrArray *failed)
{
	guint   i;

	g_free(out->id);
	out->id = g_strdup(in->id);
	out->arrival = in->arrival;
	out->hops = in->hops;
	g_free(out->sender);
	out->sender = g_strdup(in->sender);
	out->envid = g_strdup(in->envid);
	out->ret = g_strdup(in->ret);
	out->report = in->report;
	g_mutex_lock(&mx->lock);
	mexout_refresh(mx);
	g_free(out->sender_notes);
	out->sender_notes = address_sender_to_notes(mx->conf, mx->map, in->sender);
	if (out->sender_notes && !*out->sender_notes) {
		g_free(out->sender_notes);
		out->sender_notes = NULL;	/* the null sender has no Notes form */
	}
	for (i = 0; i < in->rcpts->len; i++) {
		struct env_rcpt *r = g_ptr_array_index(in->rcpts, i), *o;
		char   *n = r->smtp ? address_rcpt_to_notes(mx->conf, mx->map, r->smtp)
			: g_strdup(r->notes);

		if (!n) {
			g_ptr_array_add(failed, r);
			continue;
		}
		o = envelope_add_rcpt(out, r->smtp, n);
		o->notify = g_strdup(r->notify);
		o->orcpt = g_strdup(r->orcpt);
		g_free(n);
	}
	g_mutex_unlock(&mx->lock);
}

/* mexout_queue - mts-out, opened once; call with the lock */
static struct spool_queue *mexout_queue(struct mexout *mx, GString *why)
{
	if (!mx->mts_out)
		mx->mts_out = spool_open(mx->conf->spool, SPOOL_MTS_OUT, why);
	return mx->mts_out;
}

int mexout_store(struct mexout *mx, const struct envelope *env, const char *head,
		 const char *msg, size_t len, GString *why)
{
	struct spool_queue *q;
	struct spool_writer *w;

	g_mutex_lock(&mx->lock);
	q = mexout_queue(mx, why);
	g_mutex_unlock(&mx->lock);
	if (!q || (w = spool_create(q, env->id, why)) == NULL)
		return 0;
	if (!envelope_write(w->fp, env, why)) {
		spool_abort(w);
		return 0;
	}
	if ((head && fputs(head, w->fp) == EOF) || (len && fwrite(msg, 1, len, w->fp) != len)) {
		g_string_printf(why, "write %s: %s", w->tmppath, g_strerror(errno));
		spool_abort(w);
		return 0;
	}
	return spool_commit(w, why);
}

int mexout_hops(const char *msg, size_t len)
{
	GByteArray *ba = g_byte_array_new();
	GMimeStream *mem;
	GMimeParser *parser;
	GMimeMessage *m;
	int     hops = 0, i, n;

	g_byte_array_append(ba, (const guint8 *)msg, (guint)len);
	mem = g_mime_stream_mem_new_with_byte_array(ba);	/* takes ba */
	parser = g_mime_parser_new_with_stream(mem);
	if ((m = g_mime_parser_construct_message(parser, NULL)) != NULL) {
		GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));

		n = g_mime_header_list_get_count(hl);
		for (i = 0; i < n; i++)
			if (!g_ascii_strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i)),
						"Received"))
				hops++;
		g_object_unref(m);
	}
	g_object_unref(parser);
	g_object_unref(mem);
	return hops;
}

char   *mexout_strip(const char *addr)
{
	size_t  len;
	const char *p;

	if (!addr)
		return NULL;
	len = strlen(addr);
	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>') {
		addr++;
		len -= 2;
	}
	if (len > ADDRESS_MAX)
		return NULL;
	for (p = addr; p < addr + len; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	return g_strndup(addr, len);
}

/* mexout_read - the message on in, at most max bytes; 0: too big or error */
static int mexout_read(FILE *in, long max, GString *msg, GString *why)
{
	char    buf[65536];
	size_t  n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (max > 0 && msg->len + n > (size_t)max) {
			g_string_printf(why, "message too big (over %ld bytes)", max);
			return 0;
		}
		g_string_append_len(msg, buf, (gssize)n);
	}
	if (ferror(in)) {
		g_string_printf(why, "read the message: %s", g_strerror(errno));
		return 0;
	}
	return 1;
}

int mexout_enqueue(struct mexout *mx, const char *sender, char **rcpts, int nrcpt,
		   FILE *in, GString *why)
{
	struct envelope *env = envelope_new();
	GString *msg = g_string_new(NULL);
	char   *s = mexout_strip(sender), *a, *n;
	int     i, code = EX_OK;

	if (!s) {
		g_string_printf(why, "bad sender address");
		code = EX_DATAERR;
		goto out;
	}
	if (!g_ascii_strcasecmp(s, "MAILER-DAEMON"))
		*s = 0;				/* Postfix pipe(8)'s null sender */
	g_free(env->sender);
	env->sender = s;
	if (nrcpt > ENVELOPE_RCPT_MAX) {
		/* a queue file holds at most that many: refuse, never drop */
		g_string_printf(why, "too many recipients: %d, at most %d in one message"
				" (lower the transport's destination_recipient_limit)",
				nrcpt, ENVELOPE_RCPT_MAX);
		code = EX_USAGE;
		goto out;
	}
	for (i = 0; i < nrcpt && code == EX_OK; i++) {
		if ((a = mexout_strip(rcpts[i])) == NULL || !*a) {
			g_string_printf(why, "bad recipient address");
			code = EX_DATAERR;
		} else if ((n = mexout_translates(mx, a)) == NULL) {
			char   *c = text_printable(a, 200, 0);

			g_string_printf(why, "<%s>: recipient does not translate to a Notes address", c);
			g_free(c);
			code = EX_NOUSER;
		} else {
			envelope_add_rcpt(env, a, NULL);
			g_free(n);
		}
		g_free(a);
	}
	if (code != EX_OK)
		goto out;
	if (!mexout_read(in, mexout_max_size(mx), msg, why)) {
		code = ferror(in) ? EX_TEMPFAIL : EX_DATAERR;
		goto out;
	}
	env->id = spool_new_id();
	env->hops = mexout_hops(msg->str, msg->len);
	if (!mexout_store(mx, env, NULL, msg->str, msg->len, why)) {
		code = EX_TEMPFAIL;
		goto out;
	}
	for (i = 0; i < (int)env->rcpts->len; i++) {
		struct env_rcpt *r = g_ptr_array_index(env->rcpts, i);

		msg_info("%s: from=<%s>, to=<%s>, size=%zu, status=queued (mts-out)",
			 env->id, env->sender, r->smtp, msg->len);
	}
out:
	envelope_free(env);
	g_string_free(msg, TRUE);
	return code;
}
