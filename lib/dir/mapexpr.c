/*++
 * NAME
 *	mapexpr 3
 * SUMMARY
 *	expressions of the dxa mapping language: parse and evaluate
 *--*/
#include <string.h>

#include "dir/mapexpr.h"
#include "dir/mapfunc.h"
#include "dir/maptbl.h"

enum { MX_LIT, MX_TAG, MX_CALL, MX_CAT };

struct mapexpr {
	int     kind;
	char   *lit;			/* MX_LIT */
	int     tag;			/* MX_TAG: index for the resolver */
	int     func;			/* MX_CALL */
	GPtrArray *kids;		/* MX_CALL arguments, MX_CAT terms */
};

struct parser {
	const char *s;
	size_t  pos;
	mapexpr_resolve resolve;
	void   *ctx;
	size_t  errpos;
	GString *why;
};

/* mapexpr_ident_char - 1 if c may appear in a tag or function name */
int     mapexpr_ident_char(int c, int first)
{
	if (g_ascii_isalpha(c) || c == '_' || c == '$')
		return 1;
	return !first && (g_ascii_isdigit(c) || c == '-' || c == '.');
}

/* node - a new node of a kind */
static struct mapexpr *node(int kind)
{
	struct mapexpr *e = g_new0(struct mapexpr, 1);

	e->kind = kind;
	if (kind == MX_CALL || kind == MX_CAT)
		e->kids = g_ptr_array_new_with_free_func((GDestroyNotify) mapexpr_free);
	return e;
}

/* mapexpr_free - release a parsed expression */
void    mapexpr_free(struct mapexpr *e)
{
	if (e == NULL)
		return;
	g_free(e->lit);
	if (e->kids)
		g_ptr_array_free(e->kids, TRUE);
	g_free(e);
}

/* fail - record an error at byte offset pos; always NULL */
static struct mapexpr *fail(struct parser *p, size_t pos, const char *fmt,...) G_GNUC_PRINTF(3, 4);

static struct mapexpr *fail(struct parser *p, size_t pos, const char *fmt,...)
{
	va_list ap;

	p->errpos = pos;
	va_start(ap, fmt);
	g_string_vprintf(p->why, fmt, ap);
	va_end(ap);
	return NULL;
}

/* skip_ws - step over blanks */
static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

/* unexpected - complain about the character at pos */
static struct mapexpr *unexpected(struct parser *p, const char *where)
{
	const char *c = p->s + p->pos;
	int     len = (int) (g_utf8_next_char(c) - c);

	return fail(p, p->pos, "unexpected '%.*s'%s", len, c, where);
}

static struct mapexpr *parse_expr(struct parser *p, int depth);

/* parse_string - a "literal", "" inside for one quote */
static struct mapexpr *parse_string(struct parser *p)
{
	size_t  start = p->pos++;
	GString *lit = g_string_new("");
	struct mapexpr *e;

	for (;;) {
		char    c = p->s[p->pos];

		if (c == 0) {
			g_string_free(lit, TRUE);
			return fail(p, start, "unterminated string");
		}
		p->pos++;
		if (c == '"') {
			if (p->s[p->pos] != '"')
				break;
			p->pos++;
		}
		g_string_append_c(lit, c);
	}
	e = node(MX_LIT);
	e->lit = g_string_free(lit, FALSE);
	return e;
}

/* parse_call - NAME( args ): p->pos is at the '(' */
static struct mapexpr *parse_call(struct parser *p, const char *name, size_t namepos, int depth)
{
	int     f = mapfunc_lookup(name), min, max;
	struct mapexpr *e, *arg;
	GArray *argpos;
	guint   i;

	if (f < 0)
		return fail(p, namepos, "unknown function %s", name);
	if (depth + 1 > MAPTBL_MAX_DEPTH)
		return fail(p, namepos, "functions nested deeper than %d", MAPTBL_MAX_DEPTH);
	e = node(MX_CALL);
	e->func = f;
	argpos = g_array_new(FALSE, FALSE, sizeof(size_t));
	p->pos++;
	skip_ws(p);
	if (p->s[p->pos] == ')')
		p->pos++;
	else
		for (;;) {
			skip_ws(p);
			g_array_append_val(argpos, p->pos);
			if ((arg = parse_expr(p, depth + 1)) == NULL)
				goto bad;
			g_ptr_array_add(e->kids, arg);
			skip_ws(p);
			if (p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->s[p->pos] == ')') {
				p->pos++;
				break;
			}
			if (p->s[p->pos] == 0 || p->s[p->pos] == ';')
				fail(p, p->pos, "')' expected to close %s(", mapfunc_name(f));
			else
				unexpected(p, ": ',' or ')' expected");
			goto bad;
		}
	mapfunc_arity(f, &min, &max);
	if ((int) e->kids->len < min || (int) e->kids->len > max) {
		if (min == max)
			fail(p, namepos, "%s takes %d argument%s, not %u", mapfunc_name(f), min,
			     min == 1 ? "" : "s", e->kids->len);
		else
			fail(p, namepos, "%s takes %d to %d arguments, not %u", mapfunc_name(f), min, max,
			     e->kids->len);
		goto bad;
	}
	for (i = 0; i < e->kids->len; i++) {
		arg = g_ptr_array_index(e->kids, i);
		if (arg->kind == MX_LIT && !mapfunc_check_arg(f, (int) i, arg->lit, p->why)) {
			p->errpos = g_array_index(argpos, size_t, i);
			goto bad;
		}
	}
	g_array_free(argpos, TRUE);
	return e;
bad:
	g_array_free(argpos, TRUE);
	mapexpr_free(e);
	return NULL;
}

