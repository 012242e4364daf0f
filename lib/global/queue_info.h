/*++
 * NAME
 *	queue_info 3
 * SUMMARY
 *	what is in the spool: listing, lookup and statistics, read-only
 * DESCRIPTION
 *	queue_info_list() lists the messages of one queue of the spool
 *	layout (dispatch(8), mexq(8)): the files in new/ (state "new", or "deferred"
 *	when their modification time, the next attempt, is still ahead) and
 *	in cur/ (state "claimed": a stage is working on it, or died doing
 *	so).  Reason files (ID.reason) are not messages; in badmail and
 *	exchange.bad they are read into the entry of their message.
 *
 *	The age of a message is counted from the time in its queue id
 *	(the id is made when the message enters lme and kept from queue to
 *	queue), or from the file's modification time for an id that does
 *	not start with one.
 *
 *	With details, the envelope of an SMTP-side queue file is read for
 *	its sender and recipients, and the From and Recipients (else
 *	SendTo) items of a Notes-side DXL document are read with the
 *	libxml2 reader (no network, no entity expansion, bounded sizes).
 *
 *	queue_info_stats() counts one queue; queue_info_metrics() writes
 *	the counts of all queues in the Prometheus text format.
 *
 *	Nothing here creates, changes or removes a file: a queue directory
 *	that does not exist is an empty queue.
 * DIAGNOSTICS
 *	Unreadable files are skipped; an envelope or document that cannot
 *	be read leaves the sender and recipients NULL and says why in
 *	entry->error.
 *--*/
#ifndef LME_QUEUE_INFO_H
#define LME_QUEUE_INFO_H

#include <sys/types.h>
#include <time.h>
#include <glib.h>

#define QUEUE_INFO_REASON_MAX	8192	/* bytes of a reason file read */
#define QUEUE_INFO_RCPT_SHOWN	20	/* recipients listed, then "..." */
#define QUEUE_INFO_DXL_MAX	(4 * 1024 * 1024)	/* bytes of DXL read for details */

/* the eight queues of the spool layout, NULL-terminated */
extern const char *const queue_info_names[];

struct queue_entry {
	char   *queue;			/* queue name */
	char   *id;			/* queue id */
	char   *path;			/* the file */
	const char *state;		/* "new", "deferred" or "claimed" */
	time_t  due;			/* deferred: time of the next attempt */
	off_t   size;			/* bytes */
	time_t  born;			/* from the id, else the file's mtime */
	/* with details */
	char   *sender;			/* SMTP sender ("" null sender) or Notes From */
	char   *rcpts;			/* recipients, ", " separated */
	char   *subject;		/* Notes-side: the Subject item */
	char   *error;			/* why sender/rcpts could not be read */
	/* from ID.reason, in badmail and exchange.bad */
	char   *reason;
	char   *reason_queue;		/* the queue it failed in */
	char   *reason_stage;
	char   *reason_time;
};

struct queue_stats {
	const char *name;
	unsigned messages;		/* all: new, deferred and claimed */
	unsigned deferred;
	unsigned claimed;
	long    oldest;			/* seconds; 0 when empty */
};

/* queue_info_known - name is one of the eight queues */
int     queue_info_known(const char *name);

/* queue_info_is_bad - badmail or exchange.bad */
int     queue_info_is_bad(const char *name);

/* queue_info_is_smtp - an SMTP-side queue (files carry an envelope) */
int     queue_info_is_smtp(const char *name);

/* queue_info_list - the messages of root/name, oldest first; details:
 * read envelopes/documents and reason files */
GPtrArray *queue_info_list(const char *root, const char *name, time_t now, int details);

/* queue_info_find - message id in any queue (with details), or NULL */
struct queue_entry *queue_info_find(const char *root, const char *id, time_t now);

/* queue_info_entry_free - release an entry */
void    queue_info_entry_free(struct queue_entry *e);

/* queue_info_stats - count root/name */
void    queue_info_stats(const char *root, const char *name, time_t now,
			 struct queue_stats *st);

/* queue_info_metrics - append the queue gauges of all queues to out,
 * in the Prometheus text exposition format */
void    queue_info_metrics(const char *root, time_t now, GString *out);

#endif
