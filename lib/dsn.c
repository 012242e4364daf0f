/*++
 * NAME
 *	dsn 3
 * SUMMARY
 *	delivery status notifications (RFC 3464) to SMTP senders
 * BUGS
 *	A stub until the implementation lands: it logs and queues nothing.
 *--*/
#include "dsn.h"
#include "msg.h"

int dsn_queue(const struct conf *conf, struct spool_queue *mts_in,
	      const struct envelope *env, const char *msgpath,
	      GPtrArray *rcpts, GString *why)
{
	msg_warn("%s: dsn_queue: not implemented yet", env->id);
	return 1;
}
