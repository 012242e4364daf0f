/*++
 * NAME
 *	privs 3
 * SUMMARY
 *	run as the [lme] user
 * DESCRIPTION
 *	privs_drop() is called by every program before it reads a message.
 *	Started as root with "[lme] user" set, it switches to that user and
 *	its groups for good.  Started as root without it, it refuses, unless
 *	"[lme] allow_root = yes" says the administrator wants it so (the
 *	test suite does).  Started as another user, it changes nothing.
 *	Then, as the user it runs as, it checks the spool directory, when
 *	it exists: it must be that user's own (not root's) and not writable
 *	by group or others (see perms(3)); the spool and the queues lme makes
 *	are mode 0700.
 * DIAGNOSTICS
 *	0 with why set when the user is unknown, is root, the switch fails,
 *	root was refused, or the spool was refused.
 *--*/
#ifndef LME_PRIVS_H
#define LME_PRIVS_H

#include <glib.h>
#include "global/conf.h"

/* privs_drop - become [lme] user (see above), then check the spool */
int     privs_drop(const struct conf *conf, GString *why);

/* privs_prepare - what only root can do for the user, done before the
 * switch: the directory of a unix: milter socket, when it does not exist,
 * is created (mode 0750) for [lme] user (an existing directory is left
 * as it is), and a milter port below 1024 is refused with
 * a reason (the milter binds as the user).  Does nothing unless root with
 * [lme] user set. */
int     privs_prepare(const struct conf *conf, GString *why);

#endif
