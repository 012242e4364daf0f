/*++
 * NAME
 *	file 3
 * SUMMARY
 *	files written whole: atomic replacement, unnamed scratch files
 * DESCRIPTION
 *	file_write() replaces a file with new contents so that a reader sees
 *	the old file or the new one, never part of it, and the new one
 *	survives a crash once it returns (tmp file, fsync, rename, fsync of
 *	the directory): for state, map and metrics files.
 *
 *	file_scratch() opens an unnamed scratch file in a directory, gone
 *	when closed (O_TMPFILE; where the file system has none, a named file
 *	unlinked at once), so that scratch space stays where the caller
 *	chose (the spool), never in /tmp.
 * DIAGNOSTICS
 *	file_write(): 0 and why.  file_scratch(): NULL and errno.
 *--*/
#ifndef LME_FILE_H
#define LME_FILE_H

#include <stdio.h>
#include <glib.h>

/* file_scratch - an unnamed scratch file in directory dir */
FILE   *file_scratch(const char *dir);

/* file_write - write data to path atomically, with mode */
int     file_write(const char *path, const char *data, size_t len, int mode, GString *why);

#endif
