/*++
 * NAME
 *	mapfunc 3
 * SUMMARY
 *	the functions of the dxa mapping language
 *--*/
#include <string.h>
#include <strings.h>

#include "dir/mapfunc.h"
#include "dir/maptbl.h"

typedef char *(*mapfunc_fn) (char **a, int n, const struct conf *conf, GString *why);

/*
 * Argument kinds, one letter per argument: s any string, n a number 0 or
 * more, p a number 1 or more, S a name style 1 or 2, D L or R, T L, R or B,
 * F an X.500 field CN, OU, O or C.
 */
struct mapfunc_def {
	const char *name;
	int     min, max;
	const char *kinds;
	mapfunc_fn fn;
};

/* is_blank - the blanks of TRIM and WORD */
static int is_blank(gunichar c)
{
	return c == ' ' || c == '\t';
}

/* trimmed - a copy of s without ASCII blanks at either end */
static char *trimmed(const char *s)
{
	return g_strstrip(g_strdup(s));
}

/* number - the value of a decimal number (blanks around allowed), -1 if bad */
static long number(const char *s)
{
	char   *t = trimmed(s);
	long    v = 0;
	size_t  i;

	if (*t == 0)
		v = -1;
	for (i = 0; t[i] && v >= 0; i++) {
		if (t[i] < '0' || t[i] > '9' || v > MAPFUNC_MAX_NUMBER)
			v = -1;
		else
			v = v * 10 + (t[i] - '0');
	}
	if (v > MAPFUNC_MAX_NUMBER)
		v = -1;
	g_free(t);
	return v;
}

/* keyword - the index in set of the word s is (any case, blanks around
 * allowed, as trimmed() trims them), or -1 */
static int keyword(const char *s, const char *const *set)
{
	size_t  n;
	int     i, found = -1;

	while (g_ascii_isspace(*s))
		s++;
	for (n = strlen(s); n > 0 && g_ascii_isspace(s[n - 1]); n--);
	for (i = 0; set[i]; i++)
		if (strlen(set[i]) == n && g_ascii_strncasecmp(s, set[i], n) == 0)
			found = i;
	return found;
}

static const char *const dir_words[] = {"L", "R", NULL};
static const char *const trim_words[] = {"L", "R", "B", NULL};
static const char *const field_words[] = {"CN", "OU", "O", "C", NULL};

/* chars - s as an array of characters; *len gets their count */
static gunichar *chars(const char *s, glong *len)
{
	return g_utf8_to_ucs4_fast(s, -1, len);
}

/* unchars - n characters back to UTF-8 */
static char *unchars(const gunichar *u, glong n)
{
	char   *s = g_ucs4_to_utf8(u, n, NULL, NULL, NULL);

	return s ? s : g_strdup("");
}

/* pad_char - the first character of pad, or blank if pad is NULL; 0 if "" */
static gunichar pad_char(const char *pad)
{
	if (pad == NULL)
		return ' ';
	return *pad ? g_utf8_get_char(pad) : 0;
}

/* too_long - check a requested length against the result limit */
static int too_long(const char *fn, long n, GString *why)
{
	if (n > MAPTBL_MAX_VALUE) {
		g_string_printf(why, "%s: length %ld is over %d characters", fn, n, MAPTBL_MAX_VALUE);
		return 1;
	}
	return 0;
}

/* words - the blank-separated words of s */
static GPtrArray *words(const char *s)
{
	GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
	const char *p = s, *start;

	for (;;) {
		while (*p && is_blank(g_utf8_get_char(p)))
			p = g_utf8_next_char(p);
		if (*p == 0)
			break;
		start = p;
		while (*p && !is_blank(g_utf8_get_char(p)))
			p = g_utf8_next_char(p);
		g_ptr_array_add(w, g_strndup(start, p - start));
	}
	return w;
}

/* join_words - words from..to-1 joined by one blank */
static char *join_words(GPtrArray *w, guint from, guint to)
{
	GString *s = g_string_new("");
	guint   i;

	for (i = from; i < to && i < w->len; i++) {
		if (i > from)
			g_string_append_c(s, ' ');
		g_string_append(s, g_ptr_array_index(w, i));
	}
	return g_string_free(s, FALSE);
}

