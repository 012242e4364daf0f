/*++
 * NAME
 *	text 3
 * SUMMARY
 *	text fit for one line: logs, reason files, header fields
 * DESCRIPTION
 *	text_printable() returns a copy of a string that may quote hostile
 *	input (an SMTP reply, a sender, a Notes item, a parser's message)
 *	made fit for one line of a log, of a reason file, of a header field
 *	or of a report: every control character (below 0x20, and DEL) is
 *	replaced, by '?' so that an administrator sees that something was
 *	there, or by a space where the text is read as words (TEXT_SPACE).
 *	Tabs stay with TEXT_TAB.  Bytes from 0x80 up are copied as they
 *	are, or, with TEXT_UTF8, the text is first made valid UTF-8
 *	(U+FFFD for each invalid sequence).
 *
 *	The copy is at most max bytes long (0: no bound); with TEXT_UTF8 it
 *	is never cut within a character.  A NULL s is taken as "".
 * DIAGNOSTICS
 *	None: the result is always a string, to be released with g_free().
 *--*/
#ifndef LME_TEXT_H
#define LME_TEXT_H

#include <stddef.h>

#define TEXT_SPACE	(1 << 0)	/* a control character becomes ' ', not '?' */
#define TEXT_TAB	(1 << 1)	/* a tab stays a tab */
#define TEXT_UTF8	(1 << 2)	/* make valid UTF-8 first; never cut a character */

/* text_printable - a copy of s fit for one line, at most max bytes (0: any) */
char   *text_printable(const char *s, size_t max, int flags);

#endif
