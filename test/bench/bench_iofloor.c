/*
 * bench_iofloor - the I/O floor of the stages for the benchmarks: the
 * same durable maildir hops with no conversion.  For every message in
 * SPOOL/FROM: claim it, read it, write the same bytes to SPOOL/TO
 * (spool_create, spool_commit: fsync, rename, fsync of the directory) and
 * remove the claim (spool_done).  When TO starts with '/', the bytes go to
 * a plain file in that directory instead (the last hop, to the MTA).
 * Prints the number of messages moved.
 *
 * usage: bench_iofloor SPOOL [FROM TO]    (default: readyout mail.box)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "global/spool.h"

int main(int argc, char **argv)
{
	GString *why = g_string_new(NULL);
	const char *from = argc > 3 ? argv[2] : SPOOL_READYOUT;
	const char *to = argc > 3 ? argv[3] : SPOOL_MAIL_BOX;
	struct spool_queue *in, *out = NULL;
	struct spool_claim *c;
	struct spool_writer *w = NULL;
	GPtrArray *ids;
	time_t  next;
	char    buf[65536];
	size_t  n;
	guint   i, moved = 0;
	FILE   *fp, *dst;

	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: bench_iofloor SPOOL [FROM TO]\n");
		return 64;
	}
	if ((in = spool_open(argv[1], from, why)) == NULL
	    || (*to != '/' && (out = spool_open(argv[1], to, why)) == NULL)) {
		fprintf(stderr, "bench_iofloor: %s\n", why->str);
		return 75;
	}
	ids = spool_ready(in, (time_t)G_MAXINT32, &next);
	for (i = 0; i < ids->len; i++) {
		char   *sink = NULL;

		if ((c = spool_claim(in, ids->pdata[i], why)) == NULL)
			continue;
		if (out) {
			w = spool_create(out, c->id, why);
			dst = w ? w->fp : NULL;
		} else {
			sink = g_build_filename(to, c->id, NULL);
			dst = fopen(sink, "w");
		}
		if ((fp = fopen(c->path, "r")) == NULL || dst == NULL) {
			fprintf(stderr, "bench_iofloor: %s: cannot copy\n", c->id);
			return 75;
		}
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, n, dst);
		fclose(fp);
		if ((out ? !spool_commit(w, why) : fclose(dst) != 0) || !spool_done(c, why)) {
			fprintf(stderr, "bench_iofloor: %s\n", why->str);
			return 75;
		}
		g_free(sink);
		moved++;
	}
	printf("%u\n", moved);
	g_ptr_array_free(ids, TRUE);
	g_string_free(why, TRUE);
	return 0;
}