/* f_and - AND(a, b): a b if both are non-empty */
static char *f_and(char **a, int n, const struct conf *conf, GString *why)
{
	if (*a[0] && *a[1])
		return g_strconcat(a[0], a[1], NULL);
	return g_strdup("");
}

/* f_cfgparm - CFGPARM(key [, section]) */
static char *f_cfgparm(char **a, int n, const struct conf *conf, GString *why)
{
	const char *v = NULL;

	if (conf && *a[0])
		v = conf_get(conf, n > 1 && *a[1] ? a[1] : "params", a[0]);
	return g_strdup(v ? v : "");
}

/* f_isequal - ISEQUAL(a, b, then, else), ignoring case */
/* ascii_text - s has no byte above 0x7f */
static int ascii_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s >= 0x80)
			return 0;
	return 1;
}

static char *f_isequal(char **a, int n, const struct conf *conf, GString *why)
{
	char   *x, *y;
	int     eq;

	/* ASCII casefolds to lower case: compared without copies */
	if (ascii_text(a[0]) && ascii_text(a[1]))
		return g_strdup(g_ascii_strcasecmp(a[0], a[1]) == 0 ? a[2] : a[3]);
	x = g_utf8_casefold(a[0], -1);
	y = g_utf8_casefold(a[1], -1);
	eq = strcmp(x, y) == 0;
	g_free(x);
	g_free(y);
	return g_strdup(eq ? a[2] : a[3]);
}

/* f_left - LEFT(s, n [, pad]) */
static char *f_left(char **a, int n, const struct conf *conf, GString *why)
{
	long    want = number(a[1]);
	gunichar pad = pad_char(n > 2 ? a[2] : NULL);
	glong   len, i;
	gunichar *u, *out;
	char   *r;

	if (too_long("LEFT", want, why))
		return NULL;
	u = chars(a[0], &len);
	out = g_new(gunichar, want + 1);
	for (i = 0; i < want && i < len; i++)
		out[i] = u[i];
	for (; i < want && pad; i++)
		out[i] = pad;
	r = unchars(out, i);
	g_free(u);
	g_free(out);
	return r;
}

/* f_right - RIGHT(s, n [, pad]) */
static char *f_right(char **a, int n, const struct conf *conf, GString *why)
{
	long    want = number(a[1]);
	gunichar pad = pad_char(n > 2 ? a[2] : NULL);
	glong   len, i, k = 0;
	gunichar *u, *out;
	char   *r;

	if (too_long("RIGHT", want, why))
		return NULL;
	u = chars(a[0], &len);
	out = g_new(gunichar, want + 1);
	if (pad)
		for (i = len; i < want; i++)
			out[k++] = pad;
	for (i = len > want ? len - want : 0; i < len; i++)
		out[k++] = u[i];
	r = unchars(out, k);
	g_free(u);
	g_free(out);
	return r;
}

/* f_substr - SUBSTR(s, start [, len [, pad]]) */
static char *f_substr(char **a, int n, const struct conf *conf, GString *why)
{
	long    start = number(a[1]) - 1;
	long    want = n > 2 ? number(a[2]) : -1;
	gunichar pad = pad_char(n > 3 ? a[3] : NULL);
	glong   len, i, k = 0;
	gunichar *u, *out;
	char   *r;

	if (want >= 0 && too_long("SUBSTR", want, why))
		return NULL;
	u = chars(a[0], &len);
	out = g_new(gunichar, (want >= 0 ? want : len) + 1);
	for (i = start; i < len && (want < 0 || k < want); i++)
		out[k++] = u[i];
	while (want >= 0 && k < want && pad)
		out[k++] = pad;
	r = unchars(out, k);
	g_free(u);
	g_free(out);
	return r;
}

/* f_lower - LOWER(s) */
static char *f_lower(char **a, int n, const struct conf *conf, GString *why)
{
	return g_utf8_strdown(a[0], -1);
}

/* f_upper - UPPER(s) */
static char *f_upper(char **a, int n, const struct conf *conf, GString *why)
{
	return g_utf8_strup(a[0], -1);
}

