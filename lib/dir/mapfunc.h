/*++
 * NAME
 *	mapfunc 3
 * SUMMARY
 *	the functions of the dxa mapping language
 * DESCRIPTION
 *	AND CFGPARM ISEQUAL LEFT RIGHT SUBSTR LOWER UPPER PROPER NAMEF NAMEL
 *	NAMEM POS REPLACE STRIP TRIM WORD X500, as in dxa-tables(5).  Names
 *	are case-insensitive.  Arguments and results are valid UTF-8; LEFT,
 *	RIGHT, SUBSTR, POS and REPLACE count characters, not bytes.
 *
 *	mapfunc_check_arg() checks one argument against what the function
 *	takes there (a number, a style 1 or 2, L or R, L/R/B, CN/OU/O/C): the
 *	parser calls it for literal arguments, mapfunc_call() for all.
 * DIAGNOSTICS
 *	mapfunc_call() returns NULL and fills why (without a position).
 *--*/
#ifndef LME_MAPFUNC_H
#define LME_MAPFUNC_H

#include <glib.h>
#include "global/conf.h"

#define MAPFUNC_MAX_ARGS	4
#define MAPFUNC_MAX_NUMBER	1000000	/* larger numeric arguments are errors */

/* mapfunc_lookup - index of the function named name (any case), or -1 */
int     mapfunc_lookup(const char *name);

/* mapfunc_name - the canonical (upper-case) name of function f */
const char *mapfunc_name(int f);

/* mapfunc_arity - least and most arguments of f */
void    mapfunc_arity(int f, int *min, int *max);

/* mapfunc_check_arg - 1 if value is acceptable as argument i (0-based) of f,
 * else 0 and why */
int     mapfunc_check_arg(int f, int i, const char *value, GString *why);

/* mapfunc_call - apply f to n arguments; a new string, or NULL and why */
char   *mapfunc_call(int f, char **args, int n, const struct conf *conf, GString *why);

#endif
