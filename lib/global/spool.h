/*++
 * NAME
 *	spool 3
 * SUMMARY
 *	maildir queues: durable hand-off between stages
 * DESCRIPTION
 *	Every queue is a directory with tmp/, new/ and cur/ (maildir(5)).
 *
 *	A producer calls spool_create(), writes the message to the stream
 *	it gets, and calls spool_commit(): flush, fsync, checked close,
 *	rename from tmp/ into new/, fsync of new/.  Only when spool_commit()
 *	returns 1 is the message accepted.
 *
 *	A consumer lists what is ready with spool_ready(), claims one with
 *	spool_claim() (an atomic rename from new/ into cur/, so two workers
 *	never get the same message), writes its output to the next queue,
 *	and only then calls spool_done() to unlink the claimed copy.  A
 *	passing failure calls spool_defer(): the message goes back to new/
 *	with its modification time set to the time of the next attempt, and
 *	spool_ready() passes it over until then.  A message that fails on
 *	its content goes to badmail or exchange.bad with spool_reject(),
 *	which leaves a reason file beside it (NAME.reason).
 *
 *	Claimed and half-written files carry the claimer's pid and host in
 *	their name (cur/ID:PID:HOST, tmp/ID:PID:HOST).  spool_recover()
 *	returns the claims of dead workers of this host to new/ and removes
 *	their half-written files.  The last claim of a dead worker is the
 *	message it was working on; when workers have died on the same
 *	message SPOOL_CRASH_MAX times, spool_recover() hands it to the
 *	caller, which moves it to the failure queue.
 *
 *	Queue ids are made by spool_new_id(): unique per host (time, pid,
 *	counter, host); a message keeps its id from queue to queue.
 * DIAGNOSTICS
 *	Functions return NULL or 0 and explain in why; errno is kept from
 *	the failing system call, so that callers can tell ENOSPC and EIO
 *	(passing) from other errors.
 *--*/
#ifndef LME_SPOOL_H
#define LME_SPOOL_H

#include <stdio.h>
#include <time.h>
#include <glib.h>

/* The queues of the spool (dispatch(8) FILES, README "The spool") */
#define SPOOL_MTS_OUT		"mts-out"
#define SPOOL_READYOUT		"readyout"
#define SPOOL_MAIL_BOX		"mail.box"
#define SPOOL_EXCHANGE_BOX	"exchange.box"
#define SPOOL_READYIN		"readyin"
#define SPOOL_MTS_IN		"mts-in"
#define SPOOL_BADMAIL		"badmail"
#define SPOOL_EXCHANGE_BAD	"exchange.bad"

#define SPOOL_REASON_SUFFIX	".reason"
#define SPOOL_REASON_MAX	1000		/* bytes of the reason line kept */
#define SPOOL_CRASH_PREFIX	".crashes."	/* in cur/: deaths on a message */
#define SPOOL_CRASH_MAX		5
#define SPOOL_ID_MAX		200

struct spool_queue {
	char   *name;			/* e.g. "readyout" */
	char   *dir;			/* root/name */
	int     newfd;			/* new/, for fsync */
	int     curfd;			/* cur/, for fsync */
	int     watchfd;		/* inotify on new/, -1 until spool_watch_fd() */
};

struct spool_writer {
	struct spool_queue *q;
	char   *id;
	char   *tmppath;
	FILE   *fp;			/* write the message here */
	time_t  due;			/* not before this time (0: now), as spool_defer */
};

struct spool_claim {
	struct spool_queue *q;
	char   *id;
	char   *path;			/* cur/ID:PID:HOST: read the message here */
};

/* spool_open - open (creating, mode 0700) the queue root/name */
struct spool_queue *spool_open(const char *root, const char *name, GString *why);
void    spool_close(struct spool_queue *q);

/* spool_new_id - a fresh queue id (free with g_free) */
char   *spool_new_id(void);

/* spool_id_ok - id is safe as a file name (no '/', ':', leading '.') */
int     spool_id_ok(const char *id);

/* spool_create - start writing message id into tmp/ */
struct spool_writer *spool_create(struct spool_queue *q, const char *id, GString *why);

/* spool_commit - make the message durable and visible in new/; frees w */
int     spool_commit(struct spool_writer *w, GString *why);

/* Group commit.  Between spool_batch_begin() and spool_batch_end(),
 * spool_commit() on this thread flushes and closes the file but leaves it
 * in tmp/, unsynced and invisible; spool_batch_end() then makes every file
 * of the batch durable with one syncfs() (an fsync of each for a batch of
 * one or two), renames them into new/ and
 * fsyncs each new/ once.  Nothing is visible, and so nothing may be
 * acknowledged, before it is durable.  spool_batch_end() returns 0 and
 * removes the batch's files when the sync fails. */
void    spool_batch_begin(void);
int     spool_batch_end(GString *why);
/* spool_batch_size - files waiting in this thread's batch */
int     spool_batch_size(void);

/* spool_abort - give up a write; frees w */
void    spool_abort(struct spool_writer *w);

/* spool_now - the current time for spool_ready(): from the precise clock,
 * never behind the time stamps the kernel puts on new files (time(2) may
 * be, by a tick, at the turn of a second) */
time_t  spool_now(void);

/* spool_ready - ids in new/ due now, oldest first; *next_due: earliest
 * deferred time (0 if none) */
GPtrArray *spool_ready(struct spool_queue *q, time_t now, time_t *next_due);

/* spool_claim - claim message id; NULL if another worker took it
 * (why empty) or on error (why set) */
struct spool_claim *spool_claim(struct spool_queue *q, const char *id, GString *why);

/* spool_done - the output is durable elsewhere: remove the claimed copy */
int     spool_done(struct spool_claim *c, GString *why);

/* spool_defer - back to new/, not due before now + delay seconds */
int     spool_defer(struct spool_claim *c, int delay, GString *why);

/* spool_move - into another queue's new/, same id (rename); frees c */
int     spool_move(struct spool_claim *c, struct spool_queue *to, GString *why);

/* spool_reject - into bad (badmail or exchange.bad) with a reason file
 * naming the queue it came from; frees c */
int     spool_reject(struct spool_claim *c, struct spool_queue *bad, const char *stage,
		     const char *reason, GString *why);

/* spool_claim_free - forget a claim without touching the file */
void    spool_claim_free(struct spool_claim *c);

/* spool_recover - return dead workers' claims to new/, remove their tmp
 * files; returns the number of claims returned.  With poison non-NULL, a
 * message whose worker died on it SPOOL_CRASH_MAX times is not returned
 * but added to poison (struct spool_claim *) for the caller to reject: a
 * message that kills its stage must not stop the queue. */
int     spool_recover(struct spool_queue *q, GPtrArray *poison);

/* spool_watch_fd - an inotify descriptor that is readable when something
 * arrives in new/; -1 if inotify is not available (poll instead) */
int     spool_watch_fd(struct spool_queue *q);

/* spool_watch_drain - read pending inotify events */
void    spool_watch_drain(struct spool_queue *q);

/* spool_find - where message id is in q: "new", "cur" or NULL; path set */
const char *spool_find(struct spool_queue *q, const char *id, char **path);

/* For crash tests: called between every two steps with the step's name */
extern void (*spool_test_hook)(const char *step);

#endif