/* f_proper - PROPER(s): a letter after a non-letter in title case, others lower */
static char *f_proper(char **a, int n, const struct conf *conf, GString *why)
{
	GString *s = g_string_new("");
	const char *p;
	int     in_word = 0, letters = 0;	/* letters: of the word so far */

	for (p = a[0]; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_isalpha(c)) {
			g_string_append_unichar(s, in_word ? g_unichar_tolower(c) : g_unichar_totitle(c));
			in_word = 1;
			letters++;
		} else if ((c == '\'' || c == 0x2019) && in_word) {
			/* O'Malley, D'Angelo: a new word after one letter; don't, we'll: not */
			g_string_append_unichar(s, c);
			in_word = letters != 1;
		} else {
			g_string_append_unichar(s, c);
			in_word = g_unichar_isdigit(c);
			letters = 0;
		}
	}
	return g_string_free(s, FALSE);
}

/* name_part - NAMEF/NAMEL/NAMEM: which 0 first, 1 last, 2 middle */
static char *name_part(char **a, int n, int which)
{
	int     style = n > 1 ? (int) number(a[1]) : 0;
	char   *s = trimmed(a[0]);
	char   *comma = strchr(s, ',');
	char   *first, *last, *middle;
	GPtrArray *w;

	if (style == 0)
		style = comma ? 2 : 1;
	if (style == 2 && comma) {
		*comma = 0;
		last = trimmed(s);
		w = words(comma + 1);
		first = g_strdup(w->len ? (char *) g_ptr_array_index(w, 0) : last);
		middle = join_words(w, 1, w->len);
		if (*last == 0) {
			g_free(last);
			last = g_strdup(first);
		}
	} else {
		w = words(s);
		if (w->len == 0) {
			first = g_strdup("");
			last = g_strdup("");
			middle = g_strdup("");
		} else if (style == 2) {	/* "Last First Middle" */
			last = g_strdup(g_ptr_array_index(w, 0));
			first = g_strdup(g_ptr_array_index(w, w->len > 1 ? 1 : 0));
			middle = join_words(w, 2, w->len);
		} else {
			first = g_strdup(g_ptr_array_index(w, 0));
			last = g_strdup(g_ptr_array_index(w, w->len - 1));
			middle = w->len > 2 ? join_words(w, 1, w->len - 1) : g_strdup("");
		}
	}
	g_ptr_array_free(w, TRUE);
	g_free(s);
	if (which != 0)
		g_free(first);
	if (which != 1)
		g_free(last);
	if (which != 2)
		g_free(middle);
	return which == 0 ? first : which == 1 ? last : middle;
}

/* f_namef - NAMEF(s [, style]): the first name */
static char *f_namef(char **a, int n, const struct conf *conf, GString *why)
{
	return name_part(a, n, 0);
}

/* f_namel - NAMEL(s [, style]): the last name */
static char *f_namel(char **a, int n, const struct conf *conf, GString *why)
{
	return name_part(a, n, 1);
}

/* f_namem - NAMEM(s [, style]): the middle name(s) */
static char *f_namem(char **a, int n, const struct conf *conf, GString *why)
{
	return name_part(a, n, 2);
}

/* f_pos - POS(s, t): 1-based character position of t in s, 0 if absent */
static char *f_pos(char **a, int n, const struct conf *conf, GString *why)
{
	const char *hit = *a[1] ? strstr(a[0], a[1]) : NULL;

	return g_strdup_printf("%ld", hit ? g_utf8_pointer_to_offset(a[0], hit) + 1 : 0L);
}

/* f_replace - REPLACE(s, from [, to]): like tr(1), by characters */
static char *f_replace(char **a, int n, const struct conf *conf, GString *why)
{
	glong   nfrom, nto = 0, i;
	gunichar *from = chars(a[1], &nfrom);
	gunichar *to = chars(n > 2 ? a[2] : "", &nto);
	GString *s = g_string_new("");
	const char *p;

	for (p = a[0]; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		for (i = 0; i < nfrom && from[i] != c; i++)
			 /* void */ ;
		if (i == nfrom)
			g_string_append_unichar(s, c);
		else if (i < nto)
			g_string_append_unichar(s, to[i]);
	}
	g_free(from);
	g_free(to);
	return g_string_free(s, FALSE);
}

