package lme.domino;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * An in-memory Domino with the documented behaviour the bridge relies on
 * (lme-domino(7), domino-side.md): the importer parses the DXL, logs a
 * fatal error and imports nothing for a file it cannot read, keeps the
 * UNID of <noteinfo> and refuses a second note with the same UNID (4000);
 * copyToDatabase keeps the UNID; the router takes notes out of the mailbox
 * when {@link #route()} is called.  Its databases survive a crash of the
 * bridge, as a server's do.  The hook is called inside the operations,
 * after their effect, so that a crash can fall between Domino doing
 * something and the bridge knowing it.
 */
final class FakeDomino implements DominoSide {
	static final class Note {
		final String unid;
		final String form;
		final Map<String, List<String>> items = new LinkedHashMap<String, List<String>>();
		final String dxl;

		Note(String unid, String form, String dxl) {
			this.unid = unid;
			this.form = form;
			this.dxl = dxl;
		}

		String first(String item) {
			List<String> v = items.get(item.toLowerCase());
			return v == null || v.isEmpty() ? "" : v.get(0);
		}
	}

	Hook hook = Hook.NONE;
	private int noteIds = 0x100;
	private int unids = 1;
	final Map<String, Note> staging = new LinkedHashMap<String, Note>();
	final Map<String, Note> mailbox = new LinkedHashMap<String, Note>();
	/** Subject -> how many times the router routed it */
	final Map<String, Integer> routed = new HashMap<String, Integer>();
	final Map<String, byte[]> gateway = new LinkedHashMap<String, byte[]>();
	final Map<String, String> bad = new LinkedHashMap<String, String>();
	final Map<String, Note> names = new LinkedHashMap<String, Note>();
	/** failure injection */
	final Set<String> importerRefuses = new HashSet<String>();	// by Subject
	final Set<String> exportFails = new HashSet<String>();		// by UNID
	boolean down;	// every call fails, passing

	private void up() throws DominoException {
		if (down)
			throw new DominoException(true, "server not responding");
	}

	private static String log(String level, String text) {
		return "<?xml version='1.0'?><DXLImporterLog><" + level + " source='fake'>" + text + "</" + level
			+ "></DXLImporterLog>";
	}

	/** Parse a DXL file as the importer would; notes in document order. */
	private List<Note> parse(byte[] data) throws Exception {
		DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
		f.setNamespaceAware(true);
		f.setExpandEntityReferences(false);
		f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
		f.setFeature("http://xml.org/sax/features/external-general-entities", false);
		f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
		DocumentBuilder b = f.newDocumentBuilder();
		b.setErrorHandler(null);
		org.w3c.dom.Document d = b.parse(new InputSource(new ByteArrayInputStream(data)));
		Element root = d.getDocumentElement();
		List<Element> docs = new ArrayList<Element>();
		if (root.getLocalName().equals("document"))
			docs.add(root);
		else if (root.getLocalName().equals("database")) {
			for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling())
				if (n instanceof Element && ((Element) n).getLocalName().equals("document"))
					docs.add((Element) n);
		} else
			throw new Exception("unknown root element " + root.getLocalName());
		List<Note> out = new ArrayList<Note>();
		for (Element e : docs) {
			String unid = "";
			NodeList ni = e.getElementsByTagNameNS("*", "noteinfo");
			if (ni.getLength() > 0)
				unid = ((Element) ni.item(0)).getAttribute("unid").toUpperCase();
			Note note = new Note(unid, e.getAttribute("form"), new String(data, StandardCharsets.UTF_8));
			for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
				if (!(n instanceof Element) || !((Element) n).getLocalName().equals("item"))
					continue;
				List<String> vals = new ArrayList<String>();
				NodeList texts = ((Element) n).getElementsByTagNameNS("*", "text");
				for (int i = 0; i < texts.getLength(); i++)
					vals.add(texts.item(i).getTextContent());
				note.items.put(((Element) n).getAttribute("name").toLowerCase(), vals);
			}
			out.add(note);
		}
		return out;
	}

	private String newUnid() {
		return String.format("%032X", unids++);
	}

	// ------------------------------------------------------------ outbound

	@Override
	public Staged importToStaging(Path file) throws DominoException {
		up();
		List<Note> notes;
		try {
			notes = parse(Files.readAllBytes(file));
		} catch (Exception e) {
			String l = log("fatalerror", "DXL parse error: " + e.getMessage());
			throw new DominoException(false, "4522 DXL importer operation failed", l);
		}
		for (Note n : notes)
			if (importerRefuses.contains(n.first("Subject")))
				throw new DominoException(false, "4522 DXL importer operation failed",
					log("fatalerror", "Unknown element 'bogus'"));
		List<String> ids = new ArrayList<String>();
		for (Note n : notes) {
			Note s = n.unid.isEmpty() ? new Note(newUnid(), n.form, n.dxl) : n;
			if (s != n)
				s.items.putAll(n.items);
			for (Note o : staging.values())
				if (o.unid.equals(s.unid))
					throw new DominoException(false, "4000 Note already exists", log("fatalerror",
						"a note with UNID " + s.unid + " exists"));
			String id = Integer.toHexString(noteIds++);
			staging.put(id, s);
			ids.add(id);
		}
		step("fake.imported");
		boolean rcpt = false, rs = false;
		if (ids.size() == 1) {
			Note n = staging.get(ids.get(0));
			List<String> r = n.items.get("recipients");
			if (r != null)
				for (String v : r)
					rcpt |= !v.trim().isEmpty();
			rs = n.items.containsKey("routingstate");
		}
		return new Staged(ids, log("info", "imported " + ids.size()), rcpt, rs);
	}

	@Override
	public void copyToMailbox(Staged s) throws DominoException {
		up();
		Note n = staging.get(s.noteIds.get(0));
		if (n == null)
			throw new DominoException(true, "staged note gone");
		if (!mailbox.containsKey(n.unid))	// NotesSide: the same UNID there is delivered
			mailbox.put(n.unid, n);
		step("fake.copied");
	}

	@Override
	public void deleteStaged(Staged s) throws DominoException {
		up();
		for (String id : s.noteIds)
			staging.remove(id);
		step("fake.unstaged");
	}

	@Override
	public int purgeStaging() throws DominoException {
		up();
		int n = staging.size();
		staging.clear();
		return n;
	}

	/** The router: takes every note out of the mailbox. */
	void route() {
		for (Note n : mailbox.values()) {
			String subj = n.first("Subject");
			Integer c = routed.get(subj);
			routed.put(subj, c == null ? 1 : c + 1);
		}
		mailbox.clear();
	}

	// ------------------------------------------------------------- inbound

	@Override
	public List<String> gatewayNotes(int max) throws DominoException {
		up();
		List<String> out = new ArrayList<String>();
		for (String u : gateway.keySet())
			if (out.size() < max)
				out.add(u);
		return out;
	}

	@Override
	public void exportNote(String unid, OutputStream out) throws DominoException, IOException {
		up();
		byte[] d = gateway.get(unid);
		if (d == null)
			throw new DominoException(true, unid + " gone");
		if (exportFails.contains(unid))
			throw new DominoException(false, "4523 DXL exporter operation failed", "<DXLExporterLog/>");
		// in pieces, so that a full disk can fall in the middle
		for (int off = 0; off < d.length; off += 1000)
			out.write(d, off, Math.min(1000, d.length - off));
		step("fake.exported");
	}

	@Override
	public void copyToBad(String unid, String reason) throws DominoException {
		up();
		if (gateway.containsKey(unid))
			bad.put(unid, reason);
		step("fake.copied-to-bad");
	}

	@Override
	public void deleteGatewayNote(String unid) throws DominoException {
		up();
		gateway.remove(unid);
		step("fake.deleted");
	}

	// ----------------------------------------------------------- directory

	@Override
	public String importDirectory(Path file) throws DominoException {
		up();
		List<Note> notes;
		try {
			notes = parse(Files.readAllBytes(file));
		} catch (Exception e) {
			throw new DominoException(false, "4522 DXL importer operation failed",
				log("fatalerror", "DXL parse error: " + e.getMessage()));
		}
		for (Note n : notes) {
			// REPLACE_ELSE_CREATE: by UNID; a note without one is created
			String key = n.unid.isEmpty() ? "NOTE" + Integer.toHexString(noteIds++) : n.unid;
			names.put(key, n);
			step("fake.dir-note");
		}
		return log("info", "imported " + notes.size());
	}

	@Override
	public List<Deletion> deletionRequests() throws DominoException {
		up();
		List<Deletion> out = new ArrayList<Deletion>();
		for (Map.Entry<String, Note> e : names.entrySet())
			if (e.getValue().form.equals("LMEDelete"))
				out.add(new Deletion(e.getKey(), e.getValue().first("TargetUNID"),
					e.getValue().first("$NotesDXAStamp")));
		return out;
	}

	@Override
	public void applyDeletion(Deletion d) throws DominoException {
		up();
		Note t = names.get(d.targetUnid.toUpperCase());
		if (t != null && !d.stamp.isEmpty() && d.stamp.equals(t.first("$NotesDXAStamp")))
			names.remove(d.targetUnid.toUpperCase());
		step("fake.target-deleted");
		names.remove(d.requestNoteId);
	}

	@Override
	public void exportDirectory(OutputStream out) throws DominoException, IOException {
		up();
		StringBuilder b = new StringBuilder("<?xml version='1.0' encoding='utf-8'?>\n"
			+ "<database xmlns='http://www.lotus.com/dxl' version='9.0'>");
		for (Note n : names.values())
			if (n.form.equals("Person") || n.form.equals("Group"))
				b.append("<document form='").append(n.form).append("'><noteinfo unid='").append(n.unid)
					.append("'/><item name='FullName'><text>").append(n.first("FullName"))
					.append("</text></item></document>");
		b.append("</database>\n");
		byte[] d = b.toString().getBytes(StandardCharsets.UTF_8);
		for (int off = 0; off < d.length; off += 100)
			out.write(d, off, Math.min(100, d.length - off));
	}

	private void step(String name) throws DominoException {
		try {
			hook.step(name);
		} catch (IOException e) {
			throw new DominoException(true, e.getMessage());
		}
	}
}
