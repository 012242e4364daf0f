/*++
 * NAME
 *	stats 3
 * SUMMARY
 *	the stages' counters, for the metrics file
 * DESCRIPTION
 *	A program counts what it does with stats_add() (counters, names
 *	ending in _total) and stats_set() (gauges), each sample named with
 *	its labels in the Prometheus text form, e.g.
 *	lme_stage_messages_total{stage="mexnts",result="sent"}.
 *	stats_write() rewrites <spool>/.stats/NAME.prom atomically with
 *	every sample of this process; a stage calls it after each pass over
 *	its queue, at most once a second (stats_write_due()).
 *
 *	stats_metrics() appends the samples of every file in <spool>/.stats
 *	to out, grouped by metric with one "# TYPE" line each: dispatch puts
 *	them in metrics_file, and "mexq stats -p" prints them.
 *
 *	Counters go on from the values the file holds when a process first
 *	writes it, so that a restart or one "-1" run after another does not
 *	start them again from zero.  A file that is not the user's (or
 *	root's), or that group or others can write, is not trusted
 *	(perms(3)): stats_write() starts from zero and replaces it, and
 *	stats_metrics() leaves its samples out and says why in a comment line.
 * DIAGNOSTICS
 *	stats_write() returns 0 and explains in why (a refused file: once,
 *	after replacing it; a refused .stats directory: nothing written).
 *--*/
#ifndef LME_STATS_H
#define LME_STATS_H

#include <glib.h>

#define STATS_DIR	".stats"
#define STATS_FILE_MAX	65536		/* bytes read of one file */

void    stats_add(const char *sample, long n);
void    stats_set(const char *sample, double value);
int     stats_write(const char *spool, const char *name, GString *why);
/* stats_write_due - a second has passed since the last stats_write() */
int     stats_write_due(void);
void    stats_metrics(const char *spool, GString *out);

#endif