/* f_strip - STRIP(s, t [, scan [, toward]]) */
static char *f_strip(char **a, int n, const struct conf *conf, GString *why)
{
	int     scan = n > 2 ? keyword(a[2], dir_words) : 1;
	int     toward = n > 3 ? keyword(a[3], dir_words) : scan;
	const char *hit;

	if (*a[1] == 0)
		return g_strdup(a[0]);
	hit = scan == 0 ? strstr(a[0], a[1]) : g_strrstr(a[0], a[1]);
	if (hit == NULL)
		return g_strdup(a[0]);
	if (toward == 0)
		return g_strdup(hit + strlen(a[1]));
	return g_strndup(a[0], hit - a[0]);
}

/* f_trim - TRIM(s [, L/R/B]) */
static char *f_trim(char **a, int n, const struct conf *conf, GString *why)
{
	int     how = n > 1 ? keyword(a[1], trim_words) : 2;
	const char *b = a[0], *e = a[0] + strlen(a[0]);

	if (how != 1)
		while (b < e && is_blank(*b))
			b++;
	if (how != 0)
		while (e > b && is_blank(e[-1]))
			e--;
	return g_strndup(b, e - b);
}

/* f_word - WORD(s, n [, m]): m words from word n; "" if fewer than n words */
static char *f_word(char **a, int n, const struct conf *conf, GString *why)
{
	long    from = number(a[1]);
	long    count = n > 2 ? number(a[2]) : 1;
	GPtrArray *w = words(a[0]);
	char   *r;

	if ((guint) from > w->len)
		r = g_strdup("");
	else
		r = join_words(w, from - 1, from - 1 + count > (long) w->len ? w->len : (guint) (from - 1 + count));
	g_ptr_array_free(w, TRUE);
	return r;
}

/*
 * x500_parts - split a Notes or X.500 name into CN, OUs (nearest CN
 * first), O and C.  Only the first of several ";"-joined values is read,
 * and an "@DOMAIN" after the last component is dropped.
 */
static void x500_parts(const char *addr, char **cn, GPtrArray *ous, char **o, char **c)
{
	char   *s = g_strdup(addr), *p, *slash;
	gchar **comp;
	int     i, n, canonical;

	if ((p = strchr(s, ';')) != NULL)
		*p = 0;
	g_strstrip(s);
	*cn = *o = *c = NULL;
	if (*s != '/') {
		slash = strrchr(s, '/');
		if ((p = strchr(slash ? slash : s, '@')) != NULL)
			*p = 0;
	}
	comp = g_strsplit(*s == '/' ? s + 1 : s, "/", 0);
	n = g_strv_length(comp);
	canonical = *s == '/';
	for (i = 0; i < n && !canonical; i++) {
		p = strchr(comp[i], '=');
		if (p && (p - comp[i] == 1 || p - comp[i] == 2))
			canonical = 1;
	}
	if (canonical) {
		for (i = 0; i < n; i++) {
			char   *k = comp[i], *v = strchr(comp[i], '=');

			if (v == NULL)
				continue;
			*v++ = 0;
			g_strstrip(k);
			if (strcasecmp(k, "CN") == 0 && !*cn)
				*cn = g_strdup(v);
			else if (strcasecmp(k, "O") == 0 && !*o)
				*o = g_strdup(v);
			else if (strcasecmp(k, "C") == 0 && !*c)
				*c = g_strdup(v);
			else if (strcasecmp(k, "OU") == 0) {
				if (*s == '/')	/* /o=/ou=/cn=: root first */
					g_ptr_array_insert(ous, 0, g_strdup(v));
				else
					g_ptr_array_add(ous, g_strdup(v));
			}
		}
	} else if (n > 0) {
		int     last = n - 1;

		*cn = g_strdup(comp[0]);
		if (n >= 3 && strlen(comp[last]) == 2 && g_ascii_isalpha(comp[last][0])
		    && g_ascii_isalpha(comp[last][1]))
			*c = g_strdup(comp[last--]);
		if (last >= 1)
			*o = g_strdup(comp[last]);
		for (i = 1; i < last; i++)
			g_ptr_array_add(ous, g_strdup(comp[i]));
	}
	g_strfreev(comp);
	g_free(s);
}

