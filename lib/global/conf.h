/*++
 * NAME
 *	conf 3
 * SUMMARY
 *	lme.conf(5): the INI configuration file
 * DESCRIPTION
 *	conf_load() reads an INI file with inih and checks every key against
 *	the table in conf.c: an unknown section or key, a value of the wrong
 *	kind, or a missing required key is an error that names the file,
 *	the line and the key.  Keys not given take their defaults.
 *	Relative paths are taken relative to the directory of the file.
 *
 *	conf_path() picks the file: the -c argument, else $LME_CONF, else
 *	/etc/lme/lme.conf.
 *
 *	conf_get() returns any key's value as a string (as the dxa function
 *	CFGPARM does), or NULL.
 * DIAGNOSTICS
 *	conf_load() returns NULL and explains in why.
 *--*/
#ifndef LME_CONF_H
#define LME_CONF_H

#include <glib.h>

#define CONF_DEFAULT_PATH "/etc/lme/lme.conf"

struct conf {
	char   *path;			/* the file read */
	/* [lme] */
	char   *spool;			/* queue root */
	char   *maps;			/* maps directory */
	char   *notes_domain;		/* the Domino domain, e.g. Acme */
	char   *foreign_domain;		/* the foreign domain Notes sees us as */
	char   *smtp_domain;		/* our SMTP domain, for IMCEA addresses */
	int     poll_interval;		/* seconds between queue scans */
	int     minimal_backoff_time;	/* seconds, first retry */
	int     maximal_backoff_time;	/* seconds, longest retry interval */
	int     hop_limit;		/* more Received/$Hops than this: loop */
	int     group_commit;		/* messages made durable together, 1: each alone */
	char   *user;			/* run as this user when started as root */
	int     allow_root;		/* run as root when user is not set */
	char   *metrics_file;		/* Prometheus text file, or NULL */
	/* [mexout] */
	char   *milter;			/* libmilter socket spec, or NULL */
	char  **notes_address_space;	/* NULL-terminated list of domains */
	/* [mexin] */
	char   *relay;			/* smtp:HOST:PORT or sendmail:PATH */
	int     max_queue_lifetime;	/* seconds */
	/* [mexnts] */
	char   *body_format;		/* richtext or mime */
	long    max_message_size;	/* bytes */
	int     max_attachments;
	int     max_depth;		/* MIME nesting */
	/* [ntsmex] */
	char   *doclinks;		/* url, ndl or both */
	long    max_document_size;	/* bytes of DXL */
	/* [dxa] */
	char   *ldap_uri;
	char   *bind_dn;
	char   *bind_password_file;
	int     ldap_starttls;
	char   *flavor;			/* ad or openldap */
	char  **export_base;		/* NULL-terminated list of DNs */
	char   *export_filter;
	int     export_groups;
	char   *import_container;
	char   *notes_directory;
	char   *notes_import;
	int     max_delete_percent;
	int     schedule;		/* seconds between dxa -update runs, 0: never */
	char   *notes_address_template;
	char   *connector_guid;
	char   *state_file;
	/* every key as given, "section.key" -> value */
	GHashTable *values;
};

/* conf_path - the configuration file to read: arg, $LME_CONF or the default */
const char *conf_path(const char *arg);

/* conf_load - read and check path; NULL with why filled on error */
struct conf *conf_load(const char *path, GString *why);

/* conf_get - a key's value as written in the file, or NULL */
const char *conf_get(const struct conf *conf, const char *section, const char *key);

/* conf_free - release what conf_load() returned */
void conf_free(struct conf *conf);

/* conf_parse_time - "30", "30s", "15m", "2h", "5d", "1w" to seconds; -1 if bad */
long conf_parse_time(const char *text);

/* conf_parse_size - "1000", "10k", "50M", "1G" to bytes; -1 if bad */
long conf_parse_size(const char *text);

#endif
