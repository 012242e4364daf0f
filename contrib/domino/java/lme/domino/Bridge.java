package lme.domino;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-off protocol of lme-domino(7), both ways, over a
 * {@link DominoSide}.  One {@link #round()} is one poll: the outbound
 * memos, the gateway notes, the directory files.  The step numbers in the
 * comments are the man page's.
 *
 * Errors (a crash) are never caught here; a passing failure
 * (IOException, a passing DominoException) leaves the item where it is,
 * tried again after retry_seconds.
 */
public final class Bridge {
	/** Where the bridge reports what it did (the server console, or a test). */
	public interface Log {
		void info(String msg);

		void warn(String msg);
	}

	static final String CLAIM = ":domino";
	static final String REQUEST = "export.request";
	static final int LOG_MAX = 64 * 1024;
	private static final Pattern UNID = Pattern.compile("<noteinfo\\b[^>]*\\bunid\\s*=\\s*['\"]([0-9A-Fa-f]{32})['\"]");
	private static final Pattern DXA_FILE = Pattern.compile("dxa-[A-Za-z0-9._-]{1,180}\\.dxl");

	private final Config cf;
	private final DominoSide side;
	private final Hook hook;
	private final Log log;
	private final Spool spool;
	private final Clock clock;

	final Path mailTmp, mailNew, mailCur, mailEnv, refTmp, refNew, refCur, xTmp, xNew, xCur, state, delivered, exported,
		rejected;

	/** passing failures: what, and when to try it again */
	private final Map<String, Long> retryAt = new HashMap<String, Long>();
	/** copied to the mailbox (or exported), record not yet written: a full disk */
	private final Map<String, DominoSide.Staged> deliveredUnrecorded = new HashMap<String, DominoSide.Staged>();
	private final Map<String, Boolean> exportedUnrecorded = new HashMap<String, Boolean>();
	/** delivered and recorded, staged copy not yet deleted */
	private final Map<String, DominoSide.Staged> stagedLeft = new HashMap<String, DominoSide.Staged>();
	private long nextExport;
	private long nextPrune;
	private int counter;
	private final long pid;
	private FileChannel lockChannel;
	private FileLock lock;

	/** The time, so that the tests can move it. */
	public interface Clock {
		long now();

		Clock SYSTEM = new Clock() {
			@Override
			public long now() {
				return System.currentTimeMillis();
			}
		};
	}

	public Bridge(Config cf, DominoSide side, Hook hook, Log log, Clock clock) {
		this.cf = cf;
		this.side = side;
		this.hook = hook;
		this.log = log;
		this.clock = clock;
		this.spool = new Spool(hook);
		Path s = cf.spool;
		mailTmp = s.resolve("mail.box").resolve("tmp");
		mailNew = s.resolve("mail.box").resolve("new");
		mailCur = s.resolve("mail.box").resolve("cur");
		mailEnv = s.resolve("mail.box").resolve("env");
		refTmp = s.resolve("refused").resolve("tmp");
		refNew = s.resolve("refused").resolve("new");
		refCur = s.resolve("refused").resolve("cur");
		xTmp = s.resolve("exchange.box").resolve("tmp");
		xNew = s.resolve("exchange.box").resolve("new");
		xCur = s.resolve("exchange.box").resolve("cur");
		state = s.resolve("domino");
		delivered = state.resolve("delivered");
		exported = state.resolve("exported");
		rejected = state.resolve("rejected");
		long p = 0;
		try {
			String n = ManagementFactory.getRuntimeMXBean().getName();
			p = Long.parseLong(n.substring(0, n.indexOf('@')));
		} catch (RuntimeException e) {
			p = clock.now() % 100000;
		}
		pid = p;
	}

	/**
	 * Take the lock, create the directories, remove this bridge's
	 * half-written files and empty the staging database: whatever a crash
	 * left there is processed again from the start.  Returns false when
	 * another bridge holds the lock.
	 */
	public boolean start() throws IOException, DominoException {
		for (Path d : new Path[] { mailTmp, mailNew, mailCur, mailEnv, refTmp, refNew, refCur, xTmp, xNew, xCur,
			delivered, exported, rejected })
			Spool.mkdirs(d);
		lockChannel = FileChannel.open(state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		lock = lockChannel.tryLock();
		if (lock == null) {
			lockChannel.close();
			lockChannel = null;
			return false;
		}
		for (Path d : new Path[] { mailTmp, refTmp, xTmp })
			for (String n : Spool.list(d))
				if (n.endsWith(CLAIM))
					Spool.remove(d.resolve(n));
		if (cf.notesImport != null) {
			Spool.mkdirs(cf.notesImport.resolve("cur"));
			Spool.mkdirs(cf.notesImport.resolve("bad"));
		}
		int n = side.purgeStaging();
		if (n > 0)
			log.info("start: " + n + " staged notes of an interrupted run removed");
		nextExport = 0;
		return true;
	}

	public void stop() throws IOException {
		if (lock != null)
			lock.release();
		if (lockChannel != null)
			lockChannel.close();
		lock = null;
		lockChannel = null;
	}

	/** One poll: returns the number of items handled. */
	public int round() {
		int n = 0;
		n += outbound();
		n += inbound();
		if (cf.notesImport != null)
			n += directory();
		prune();
		return n;
	}

	private boolean due(String what) {
		Long t = retryAt.get(what);
		return t == null || t <= clock.now();
	}

	private void deferred(String what, Exception e) {
		retryAt.put(what, clock.now() + cf.retryMillis);
		log.warn(what + ": deferred: " + e.getMessage());
	}

	// ------------------------------------------------------------ outbound

	int outbound() {
		int done = 0;
		try {
			// claims of an earlier run (a crash) or deferred: first
			for (String c : Spool.list(mailCur)) {
				if (done >= cf.batch)
					return done;
				if (!c.endsWith(CLAIM))
					continue;
				String id = c.substring(0, c.length() - CLAIM.length());
				if (due("mail.box " + id) && memo(id, true))
					done++;
			}
			for (String id : Spool.list(mailNew)) {
				if (done >= cf.batch)
					return done;
				if (validId(id) && due("mail.box " + id) && memo(id, false))
					done++;
			}
		} catch (IOException e) {
			log.warn("mail.box: " + e.getMessage());
		}
		return done;
	}

	private boolean memo(String id, boolean claimed) {
		String what = "mail.box " + id;
		Path claim = mailCur.resolve(id + CLAIM);
		try {
			if (!claimed) {
				Path f = mailNew.resolve(id);
				// 1. complete?
				boolean truncated = false;
				if (!Spool.complete(f, "</document>")) {
					long age;
					try {
						age = clock.now() - Files.getLastModifiedTime(f).toMillis();
					} catch (NoSuchFileException e) {
						return false;
					}
					if (age < cf.truncatedGraceMillis)
						return false;
					truncated = true;
				}
				// 2. claim
				try {
					Spool.rename(f, claim);
				} catch (NoSuchFileException e) {
					return false;
				}
				hook.step("out.claimed");
				if (truncated) {
					refuse(id, claim, "truncated: the file does not end with </document>", "");
					return true;
				}
			}
			// 3. the key, already delivered?
			String key = keyOf(claim, id);
			DominoSide.Staged s = deliveredUnrecorded.get(key);
			if (s == null && Files.exists(delivered.resolve(key))) {
				log.info(id + ": key " + key + " delivered before: not imported again");
			} else {
				if (s == null) {
					// 4. import into staging
					try {
						s = side.importToStaging(claim);
					} catch (DominoException e) {
						if (e.passing)
							throw e;
						refuse(id, claim, "import: " + e.getMessage(), e.log);
						return true;
					}
					hook.step("out.imported");
					// 5. check
					String why = check(s);
					if (why != null) {
						side.deleteStaged(s);
						hook.step("out.unstaged");
						refuse(id, claim, why, s.log);
						return true;
					}
					// 6. copy into the active mailbox
					side.copyToMailbox(s);
					deliveredUnrecorded.put(key, s);
					hook.step("out.copied");
				}
				// 7. record
				spool.writeFile(delivered.resolve("." + key + CLAIM), delivered.resolve(key), id + "\n");
				deliveredUnrecorded.remove(key);
				stagedLeft.put(key, s);
				hook.step("out.recorded");
				log.info(id + ": to=" + key + ", status=sent (mailbox)");
			}
			// 8. the staged note
			DominoSide.Staged left = stagedLeft.get(key);
			if (left != null) {
				side.deleteStaged(left);
				stagedLeft.remove(key);
				hook.step("out.unstaged");
			}
			// 9. the envelope, a log of an earlier refusal, the claim
			Spool.remove(mailEnv.resolve(id));
			Spool.remove(refNew.resolve(id + ".log"));
			Spool.remove(claim);
			hook.step("out.done");
			retryAt.remove(what);
			return true;
		} catch (DominoException e) {
			deferred(what, e);
		} catch (IOException e) {
			deferred(what, e);
		}
		return false;
	}

	/** The memo's UNID, else its queue id. */
	String keyOf(Path file, String id) throws IOException {
		String head = new String(Spool.head(file, 8192), StandardCharsets.ISO_8859_1);
		Matcher m = UNID.matcher(head);
		return m.find() ? m.group(1).toUpperCase(java.util.Locale.ROOT) : id;
	}

	static String check(DominoSide.Staged s) {
		String err = firstError(s.log);
		if (err != null)
			return "importer log: " + err;
		if (s.noteIds.size() != 1)
			return "imported " + s.noteIds.size() + " notes, not 1";
		if (!s.hasRecipients)
			return "no Recipients item: the router would not route it";
		if (s.hasRoutingState)
			return "RoutingState item present: reserved for the router";
		return null;
	}

	/** The text of the first <error> or <fatalerror> of an importer log, else null. */
	static String firstError(String log) {
		Matcher m = Pattern.compile("<(fatalerror|error)\\b[^>]*>([^<]{0,500})").matcher(log);
		if (!m.find())
			return null;
		String t = m.group(2).replaceAll("\\s+", " ").trim();
		return m.group(1) + (t.isEmpty() ? "" : ": " + t);
	}

	/** Back to lme: refused/new/ID.log, ID.env, then ID (the commit point). */
	private void refuse(String id, Path claim, String reason, String importerLog) throws IOException {
		StringBuilder b = new StringBuilder();
		b.append("queue: mail.box\nstage: domino\ntime: ").append(iso(clock.now())).append("\nreason: ")
			.append(oneLine(reason)).append("\nlog:\n");
		String l = importerLog == null ? "" : importerLog;
		b.append(l.length() > LOG_MAX ? l.substring(0, LOG_MAX) : l).append('\n');
		spool.writeFile(refTmp.resolve(id + ".log" + CLAIM), refNew.resolve(id + ".log"), b.toString());
		hook.step("out.refused-log");
		if (Files.exists(mailEnv.resolve(id))) {
			Spool.rename(mailEnv.resolve(id), refNew.resolve(id + ".env"));
			hook.step("out.refused-env");
		}
		Spool.rename(claim, refNew.resolve(id));
		hook.step("out.refused");
		retryAt.remove("mail.box " + id);
		log.warn(id + ": status=refused (" + oneLine(reason) + ")");
	}

	// ------------------------------------------------------------- inbound

	int inbound() {
		int done = 0;
		List<String> notes;
		try {
			notes = side.gatewayNotes(cf.batch);
		} catch (DominoException e) {
			log.warn(cf.gateway + ": " + e.getMessage());
			return 0;
		}
		for (String unid : notes) {
			if (!unid.matches("[0-9A-Fa-f]{32}")) {
				log.warn(cf.gateway + ": note with UNID \"" + oneLine(unid) + "\" left alone");
				continue;
			}
			String what = "gateway " + unid;
			if (due(what) && note(unid.toUpperCase(java.util.Locale.ROOT)))
				done++;
		}
		return done;
	}

	private boolean note(String unid) {
		String what = "gateway " + unid;
		try {
			// 1. exported (or rejected) before?
			if (exportedUnrecorded.containsKey(unid)) {
				spool.writeFile(exported.resolve("." + unid + CLAIM), exported.resolve(unid), "\n");
				exportedUnrecorded.remove(unid);
				hook.step("in.recorded");
			} else if (!Files.exists(exported.resolve(unid)) && !Files.exists(rejected.resolve(unid))) {
				// 2. export into tmp/
				String id = newId();
				Path tmp = xTmp.resolve(id + CLAIM);
				boolean written = false;
				try {
					OutputStream out = spool.create(tmp);
					try {
						side.exportNote(unid, out);
					} finally {
						out.close();
					}
					written = true;
				} catch (DominoException e) {
					Spool.remove(tmp);
					if (e.passing)
						throw e;
					reject(unid, "export: " + e.getMessage());
					return true;
				} finally {
					if (!written)
						Spool.remove(tmp);
				}
				hook.step("in.written");
				// 3. into new/
				Spool.rename(tmp, xNew.resolve(id));
				exportedUnrecorded.put(unid, Boolean.TRUE);
				hook.step("in.renamed");
				// 4. record
				spool.writeFile(exported.resolve("." + unid + CLAIM), exported.resolve(unid), id + "\n");
				exportedUnrecorded.remove(unid);
				hook.step("in.recorded");
				log.info(id + ": unid=" + unid + ", status=sent (exchange.box)");
			}
			// 5. delete the note
			side.deleteGatewayNote(unid);
			hook.step("in.deleted");
			retryAt.remove(what);
			return true;
		} catch (DominoException e) {
			deferred(what, e);
		} catch (IOException e) {
			deferred(what, e);
		}
		return false;
	}

	private void reject(String unid, String reason) throws DominoException, IOException {
		side.copyToBad(unid, reason);
		hook.step("in.copied-to-bad");
		spool.writeFile(rejected.resolve("." + unid + CLAIM), rejected.resolve(unid), oneLine(reason) + "\n");
		hook.step("in.rejected");
		side.deleteGatewayNote(unid);
		hook.step("in.deleted");
		log.warn(unid + ": status=rejected (" + cf.bad + ": " + oneLine(reason) + ")");
	}

	// ----------------------------------------------------------- directory

	int directory() {
		int done = 0;
		Path dir = cf.notesImport, cur = dir.resolve("cur"), bad = dir.resolve("bad");
		try {
			// 1. claim a request
			boolean requested = Files.exists(cur.resolve(REQUEST));
			if (!requested && Files.exists(dir.resolve(REQUEST))) {
				try {
					Spool.rename(dir.resolve(REQUEST), cur.resolve(REQUEST));
					requested = true;
					hook.step("dir.request-claimed");
				} catch (NoSuchFileException e) {
					// taken back by its writer
				}
			}
			if (!due("directory"))
				return 0;
			// 2. import, claims of an earlier run first
			for (String n : Spool.list(cur))
				if (DXA_FILE.matcher(n).matches() && importFile(cur.resolve(n), bad))
					done++;
			for (String n : Spool.list(dir)) {
				if (!DXA_FILE.matcher(n).matches())
					continue;
				try {
					Spool.rename(dir.resolve(n), cur.resolve(n));
				} catch (NoSuchFileException e) {
					continue;
				}
				hook.step("dir.claimed");
				if (importFile(cur.resolve(n), bad))
					done++;
			}
			// 3. export when asked or due
			if (requested || clock.now() >= nextExport) {
				Path to = cf.notesDirectory;
				if (Files.isDirectory(to))
					to = to.resolve("names.dxl");
				Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp" + CLAIM);
				boolean ok = false;
				try {
					OutputStream out = spool.create(tmp);
					try {
						side.exportDirectory(out);
					} finally {
						out.close();
					}
					ok = true;
				} finally {
					if (!ok)
						Files.deleteIfExists(tmp);
				}
				hook.step("dir.export-written");
				Spool.rename(tmp, to);
				hook.step("dir.exported");
				nextExport = clock.now() + cf.directoryExportMillis;
				Spool.remove(cur.resolve(REQUEST));
				hook.step("dir.request-done");
				log.info("directory: exported to " + to + (requested ? " (requested)" : ""));
				done++;
			}
			retryAt.remove("directory");
		} catch (DominoException e) {
			deferred("directory", e);
		} catch (IOException e) {
			deferred("directory", e);
		}
		return done;
	}

	/** Import one claimed dxa file, apply the deletions, remove the claim (or move it to bad/). */
	private boolean importFile(Path claim, Path bad) throws DominoException, IOException {
		String name = claim.getFileName().toString();
		String err;
		String importerLog;
		try {
			importerLog = side.importDirectory(claim);
			err = firstError(importerLog);
		} catch (DominoException e) {
			if (e.passing)
				throw e;
			importerLog = e.log;
			err = e.getMessage();
		}
		hook.step("dir.imported");
		for (DominoSide.Deletion d : side.deletionRequests()) {
			side.applyDeletion(d);
			hook.step("dir.deleted");
		}
		if (err != null) {
			StringBuilder b = new StringBuilder();
			b.append("queue: notes_import\nstage: domino\ntime: ").append(iso(clock.now())).append("\nreason: ")
				.append(oneLine(err)).append("\nlog:\n");
			b.append(importerLog.length() > LOG_MAX ? importerLog.substring(0, LOG_MAX) : importerLog).append('\n');
			spool.writeFile(bad.resolve("." + name + ".log" + CLAIM), bad.resolve(name + ".log"), b.toString());
			Spool.rename(claim, bad.resolve(name));
			hook.step("dir.bad");
			log.warn("directory: " + name + ": refused (" + oneLine(err) + "), moved to " + bad);
			return true;
		}
		Spool.remove(claim);
		hook.step("dir.done");
		log.info("directory: " + name + " imported");
		return true;
	}

	// --------------------------------------------------------------- util

	/** Records older than record_days go; once an hour. */
	private void prune() {
		long now = clock.now();
		if (now < nextPrune)
			return;
		nextPrune = now + 3600000L;
		for (Path d : new Path[] { delivered, exported, rejected }) {
			try {
				for (String n : Spool.list(d)) {
					Path p = d.resolve(n);
					if (now - Files.getLastModifiedTime(p).toMillis() > cf.recordMillis)
						Files.deleteIfExists(p);
				}
			} catch (IOException e) {
				log.warn(d + ": " + e.getMessage());
			}
		}
	}

	/** A queue id as lme makes them: SECONDS.MMICROSPPIDQCOUNTER.HOST */
	String newId() {
		long t = clock.now();
		long micros = (t % 1000) * 1000 + (System.nanoTime() / 1000) % 1000;
		return String.format(java.util.Locale.ROOT, "%d.M%06dP%dQ%d.%s", t / 1000, micros, pid, ++counter, cf.host);
	}

	/** A queue id lme could have made: no '/', ':', leading '.', control or non-ASCII; 200 at most. */
	static boolean validId(String id) {
		if (id.isEmpty() || id.length() > 200 || id.charAt(0) == '.')
			return false;
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c == '/' || c == ':' || c < 0x21 || c > 0x7e)
				return false;
		}
		return true;
	}

	static String oneLine(String s) {
		String t = s == null ? "" : s.replaceAll("[\\x00-\\x1f\\x7f]+", " ").trim();
		return t.length() > 500 ? t.substring(0, 500) : t;
	}

	static String iso(long millis) {
		SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", java.util.Locale.ROOT);
		f.setTimeZone(TimeZone.getTimeZone("UTC"));
		return f.format(new Date(millis));
	}
}