/* parse_term - a literal, number, tag or call */
static struct mapexpr *parse_term(struct parser *p, int depth)
{
	const char *s = p->s;
	size_t  start = p->pos, after;
	struct mapexpr *e;
	char   *name;
	int     tag;

	if (s[p->pos] == '"')
		return parse_string(p);
	if (g_ascii_isdigit(s[p->pos])) {
		while (g_ascii_isdigit(s[p->pos]))
			p->pos++;
		if (mapexpr_ident_char(s[p->pos], 0))
			return fail(p, start, "bad number");
		e = node(MX_LIT);
		e->lit = g_strndup(s + start, p->pos - start);
		return e;
	}
	if (!mapexpr_ident_char(s[p->pos], 1))
		return unexpected(p, "");
	while (mapexpr_ident_char(s[p->pos], 0))
		p->pos++;
	name = g_strndup(s + start, p->pos - start);
	for (after = p->pos; s[after] == ' ' || s[after] == '\t'; after++)
		 /* void */ ;
	if (s[after] == '(') {
		p->pos = after;
		e = parse_call(p, name, start, depth);
		g_free(name);
		return e;
	}
	g_string_truncate(p->why, 0);
	if ((tag = p->resolve(p->ctx, name, p->why)) < 0) {
		if (p->why->len == 0)
			g_string_printf(p->why, "unknown tag %s", name);
		p->errpos = start;
		g_free(name);
		return NULL;
	}
	g_free(name);
	e = node(MX_TAG);
	e->tag = tag;
	return e;
}

/* parse_expr - terms side by side, up to ',' ')' ';' or the end */
static struct mapexpr *parse_expr(struct parser *p, int depth)
{
	struct mapexpr *cat = node(MX_CAT), *t;

	for (;;) {
		char    c;

		skip_ws(p);
		c = p->s[p->pos];
		if (c == 0 || c == ';' || c == ',' || c == ')')
			break;
		if ((t = parse_term(p, depth)) == NULL) {
			mapexpr_free(cat);
			return NULL;
		}
		g_ptr_array_add(cat->kids, t);
	}
	if (cat->kids->len == 0) {
		mapexpr_free(cat);
		return fail(p, p->pos, "expression expected");
	}
	if (cat->kids->len == 1) {
		t = g_ptr_array_steal_index(cat->kids, 0);
		mapexpr_free(cat);
		return t;
	}
	return cat;
}

/* mapexpr_parse - parse text from start; NULL, *errpos and why on error */
struct mapexpr *mapexpr_parse(const char *text, size_t start, mapexpr_resolve resolve,
			              void *ctx, size_t *errpos, GString *why)
{
	struct parser p = {text, start, resolve, ctx, 0, why};
	struct mapexpr *e;

	if ((e = parse_expr(&p, 0)) == NULL) {
		*errpos = p.errpos;
		return NULL;
	}
	skip_ws(&p);
	if (text[p.pos] != 0 && text[p.pos] != ';') {
		unexpected(&p, " after the expression");
		*errpos = p.errpos;
		mapexpr_free(e);
		return NULL;
	}
	return e;
}

/* checked - r if within the length limit, else NULL and why */
static char *checked(char *r, GString *why)
{
	if (r && strlen(r) > MAPTBL_MAX_VALUE && g_utf8_strlen(r, -1) > MAPTBL_MAX_VALUE) {
		g_string_printf(why, "result longer than %d characters", MAPTBL_MAX_VALUE);
		g_free(r);
		return NULL;
	}
	return r;
}

/* mapexpr_eval - the value of e given the tag values */
char   *mapexpr_eval(const struct mapexpr *e, const char *const *tagvals,
		             const struct conf *conf, GString *why)
{
	char   *args[MAPFUNC_MAX_ARGS], *r;
	GString *s;
	guint   i, n;

	switch (e->kind) {
	case MX_LIT:
		return g_strdup(e->lit);
	case MX_TAG:
		return checked(g_strdup(tagvals[e->tag] ? tagvals[e->tag] : ""), why);	/* bounded by MAXLEN */
	case MX_CAT:
		s = g_string_new("");
		for (i = 0; i < e->kids->len; i++) {
			if ((r = mapexpr_eval(g_ptr_array_index(e->kids, i), tagvals, conf, why)) == NULL) {
				g_string_free(s, TRUE);
				return NULL;
			}
			g_string_append(s, r);
			g_free(r);
			if (s->len > MAPTBL_MAX_VALUE && g_utf8_strlen(s->str, -1) > MAPTBL_MAX_VALUE) {
				g_string_free(s, TRUE);
				g_string_printf(why, "result longer than %d characters", MAPTBL_MAX_VALUE);
				return NULL;
			}
		}
		return g_string_free(s, FALSE);
	default:				/* MX_CALL */
		n = e->kids->len;
		for (i = 0; i < n; i++) {
			if ((args[i] = mapexpr_eval(g_ptr_array_index(e->kids, i), tagvals, conf, why)) == NULL) {
				while (i-- > 0)
					g_free(args[i]);
				return NULL;
			}
		}
		r = mapfunc_call(e->func, args, (int) n, conf, why);
		for (i = 0; i < n; i++)
			g_free(args[i]);
		return checked(r, why);
	}
}
