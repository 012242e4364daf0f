package lme.domino;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

/**
 * The bridge's configuration (lme-domino(7)): "key = value" lines, "#"
 * comments, no escapes (Windows paths keep their backslashes).  Unknown
 * keys are an error, so that a misspelt key is not silently ignored.
 */
public final class Config {
	private static final String[] KEYS = { "spool", "host", "staging", "gateway", "bad", "mailbox", "names",
		"notes_import", "notes_directory", "directory_export_minutes", "record_days", "retry_seconds",
		"truncated_grace_seconds", "batch" };

	public final Path spool;
	public final String host;
	public final String staging, gateway, bad, mailbox, names;
	public final Path notesImport, notesDirectory;
	public final long directoryExportMillis, recordMillis, retryMillis, truncatedGraceMillis;
	public final int batch;

	private Config(Map<String, String> m) throws IOException {
		String s = m.get("spool");
		if (s == null || s.isEmpty())
			throw new IOException("spool is required");
		spool = Paths.get(s);
		host = safeHost(get(m, "host", localHost()));
		staging = get(m, "staging", "lme.nsf");
		gateway = get(m, "gateway", "exchange.box");
		bad = get(m, "bad", "exchange.bad");
		mailbox = get(m, "mailbox", "auto");
		names = get(m, "names", "names.nsf");
		String ni = get(m, "notes_import", "");
		notesImport = ni.isEmpty() ? null : Paths.get(ni);
		String nd = get(m, "notes_directory", "");
		notesDirectory = nd.isEmpty() ? null : Paths.get(nd);
		if ((notesImport == null) != (notesDirectory == null))
			throw new IOException("notes_import and notes_directory go together");
		directoryExportMillis = number(m, "directory_export_minutes", 30, 1, 100000) * 60000L;
		recordMillis = number(m, "record_days", 7, 1, 3650) * 86400000L;
		retryMillis = number(m, "retry_seconds", 30, 1, 86400) * 1000L;
		truncatedGraceMillis = number(m, "truncated_grace_seconds", 600, 1, 86400) * 1000L;
		batch = (int) number(m, "batch", 100, 1, 100000);
	}

	public static Config parse(String text) throws IOException {
		Map<String, String> m = new HashMap<String, String>();
		BufferedReader r = new BufferedReader(new StringReader(text));
		String line;
		int n = 0;
		while ((line = r.readLine()) != null) {
			n++;
			line = line.trim();
			if (line.isEmpty() || line.startsWith("#"))
				continue;
			int eq = line.indexOf('=');
			if (eq <= 0)
				throw new IOException("line " + n + ": not key = value");
			String k = line.substring(0, eq).trim(), v = line.substring(eq + 1).trim();
			boolean known = false;
			for (String key : KEYS)
				known |= key.equals(k);
			if (!known)
				throw new IOException("line " + n + ": unknown key " + k);
			m.put(k, v);
		}
		return new Config(m);
	}

	public static Config read(Path file) throws IOException {
		if (Files.size(file) > 65536)
			throw new IOException(file + ": larger than 64 KB");
		return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
	}

	private static String get(Map<String, String> m, String k, String dflt) {
		String v = m.get(k);
		return v == null || v.isEmpty() ? dflt : v;
	}

	private static long number(Map<String, String> m, String k, long dflt, long min, long max) throws IOException {
		String v = m.get(k);
		if (v == null || v.isEmpty())
			return dflt;
		try {
			long n = Long.parseLong(v);
			if (n < min || n > max)
				throw new IOException(k + " = " + v + ": not in " + min + ".." + max);
			return n;
		} catch (NumberFormatException e) {
			throw new IOException(k + " = " + v + ": not a number");
		}
	}

	private static String localHost() {
		try {
			return java.net.InetAddress.getLocalHost().getHostName();
		} catch (IOException e) {
			return "domino";
		}
	}

	/** A host name as a queue id may carry it: no '/', ':', leading '.', control or non-ASCII. */
	static String safeHost(String h) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < h.length() && b.length() < 64; i++) {
			char c = h.charAt(i);
			b.append(c == '/' || c == ':' || c < 0x21 || c > 0x7e ? '_' : c);
		}
		while (b.length() > 0 && b.charAt(0) == '.')
			b.deleteCharAt(0);
		return b.length() == 0 ? "domino" : b.toString();
	}
}
