package lme.domino;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The protocol of lme-domino(7) over {@link FakeDomino}, with failure
 * injection: a crash at every step (an Error thrown from the hook, the
 * bridge discarded and started again over the same spool and the same
 * databases), an importer error, a duplicate UNID, a full disk, a file
 * appearing half-written.  Nothing lost, nothing delivered twice (but
 * for the one documented window).  A plain runner: "java
 * lme.domino.BridgeTest [CORPUS_DIR]"; exit 0 when every test passed.
 */
public final class BridgeTest {
	static final class Crash extends Error {
		private static final long serialVersionUID = 1L;

		Crash(String at) {
			super("crash at " + at);
		}
	}

	/** Records every step; crashes at the n-th (1-based), or fails writes while diskFull. */
	static final class Faults implements Hook {
		final List<String> trace = new ArrayList<String>();
		int crashAt = -1;
		boolean diskFull;

		@Override
		public void step(String name) throws IOException {
			if (diskFull && name.startsWith("write "))
				throw new IOException("No space left on device (" + name + ")");
			trace.add(name);
			if (trace.size() == crashAt)
				throw new Crash(name);
		}
	}

	static final class Clock implements Bridge.Clock {
		long t = 1764670000000L;

		@Override
		public long now() {
			return t;
		}
	}

	static final class Quiet implements Bridge.Log {
		final List<String> lines = new ArrayList<String>();

		@Override
		public void info(String m) {
			lines.add(m);
		}

		@Override
		public void warn(String m) {
			lines.add("warning: " + m);
		}
	}

	/** One test world: a spool, a fake Domino, a clock; bridges come and go. */
	static final class World {
		final Path root;
		final Config cf;
		final FakeDomino domino = new FakeDomino();
		final Faults faults = new Faults();
		final Clock clock = new Clock();
		final Quiet log = new Quiet();
		Bridge bridge;

		World() throws IOException {
			root = Files.createTempDirectory("lme-domino-test");
			Files.createDirectories(root.resolve("spool/mail.box/new"));
			Files.createDirectories(root.resolve("notes_import"));
			cf = Config.parse("spool = " + root.resolve("spool") + "\nhost = test.example\n"
				+ "notes_import = " + root.resolve("notes_import") + "\n"
				+ "notes_directory = " + root.resolve("names.dxl") + "\n");
			domino.hook = faults;
		}

		Path spool(String p) {
			return root.resolve("spool").resolve(p);
		}

		Bridge start() throws Exception {
			bridge = new Bridge(cf, domino, faults, log, clock);
			check(bridge.start(), "bridge started");
			return bridge;
		}

		/** A crash: the process is gone, its lock with it. */
		void crash() throws IOException {
			bridge.stop();
			bridge = null;
		}

		/** Rounds until nothing moves (deferred items become due as the clock goes on). */
		void settle() throws Exception {
			if (bridge == null)
				start();
			int idle = 0;
			for (int i = 0; i < 200 && idle < 3; i++) {
				int n = bridge.round();
				domino.route();
				clock.t += cf.retryMillis + 1000;
				idle = n == 0 ? idle + 1 : 0;
			}
		}

		/** Rounds until a crash or a quiet spool; true if it crashed. */
		boolean runUntilCrash() throws Exception {
			try {
				settle();
				return false;
			} catch (Crash c) {
				crash();
				return true;
			}
		}

		void deposit(String id, String memo) throws IOException {
			Path tmp = spool("mail.box/tmp/" + id);
			Files.createDirectories(tmp.getParent());
			Files.write(tmp, memo.getBytes(StandardCharsets.UTF_8));
			Files.move(tmp, spool("mail.box/new/" + id));
		}

