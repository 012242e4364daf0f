/*++
 * NAME
 *	privs 3
 * SUMMARY
 *	run as the [lme] user
 * DESCRIPTION
 *	privs_drop() is called by every program before it reads a message.
 *	Started as root with "[lme] user" set, it switches to that user and
 *	its groups for good.  Started as root without it, it warns (the
 *	tests run as root); started as another user, it changes nothing.
 * DIAGNOSTICS
 *	0 with why set when the user is unknown or the switch fails.
 *--*/
#ifndef LME_PRIVS_H
#define LME_PRIVS_H

#include <glib.h>
#include "conf.h"

int     privs_drop(const struct conf *conf, GString *why);

#endif
