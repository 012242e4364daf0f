/*
 * bench_nullmilter - the peer of mexout's milter for the benchmarks: a
 * libmilter filter that does the least a filter that must see the
 * recipients can do.  It asks for no reply at connect, HELO and MAIL
 * FROM (as mexout does), answers each RCPT TO with continue, and lets the
 * message go at DATA (as mexout does for mail without a Notes recipient).
 * What it costs is what Postfix's milter protocol and libmilter cost per
 * SMTP session, whatever the filter does.
 *
 * usage: bench_nullmilter CONN    (inet:PORT@127.0.0.1 or unix:PATH)
 */
#include <stdio.h>
#include <string.h>

#include <libmilter/mfapi.h>

/* nm_negotiate - no reply wanted where mexout wants none, no actions */
static sfsistat nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			     unsigned long f2, unsigned long f3, unsigned long *pf0,
			     unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void) ctx, (void) f0, (void) f2, (void) f3;
	*pf0 = 0;
	*pf1 = f1 & (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NOUNKNOWN);
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

/* nm_envrcpt - every recipient goes on */
static sfsistat nm_envrcpt(SMFICTX *ctx, char **argv)
{
	(void) ctx, (void) argv;
	return SMFIS_CONTINUE;
}

/* nm_data - the message is let go */
static sfsistat nm_data(SMFICTX *ctx)
{
	(void) ctx;
	return SMFIS_ACCEPT;
}

int main(int argc, char **argv)
{
	struct smfiDesc d;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_nullmilter CONN\n");
		return 64;
	}
	memset(&d, 0, sizeof(d));
	d.xxfi_name = "bench_nullmilter";
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_negotiate = nm_negotiate;
	d.xxfi_envrcpt = nm_envrcpt;
	d.xxfi_data = nm_data;
	if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(d) != MI_SUCCESS) {
		fprintf(stderr, "bench_nullmilter: cannot listen on %s\n", argv[1]);
		return 71;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 71;
}
