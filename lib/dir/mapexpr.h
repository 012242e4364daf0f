/*++
 * NAME
 *	mapexpr 3
 * SUMMARY
 *	expressions of the dxa mapping language: parse and evaluate
 * DESCRIPTION
 *	An expression is a sequence of terms written side by side, which
 *	concatenates them: "string literals" (a doubled "" inside is one
 *	quote), plain numbers (taken as strings), tags, and function calls
 *	NAME( expr, expr, ... ).  A ';' outside a string starts a comment
 *	that runs to the end of the line.
 *
 *	mapexpr_parse() reads one expression from text+start to the end of
 *	the text (or the comment), checks function names, arity and literal
 *	arguments (mapfunc_check_arg), nesting (MAPTBL_MAX_DEPTH), and asks
 *	resolve() for the index of every tag; resolve returns -1 for an
 *	unknown tag and may explain in why.
 *
 *	mapexpr_eval() evaluates with tag values given by index.
 * DIAGNOSTICS
 *	mapexpr_parse() returns NULL, sets *errpos to the byte offset in text
 *	of the error and fills why (without a position).  mapexpr_eval()
 *	returns NULL and fills why: a result over MAPTBL_MAX_VALUE
 *	characters, or a bad argument.
 *--*/
#ifndef LME_MAPEXPR_H
#define LME_MAPEXPR_H

#include <glib.h>
#include "global/conf.h"

struct mapexpr;

typedef int (*mapexpr_resolve) (void *ctx, const char *tag, GString *why);

/* mapexpr_parse - parse text from start; NULL, *errpos and why on error */
struct mapexpr *mapexpr_parse(const char *text, size_t start, mapexpr_resolve resolve,
			              void *ctx, size_t *errpos, GString *why);

/* mapexpr_eval - the value of e given the tag values; NULL and why on error */
char   *mapexpr_eval(const struct mapexpr *e, const char *const *tagvals,
		             const struct conf *conf, GString *why);

/* mapexpr_free - release a parsed expression */
void    mapexpr_free(struct mapexpr *e);

/* mapexpr_ident_char - 1 if c may appear in a tag or function name */
int     mapexpr_ident_char(int c, int first);

#endif