		void delete() throws IOException {
			Files.walkFileTree(root, new SimpleFileVisitor<Path>() {
				@Override
				public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
					Files.delete(f);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
					Files.delete(d);
					return FileVisitResult.CONTINUE;
				}
			});
		}
	}

	static String memo(String subject, String extra) {
		return "<?xml version='1.0' encoding='utf-8'?>\n"
			+ "<!DOCTYPE document SYSTEM 'xmlschemas/domino_9_0_1.dtd'>\n"
			+ "<document xmlns='http://www.lotus.com/dxl' version='9.0' form='Memo'>" + extra
			+ "<item name='Form'><text>Memo</text></item>"
			+ "<item name='Recipients'><textlist><text>John Smith/Sales/Acme@Acme</text></textlist></item>"
			+ "<item name='Subject'><text>" + subject + "</text></item></document>\n";
	}

	static String ids(int i) {
		return "1764670000.M00000" + i + "P812Q" + i + ".mx1";
	}

	static int count(Path dir) throws IOException {
		return Spool.list(dir).size();
	}

	static void check(boolean ok, String what) {
		if (!ok)
			throw new AssertionError(what);
	}

	static void eq(Object want, Object got, String what) {
		if (want == null ? got != null : !want.equals(got))
			throw new AssertionError(what + ": want " + want + ", got " + got);
	}

	static int routed(World w, String subject) {
		Integer n = w.domino.routed.get(subject);
		return n == null ? 0 : n;
	}

	/** The end state of every outbound test: nothing left claimed, staged or half-written. */
	static void outboundClean(World w) throws IOException {
		eq(0, count(w.spool("mail.box/new")), "mail.box/new empty");
		eq(0, count(w.spool("mail.box/cur")), "mail.box/cur empty");
		eq(0, count(w.spool("mail.box/tmp")), "mail.box/tmp empty");
		eq(0, count(w.spool("refused/tmp")), "refused/tmp empty");
		eq(0, w.domino.staging.size(), "staging empty");
		eq(0, w.domino.mailbox.size(), "mailbox routed");
	}

	// ---------------------------------------------------------------- tests

	static void outboundDelivers() throws Exception {
		World w = new World();
		for (int i = 1; i <= 3; i++)
			w.deposit(ids(i), memo("m" + i, ""));
		w.settle();
		for (int i = 1; i <= 3; i++)
			eq(1, routed(w, "m" + i), "m" + i + " routed once");
		outboundClean(w);
		eq(3, count(w.spool("domino/delivered")), "three delivery records");
		check(Files.exists(w.spool("domino/delivered/" + ids(1))), "a memo without UNID is recorded by queue id");
		w.delete();
	}

	/** The steps whose crash may deliver a memo once more: copied, not yet recorded. */
	static final Set<String> OUT_WINDOW = new HashSet<String>(
		Arrays.asList("fake.copied", "out.copied", "write domino/delivered"));

	static void outboundCrashAtEveryStep() throws Exception {
		World probe = new World();
		for (int i = 1; i <= 3; i++)
			probe.deposit(ids(i), memo("m" + i, ""));
		probe.settle();
		int steps = probe.faults.trace.size();
		check(steps > 20, "the outbound trace has its steps (" + steps + ")");
		probe.delete();
		for (int k = 1; k <= steps; k++) {
			World w = new World();
			for (int i = 1; i <= 3; i++)
				w.deposit(ids(i), memo("m" + i, ""));
			w.faults.crashAt = k;
			check(w.runUntilCrash(), "crashed at step " + k);
			String at = w.faults.trace.get(k - 1);
			w.faults.crashAt = -1;
			w.settle();
			int twice = 0;
			for (int i = 1; i <= 3; i++) {
				int n = routed(w, "m" + i);
				check(n >= 1 && n <= 2, "crash at " + k + " (" + at + "): m" + i + " routed " + n + " times");
				if (n == 2)
					twice++;
			}
			check(twice <= (OUT_WINDOW.contains(at) ? 1 : 0),
				"crash at " + k + " (" + at + "): " + twice + " delivered twice");
			outboundClean(w);
			w.delete();
		}
	}

	static void importerErrorRefused() throws Exception {
		World w = new World();
		w.domino.importerRefuses.add("bad");
		w.deposit(ids(1), memo("bad", ""));
		Files.createDirectories(w.spool("mail.box/env"));
		Files.write(w.spool("mail.box/env/" + ids(1)), "sender a@example.com\n".getBytes(StandardCharsets.UTF_8));
		w.deposit(ids(2), memo("good", ""));
		w.settle();
		eq(0, routed(w, "bad"), "refused memo not routed");
		eq(1, routed(w, "good"), "the next memo routed");
		check(Files.exists(w.spool("refused/new/" + ids(1))), "refused memo back to lme");
		check(Files.exists(w.spool("refused/new/" + ids(1) + ".env")), "its envelope with it");
		String l = new String(Files.readAllBytes(w.spool("refused/new/" + ids(1) + ".log")), StandardCharsets.UTF_8);
		check(l.contains("reason: import: 4522") && l.contains("Unknown element"), "the log names the reason: " + l);
		outboundClean(w);
		w.delete();
	}

	static void checksRefuse() throws Exception {
		World w = new World();
		w.deposit(ids(1), memo("rs", "").replace("</document>",
			"<item name='RoutingState'><text>x</text></item></document>"));
		w.deposit(ids(2), memo("norcpt", "").replace("John Smith/Sales/Acme@Acme", ""));
		w.deposit(ids(3), "<?xml version='1.0'?><database xmlns='http://www.lotus.com/dxl'>"
			+ memo("a", "").replaceAll("<\\?xml[^>]*>\n<!DOCTYPE[^>]*>\n", "")
			+ memo("b", "").replaceAll("<\\?xml[^>]*>\n<!DOCTYPE[^>]*>\n", "") + "</database>\n</document>");
		w.deposit(ids(4), "<document><item name='Subject'><text>x</text></item></docum</document>");
		w.settle();
		eq(0, w.domino.routed.size(), "none routed");
		for (int i = 1; i <= 4; i++)
			check(Files.exists(w.spool("refused/new/" + ids(i))), "memo " + i + " refused");
		String l1 = new String(Files.readAllBytes(w.spool("refused/new/" + ids(1) + ".log")), StandardCharsets.UTF_8);
		check(l1.contains("RoutingState"), "RoutingState named");
		String l2 = new String(Files.readAllBytes(w.spool("refused/new/" + ids(2) + ".log")), StandardCharsets.UTF_8);
		check(l2.contains("no Recipients"), "missing Recipients named");
		outboundClean(w);
		w.delete();
	}

	static void duplicateUnid() throws Exception {
		World w = new World();
		String unid = "<noteinfo unid='0123456789ABCDEF0123456789abcdef'/>";
		w.deposit(ids(1), memo("dup", unid));
		w.settle();
		// the same memo deposited again (mexnts ran it twice after a crash)
		w.deposit(ids(2), memo("dup", unid));
		// and one without UNID under a queue id already delivered
		w.deposit(ids(3), memo("q", ""));
		w.settle();
		w.deposit(ids(3), memo("q", ""));
		w.settle();
		eq(1, routed(w, "dup"), "the same UNID routed once");
		eq(1, routed(w, "q"), "the same queue id routed once");
		check(Files.exists(w.spool("domino/delivered/0123456789ABCDEF0123456789ABCDEF")), "recorded by UNID");
		outboundClean(w);
		w.delete();
	}

	static void diskFullOutbound() throws Exception {
		World w = new World();
		w.domino.importerRefuses.add("bad");
		w.start();
		w.deposit(ids(1), memo("bad", ""));
		w.deposit(ids(2), memo("good", ""));
		w.faults.diskFull = true;
		for (int i = 0; i < 3; i++) {
			w.bridge.round();
			w.domino.route();
			w.clock.t += 60000;
		}
		eq(1, routed(w, "good"), "copied before the record failed");
		check(Files.exists(w.spool("mail.box/cur/" + ids(1) + ":domino")), "refusal deferred: still claimed");
		check(Files.exists(w.spool("mail.box/cur/" + ids(2) + ":domino")), "record deferred: still claimed");
		eq(0, count(w.spool("refused/new")), "nothing half in refused/new");
		w.faults.diskFull = false;
		w.settle();
		eq(1, routed(w, "good"), "not copied again when the record could be written");
		check(Files.exists(w.spool("refused/new/" + ids(1))), "refused once the disk has room");
		outboundClean(w);
		w.delete();
	}

	static void halfWritten() throws Exception {
		World w = new World();
		w.start();
		String m = memo("half", "");
		Path f = w.spool("mail.box/new/" + ids(1));
		Files.write(f, m.substring(0, m.length() / 2).getBytes(StandardCharsets.UTF_8));
		Files.setLastModifiedTime(f, FileTime.fromMillis(w.clock.t));
		w.bridge.round();
		check(Files.exists(f), "a half-written file is left alone");
		Files.write(f, m.getBytes(StandardCharsets.UTF_8));
		w.settle();
		eq(1, routed(w, "half"), "delivered once complete");
		// one that stays truncated is refused after the grace time
		Path g = w.spool("mail.box/new/" + ids(2));
		Files.write(g, m.substring(0, 40).getBytes(StandardCharsets.UTF_8));
		Files.setLastModifiedTime(g, FileTime.fromMillis(w.clock.t));
		w.bridge.round();
		check(Files.exists(g), "still within the grace time");
		w.clock.t += w.cf.truncatedGraceMillis + 1000;
		w.settle();
		check(Files.exists(w.spool("refused/new/" + ids(2))), "truncated file refused");
		String l = new String(Files.readAllBytes(w.spool("refused/new/" + ids(2) + ".log")), StandardCharsets.UTF_8);
		check(l.contains("truncated"), "named truncated");
		outboundClean(w);
		w.delete();
	}

	static void passingFailureKeeps() throws Exception {
		World w = new World();
		w.start();
		w.deposit(ids(1), memo("later", ""));
		w.domino.down = true;
		w.bridge.round();
		check(Files.exists(w.spool("mail.box/cur/" + ids(1) + ":domino")), "kept claimed while Domino is down");
		eq(0, count(w.spool("refused/new")), "not refused for a passing failure");
		w.domino.down = false;
		w.settle();
		eq(1, routed(w, "later"), "delivered when Domino is back");
		outboundClean(w);
		w.delete();
	}

	// ------------------------------------------------------------- inbound

	static byte[] gatewayNote(int i) {
		return ("<?xml version='1.0' encoding='utf-8'?>\n<document xmlns='http://www.lotus.com/dxl' form='Memo'>"
			+ "<item name='Subject'><text>in" + i + "</text></item></document>\n").getBytes(StandardCharsets.UTF_8);
	}

	static String unid(int i) {
		return String.format("%032X", 0xABC000 + i);
	}

	/** UNID -> how many files in exchange.box/new hold its export */
	static int exportedCopies(World w, byte[] content) throws IOException {
		int n = 0;
		for (String f : Spool.list(w.spool("exchange.box/new")))
			if (Arrays.equals(content, Files.readAllBytes(w.spool("exchange.box/new/" + f))))
				n++;
		return n;
	}

	static void inboundClean(World w) throws IOException {
		eq(0, w.domino.gateway.size(), "gateway mail file emptied");
		eq(0, count(w.spool("exchange.box/tmp")), "exchange.box/tmp empty");
		for (String f : Spool.list(w.spool("exchange.box/new")))
			check(f.matches("[0-9]+\\.M[0-9]{6}P[0-9]+Q[0-9]+\\.test\\.example"), "an lme queue id: " + f);
	}

	static final Set<String> IN_WINDOW = new HashSet<String>(Arrays.asList("in.renamed", "write domino/exported"));

	static void inboundExports() throws Exception {
		World w = new World();
		for (int i = 1; i <= 3; i++)
			w.domino.gateway.put(unid(i), gatewayNote(i));
		w.settle();
		for (int i = 1; i <= 3; i++)
			eq(1, exportedCopies(w, gatewayNote(i)), "in" + i + " exported once");
		inboundClean(w);
		w.delete();
	}

	static void inboundCrashAtEveryStep() throws Exception {
		World probe = new World();
		for (int i = 1; i <= 3; i++)
			probe.domino.gateway.put(unid(i), gatewayNote(i));
		probe.settle();
		int steps = probe.faults.trace.size();
		probe.delete();
		for (int k = 1; k <= steps; k++) {
			World w = new World();
			for (int i = 1; i <= 3; i++)
				w.domino.gateway.put(unid(i), gatewayNote(i));
			w.faults.crashAt = k;
			check(w.runUntilCrash(), "crashed at step " + k);
			String at = w.faults.trace.get(k - 1);
			w.faults.crashAt = -1;
			w.settle();
			int twice = 0;
			for (int i = 1; i <= 3; i++) {
				int n = exportedCopies(w, gatewayNote(i));
				check(n >= 1 && n <= 2, "crash at " + k + " (" + at + "): in" + i + " exported " + n + " times");
				if (n == 2)
					twice++;
			}
			check(twice <= (IN_WINDOW.contains(at) ? 1 : 0), "crash at " + k + " (" + at + "): " + twice + " twice");
			inboundClean(w);
			w.delete();
		}
	}

	static void inboundExportFailure() throws Exception {
		World w = new World();
		w.domino.gateway.put(unid(1), gatewayNote(1));
		w.domino.gateway.put(unid(2), gatewayNote(2));
		w.domino.exportFails.add(unid(1));
		w.settle();
		check(w.domino.bad.get(unid(1)).contains("4523"), "to exchange.bad with the reason");
		eq(0, exportedCopies(w, gatewayNote(1)), "not in exchange.box");
		eq(1, exportedCopies(w, gatewayNote(2)), "the next note exported");
		inboundClean(w);
		w.delete();
	}

	static void inboundDiskFull() throws Exception {
		World w = new World();
		w.start();
		w.domino.gateway.put(unid(1), gatewayNote(1));
		w.faults.diskFull = true;
		w.bridge.round();
		eq(1, w.domino.gateway.size(), "the note stays in the gateway mail file");
		eq(0, count(w.spool("exchange.box/tmp")), "the half-written file removed");
		eq(0, count(w.spool("exchange.box/new")), "nothing in new/");
		w.faults.diskFull = false;
		w.settle();
		eq(1, exportedCopies(w, gatewayNote(1)), "exported once the disk has room");
		inboundClean(w);
		w.delete();
	}

	static void inboundCorpus(Path corpus) throws Exception {
		if (corpus == null || !Files.isDirectory(corpus)) {
			System.out.println("skip inboundCorpus: corpus " + corpus + " not present");
			return;
		}
		World w = new World();
		int i = 0;
		for (String f : Spool.list(corpus))
			if (f.endsWith(".xml"))
				w.domino.gateway.put(unid(++i), Files.readAllBytes(corpus.resolve(f)));
		check(i > 0, "corpus has exports");
		java.util.Map<String, byte[]> want = new java.util.HashMap<String, byte[]>(w.domino.gateway);
		w.settle();
		eq(want.size(), count(w.spool("exchange.box/new")), "one file per note");
		for (java.util.Map.Entry<String, byte[]> e : want.entrySet()) {
			String id = new String(Files.readAllBytes(w.spool("domino/exported/" + e.getKey())),
				StandardCharsets.UTF_8).trim();
			check(Arrays.equals(e.getValue(), Files.readAllBytes(w.spool("exchange.box/new/" + id))),
				"a corpus export copied byte for byte");
		}
		inboundClean(w);
		w.delete();
	}

	// ----------------------------------------------------------- directory

	static String person(String unid, String name, String stamp) {
		return "<document form='Person'><noteinfo unid='" + unid + "'/><item name='Form'><text>Person</text></item>"
			+ "<item name='FullName'><text>" + name + "</text></item><item name='$NotesDXAStamp'><text>" + stamp
			+ "</text></item></document>";
	}

	static String deletion(String unid, String stamp) {
		return "<document form='LMEDelete'><item name='Form'><text>LMEDelete</text></item><item name='TargetUNID'>"
			+ "<text>" + unid + "</text></item><item name='$NotesDXAStamp'><text>" + stamp + "</text></item></document>";
	}

	static String dxaFile(String body) {
		return "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE database SYSTEM 'xmlschemas/domino_9_0_1.dtd'>\n"
			+ "<database xmlns='http://www.lotus.com/dxl' version='9.0'>" + body + "</database>\n";
	}

	static final String U1 = "00000000000000000000000000000001", U2 = "00000000000000000000000000000002",
		U3 = "00000000000000000000000000000003";

	static World directoryWorld() throws Exception {
		World w = new World();
		FakeDomino.Note mine = new FakeDomino.Note(U3, "Person", "");
		mine.items.put("fullname", Arrays.asList("Old Contact"));
		mine.items.put("$notesdxastamp", Arrays.asList("GUID"));
		w.domino.names.put(U3, mine);
		FakeDomino.Note theirs = new FakeDomino.Note(U2, "Person", "");
		theirs.items.put("fullname", Arrays.asList("Hand Made"));
		w.domino.names.put(U2, theirs);
		Path d = w.root.resolve("notes_import");
		Files.write(d.resolve("dxa-20261202T100000.000001-0000000001.dxl"),
			dxaFile(person(U1, "Jane Doe", "GUID") + deletion(U3, "GUID") + deletion(U2, "GUID"))
				.getBytes(StandardCharsets.UTF_8));
		Files.write(d.resolve("dxa-20261202T100001.000001-0000000001.dxl"),
			dxaFile(person(U1, "Jane Q Doe", "GUID")).getBytes(StandardCharsets.UTF_8));
		Files.write(d.resolve(".dxa-half.tmp"), "<database".getBytes(StandardCharsets.UTF_8));
		return w;
	}

	static void directoryEnd(World w, String what) throws IOException {
		eq("Jane Q Doe", w.domino.names.get(U1).first("FullName"), what + ": files imported in name order");
		check(!w.domino.names.containsKey(U3), what + ": stamped document deleted");
		check(w.domino.names.containsKey(U2), what + ": hand-made document kept");
		eq(2, w.domino.names.size(), what + ": no deletion request left in names.nsf (" + w.domino.names.keySet() + ")");
		Path d = w.root.resolve("notes_import");
		eq(Arrays.asList(), Spool.list(d.resolve("cur")), what + ": no claims left");
		check(Files.exists(d.resolve(".dxa-half.tmp")), what + ": a hidden file is not imported");
		String exp = new String(Files.readAllBytes(w.root.resolve("names.dxl")), StandardCharsets.UTF_8);
		check(exp.contains("Jane Q Doe") && exp.endsWith("</database>\n"), what + ": the export is whole and recent");
	}

	static void directoryRound() throws Exception {
		World w = directoryWorld();
		w.settle();
		directoryEnd(w, "plain");
		// a request: export again, after the files written before it
		Path d = w.root.resolve("notes_import");
		Files.write(d.resolve("dxa-20261202T100002.000001-0000000001.dxl"),
			dxaFile(person(U1, "Jane R Doe", "GUID")).getBytes(StandardCharsets.UTF_8));
		Files.write(d.resolve("export.request"), new byte[0]);
		w.bridge.round();
		check(!Files.exists(d.resolve("export.request")), "the request answered");
		String exp = new String(Files.readAllBytes(w.root.resolve("names.dxl")), StandardCharsets.UTF_8);
		check(exp.contains("Jane R Doe"), "the export holds the file written before the request");
		// a file the importer refuses goes to bad/ with its log
		Files.write(d.resolve("dxa-20261202T100003.000001-0000000001.dxl"),
			"<database><document".getBytes(StandardCharsets.UTF_8));
		w.bridge.round();
		check(Files.exists(d.resolve("bad/dxa-20261202T100003.000001-0000000001.dxl")), "refused file in bad/");
		check(Files.exists(d.resolve("bad/dxa-20261202T100003.000001-0000000001.dxl.log")), "with its log");
		w.delete();
	}

	static void directoryCrashAtEveryStep() throws Exception {
		World probe = directoryWorld();
		probe.settle();
		int steps = probe.faults.trace.size();
		probe.delete();
		for (int k = 1; k <= steps; k++) {
			World w = directoryWorld();
			w.faults.crashAt = k;
			check(w.runUntilCrash(), "crashed at step " + k);
			String at = w.faults.trace.get(k - 1);
			w.faults.crashAt = -1;
			w.settle();
			directoryEnd(w, "crash at " + k + " (" + at + ")");
			w.delete();
		}
	}

	static void secondBridgeRefused() throws Exception {
		World w = new World();
		w.start();
		Bridge other = new Bridge(w.cf, w.domino, w.faults, w.log, w.clock);
		try {
			check(!other.start(), "a second bridge does not start");
		} catch (java.nio.channels.OverlappingFileLockException e) {
			// the same JVM: refused as well
		}
		w.bridge.stop();
		w.delete();
	}

	static void configChecked() throws Exception {
		try {
			Config.parse("spool = /x\nspoll = /y\n");
			throw new AssertionError("unknown key accepted");
		} catch (IOException e) {
			check(e.getMessage().contains("unknown key spoll"), "names the key");
		}
		Config c = Config.parse("# a comment\nspool = C:\\lme\\spool\nhost = a/b:c\n");
		eq("C:\\lme\\spool", c.spool.toString().replace('/', '\\').replace("\\", "\\"), "backslashes kept");
		eq("a_b_c", c.host, "host made safe");
	}

	interface Test {
		void run() throws Exception;
	}

	public static void main(String[] args) throws Exception {
		final Path corpus = args.length > 0 ? Paths.get(args[0]) : null;
		Object[][] tests = {
			{ "outbound delivers each memo once", (Test) BridgeTest::outboundDelivers },
			{ "outbound: a crash at every step", (Test) BridgeTest::outboundCrashAtEveryStep },
			{ "outbound: importer error refused with its log", (Test) BridgeTest::importerErrorRefused },
			{ "outbound: RoutingState, no Recipients, two notes, bad XML refused", (Test) BridgeTest::checksRefuse },
			{ "outbound: duplicate UNID and queue id recognised", (Test) BridgeTest::duplicateUnid },
			{ "outbound: full disk", (Test) BridgeTest::diskFullOutbound },
			{ "outbound: a file appearing half-written", (Test) BridgeTest::halfWritten },
			{ "outbound: Domino down is passing", (Test) BridgeTest::passingFailureKeeps },
			{ "inbound exports each note once", (Test) BridgeTest::inboundExports },
			{ "inbound: a crash at every step", (Test) BridgeTest::inboundCrashAtEveryStep },
			{ "inbound: export failure to exchange.bad", (Test) BridgeTest::inboundExportFailure },
			{ "inbound: full disk writing tmp/", (Test) BridgeTest::inboundDiskFull },
			{ "inbound: the real exports of the corpus", (Test) () -> inboundCorpus(corpus) },
			{ "directory: imports, deletions, request, export", (Test) BridgeTest::directoryRound },
			{ "directory: a crash at every step", (Test) BridgeTest::directoryCrashAtEveryStep },
			{ "one bridge at a time", (Test) BridgeTest::secondBridgeRefused },
			{ "configuration checked", (Test) BridgeTest::configChecked },
		};
		int failed = 0;
		for (Object[] t : tests) {
			long t0 = System.nanoTime();
			try {
				((Test) t[1]).run();
				System.out.printf("ok %s (%d ms)%n", t[0], (System.nanoTime() - t0) / 1000000);
			} catch (Throwable e) {
				failed++;
				System.out.println("FAIL " + t[0] + ": " + e);
				e.printStackTrace(System.out);
			}
		}
		System.out.println(failed == 0 ? "all " + tests.length + " passed" : failed + " of " + tests.length + " failed");
		System.exit(failed == 0 ? 0 : 1);
	}
}
