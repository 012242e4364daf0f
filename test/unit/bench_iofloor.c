/*
 * bench_iofloor - the I/O floor of mexnts for tools/bench-outbound: the
 * same durable maildir hops with no conversion.  For every message ready
 * in SPOOL/readyout: claim it, read it, write the same bytes to
 * SPOOL/mail.box (spool_create, spool_commit: fsync, rename, fsync of the
 * directory) and remove the claim (spool_done).  Prints the number of
 * messages moved.
 *
 * usage: bench_iofloor SPOOL
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spool.h"

int main(int argc, char **argv)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *in, *out;
	struct spool_claim *c;
	struct spool_writer *w;
	GPtrArray *ids;
	time_t  next;
	char    buf[65536];
	size_t  n;
	guint   i, moved = 0;
	FILE   *fp;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_iofloor SPOOL\n");
		return 64;
	}
	if ((in = spool_open(argv[1], SPOOL_READYOUT, why)) == NULL
	    || (out = spool_open(argv[1], SPOOL_MAIL_BOX, why)) == NULL) {
		fprintf(stderr, "bench_iofloor: %s\n", why->str);
		return 75;
	}
	ids = spool_ready(in, time(NULL), &next);
	for (i = 0; i < ids->len; i++) {
		if ((c = spool_claim(in, ids->pdata[i], why)) == NULL)
			continue;
		if ((fp = fopen(c->path, "r")) == NULL || (w = spool_create(out, c->id, why)) == NULL) {
			fprintf(stderr, "bench_iofloor: %s: cannot copy\n", c->id);
			return 75;
		}
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, n, w->fp);
		fclose(fp);
		if (!spool_commit(w, why) || !spool_done(c, why)) {
			fprintf(stderr, "bench_iofloor: %s\n", why->str);
			return 75;
		}
		moved++;
	}
	printf("%u\n", moved);
	g_ptr_array_free(ids, TRUE);
	g_string_free(why, TRUE);
	return 0;
}