/* f_x500 - X500(addr, field [, index]) */
static char *f_x500(char **a, int n, const struct conf *conf, GString *why)
{
	int     field = keyword(a[1], field_words);
	long    index = n > 2 ? number(a[2]) : 1;
	GPtrArray *ous = g_ptr_array_new_with_free_func(g_free);
	char   *cn, *o, *c, *r = NULL;

	x500_parts(a[0], &cn, ous, &o, &c);
	if (field == 0)
		r = cn;
	else if (field == 2)
		r = o;
	else if (field == 3)
		r = c;
	else if ((guint) index <= ous->len)
		r = g_strdup(g_ptr_array_index(ous, index - 1));
	if (r != cn)
		g_free(cn);
	if (r != o)
		g_free(o);
	if (r != c)
		g_free(c);
	g_ptr_array_free(ous, TRUE);
	return r ? r : g_strdup("");
}

static const struct mapfunc_def funcs[] = {
	{"AND", 2, 2, "ss", f_and},
	{"CFGPARM", 1, 2, "ss", f_cfgparm},
	{"ISEQUAL", 4, 4, "ssss", f_isequal},
	{"LEFT", 2, 3, "sns", f_left},
	{"RIGHT", 2, 3, "sns", f_right},
	{"SUBSTR", 2, 4, "spns", f_substr},
	{"LOWER", 1, 1, "s", f_lower},
	{"UPPER", 1, 1, "s", f_upper},
	{"PROPER", 1, 1, "s", f_proper},
	{"NAMEF", 1, 2, "sS", f_namef},
	{"NAMEL", 1, 2, "sS", f_namel},
	{"NAMEM", 1, 2, "sS", f_namem},
	{"POS", 2, 2, "ss", f_pos},
	{"REPLACE", 2, 3, "sss", f_replace},
	{"STRIP", 2, 4, "ssDD", f_strip},
	{"TRIM", 1, 2, "sT", f_trim},
	{"WORD", 2, 3, "spn", f_word},
	{"X500", 2, 3, "sFp", f_x500},
};

#define NFUNCS ((int) (sizeof(funcs) / sizeof(funcs[0])))

/* mapfunc_lookup - index of the function named name (any case), or -1 */
int     mapfunc_lookup(const char *name)
{
	int     i;

	for (i = 0; i < NFUNCS; i++)
		if (strcasecmp(name, funcs[i].name) == 0)
			return i;
	return -1;
}

/* mapfunc_name - the canonical name of f */
const char *mapfunc_name(int f)
{
	return funcs[f].name;
}

/* mapfunc_arity - least and most arguments of f */
void    mapfunc_arity(int f, int *min, int *max)
{
	*min = funcs[f].min;
	*max = funcs[f].max;
}

/* mapfunc_check_arg - 1 if value suits argument i of f, else 0 and why */
int     mapfunc_check_arg(int f, int i, const char *value, GString *why)
{
	const char *name = funcs[f].name;

	switch (funcs[f].kinds[i]) {
	case 'n':
		if (number(value) < 0) {
			g_string_printf(why, "%s: argument %d must be a number, not \"%s\"", name, i + 1, value);
			return 0;
		}
		break;
	case 'p':
		if (number(value) < 1) {
			g_string_printf(why, "%s: argument %d must be a number from 1, not \"%s\"", name, i + 1, value);
			return 0;
		}
		break;
	case 'S':
		if (number(value) != 1 && number(value) != 2) {
			g_string_printf(why, "%s: style must be 1 or 2, not \"%s\"", name, value);
			return 0;
		}
		break;
	case 'D':
		if (keyword(value, dir_words) < 0) {
			g_string_printf(why, "%s: argument %d must be \"L\" or \"R\", not \"%s\"", name, i + 1, value);
			return 0;
		}
		break;
	case 'T':
		if (keyword(value, trim_words) < 0) {
			g_string_printf(why, "%s: argument %d must be \"L\", \"R\" or \"B\", not \"%s\"", name, i + 1, value);
			return 0;
		}
		break;
	case 'F':
		if (keyword(value, field_words) < 0) {
			g_string_printf(why, "%s: field must be CN, OU, O or C, not \"%s\"", name, value);
			return 0;
		}
		break;
	}
	return 1;
}

/* mapfunc_call - apply f to n checked arguments */
char   *mapfunc_call(int f, char **args, int n, const struct conf *conf, GString *why)
{
	int     i;

	if (n < funcs[f].min || n > funcs[f].max) {
		g_string_printf(why, "%s: wrong number of arguments", funcs[f].name);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (!mapfunc_check_arg(f, i, args[i], why))
			return NULL;
	return funcs[f].fn(args, n, conf, why);
}
