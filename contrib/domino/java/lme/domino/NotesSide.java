package lme.domino;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;

import lotus.domino.Database;
import lotus.domino.Document;
import lotus.domino.DocumentCollection;
import lotus.domino.DxlExporter;
import lotus.domino.DxlImporter;
import lotus.domino.NoteCollection;
import lotus.domino.NotesException;
import lotus.domino.Session;
import lotus.domino.Stream;

/**
 * {@link DominoSide} on the Domino Java API (Notes.jar): the only class
 * that touches lotus.domino.  Kept thin: every decision is in
 * {@link Bridge}.  Whatever fails here without being about the input
 * (a database that does not open) is a passing DominoException.
 */
public final class NotesSide implements DominoSide {
	// DxlExporter property values, from HCL's MIMEOption and RichTextOption pages
	static final int MIMEOPTION_RAW = 1;
	static final int RICHTEXTOPTION_DXL = 0;
	/** NotesError.NOTES_ERR_BAD_UNID: getDocumentByUNID found nothing */
	static final int ERR_BAD_UNID = 4091;

	private final Session session;
	private final Config cf;
	private Database staging, gateway, bad, names;
	private final List<Database> mailboxes = new ArrayList<Database>();
	private int nextMailbox;

	public NotesSide(Session session, Config cf) {
		this.session = session;
		this.cf = cf;
	}

	private Database open(String path, boolean create) throws DominoException {
		try {
			Database db = session.getDatabase("", path, create);
			if (db == null || !db.isOpen())
				throw new DominoException(true, path + ": does not open");
			return db;
		} catch (NotesException e) {
			throw passing(path, e);
		}
	}

	private static DominoException passing(String what, NotesException e) {
		return new DominoException(true, what + ": " + e.id + " " + e.text);
	}

	private Database staging() throws DominoException {
		if (staging == null)
			staging = open(cf.staging, false);
		return staging;
	}

	private Database gateway() throws DominoException {
		if (gateway == null)
			gateway = open(cf.gateway, false);
		return gateway;
	}

	private Database bad() throws DominoException {
		if (bad == null)
			bad = open(cf.bad, false);
		return bad;
	}

	private Database names() throws DominoException {
		if (names == null)
			names = open(cf.names, false);
		return names;
	}

	/** mailbox = auto: mail1.box, mail2.box ... while they open, else mail.box; or the list given */
	private Database mailbox() throws DominoException {
		if (mailboxes.isEmpty()) {
			if (cf.mailbox.equals("auto")) {
				for (int i = 1; i <= 10; i++) {
					try {
						Database db = session.getDatabase("", "mail" + i + ".box", false);
						if (db == null || !db.isOpen())
							break;
						mailboxes.add(db);
					} catch (NotesException e) {
						break;
					}
				}
				if (mailboxes.isEmpty())
					mailboxes.add(open("mail.box", false));
			} else {
				for (String p : cf.mailbox.split(","))
					mailboxes.add(open(p.trim(), false));
			}
		}
		Database db = mailboxes.get(nextMailbox % mailboxes.size());
		nextMailbox++;
		return db;
	}

	private Document byUnid(Database db, String unid) throws NotesException {
		try {
			return db.getDocumentByUNID(unid);
		} catch (NotesException e) {
			if (e.id == ERR_BAD_UNID)
				return null;
			throw e;
		}
	}

	// ------------------------------------------------------------ outbound

	@Override
	public Staged importToStaging(Path file) throws DominoException {
		Database db = staging();
		DxlImporter im = null;
		Stream in = null;
		try {
			im = session.createDxlImporter();
			im.setDocumentImportOption(DxlImporter.DXLIMPORTOPTION_CREATE);
			im.setInputValidationOption(DxlImporter.DXLVALIDATIONOPTION_VALIDATE_ALWAYS);
			im.setUnknownTokenLogOption(DxlImporter.DXLLOGOPTION_FATALERROR);
			im.setExitOnFirstFatalError(true);
			in = session.createStream();
			if (!in.open(file.toString()))
				throw new DominoException(true, file + ": the stream does not open");
			try {
				im.importDxl(in, db);
			} catch (NotesException e) {
				// the importer's refusal (4522 and the like) is about the DXL
				throw new DominoException(false, e.id + " " + e.text, im.getLog());
			}
			List<String> ids = new ArrayList<String>();
			for (String id = im.getFirstImportedNoteID(); id != null && !id.isEmpty(); id = im.getNextImportedNoteID(id))
				ids.add(id);
			boolean recipients = false, routingState = false;
			if (ids.size() == 1) {
				Document d = db.getDocumentByID(ids.get(0));
				Vector<?> v = d.getItemValue("Recipients");
				for (Object o : v)
					recipients |= o != null && !o.toString().trim().isEmpty();
				routingState = d.hasItem("RoutingState");
				d.recycle();
			}
			return new Staged(ids, im.getLog(), recipients, routingState);
		} catch (NotesException e) {
			throw passing(cf.staging, e);
		} finally {
			try {
				if (in != null) {
					in.close();
					in.recycle();
				}
				if (im != null)
					im.recycle();
			} catch (NotesException e) {
				// nothing to do
			}
		}
	}

	@Override
	public void copyToMailbox(Staged s) throws DominoException {
		Database db = staging();
		Database box = mailbox();
		try {
			Document d = db.getDocumentByID(s.noteIds.get(0));
			String unid = d.getUniversalID();
			try {
				Document c = d.copyToDatabase(box);
				c.recycle();
			} catch (NotesException e) {
				// the same UNID already in the mailbox (a copy before a crash): delivered
				Document there = byUnid(box, unid);
				if (there == null)
					throw e;
				there.recycle();
			}
			d.recycle();
		} catch (NotesException e) {
			throw passing("copy to the mailbox", e);
		}
	}

	@Override
	public void deleteStaged(Staged s) throws DominoException {
		Database db = staging();
		try {
			for (String id : s.noteIds) {
				Document d = db.getDocumentByID(id);
				if (d != null)
					d.remove(true);
			}
		} catch (NotesException e) {
			throw passing(cf.staging, e);
		}
	}

	@Override
	public int purgeStaging() throws DominoException {
		try {
			DocumentCollection all = staging().getAllDocuments();
			int n = all.getCount();
			if (n > 0)
				all.removeAll(true);
			all.recycle();
			return n;
		} catch (NotesException e) {
			throw passing(cf.staging, e);
		}
	}

	// ------------------------------------------------------------- inbound

	@Override
	public List<String> gatewayNotes(int max) throws DominoException {
		List<String> out = new ArrayList<String>();
		try {
			DocumentCollection all = gateway().getAllDocuments();
			Document d = all.getFirstDocument();
			while (d != null && out.size() < max) {
				out.add(d.getUniversalID());
				Document next = all.getNextDocument(d);
				d.recycle();
				d = next;
			}
			all.recycle();
			return out;
		} catch (NotesException e) {
			throw passing(cf.gateway, e);
		}
	}

	@Override
	public void exportNote(String unid, OutputStream out) throws DominoException, IOException {
		DxlExporter ex = null;
		String dxl;
		try {
			Document d = byUnid(gateway(), unid);
			if (d == null)
				throw new DominoException(true, unid + ": gone from " + cf.gateway);
			ex = session.createDxlExporter();
			ex.setMIMEOption(MIMEOPTION_RAW);
			ex.setRichTextOption(RICHTEXTOPTION_DXL);
			ex.setConvertNotesBitmapsToGIF(true);
			ex.setUncompressAttachments(true);
			ex.setOmitRichtextAttachments(false);
			ex.setForceNoteFormat(false);
			try {
				dxl = ex.exportDxl(d);
			} catch (NotesException e) {
				throw new DominoException(false, e.id + " " + e.text, ex.getLog());
			}
			d.recycle();
		} catch (NotesException e) {
			throw passing(cf.gateway, e);
		} finally {
			try {
				if (ex != null)
					ex.recycle();
			} catch (NotesException e) {
				// nothing to do
			}
		}
		out.write(dxl.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void copyToBad(String unid, String reason) throws DominoException {
		try {
			Document d = byUnid(gateway(), unid);
			if (d == null)
				return;
			Document c = d.copyToDatabase(bad());
			c.replaceItemValue("LmeReason", reason);
			c.save(true, false);
			c.recycle();
			d.recycle();
		} catch (NotesException e) {
			throw passing(cf.bad, e);
		}
	}

	@Override
	public void deleteGatewayNote(String unid) throws DominoException {
		try {
			Document d = byUnid(gateway(), unid);
			if (d != null)
				d.remove(true);
		} catch (NotesException e) {
			throw passing(cf.gateway, e);
		}
	}

	// ----------------------------------------------------------- directory

	@Override
	public String importDirectory(Path file) throws DominoException {
		DxlImporter im = null;
		Stream in = null;
		try {
			Database db = names();
			im = session.createDxlImporter();
			im.setDocumentImportOption(DxlImporter.DXLIMPORTOPTION_REPLACE_ELSE_CREATE);
			im.setReplicaRequiredForReplaceOrUpdate(false);
			im.setInputValidationOption(DxlImporter.DXLVALIDATIONOPTION_VALIDATE_ALWAYS);
			im.setUnknownTokenLogOption(DxlImporter.DXLLOGOPTION_FATALERROR);
			im.setExitOnFirstFatalError(true);
			in = session.createStream();
			if (!in.open(file.toString()))
				throw new DominoException(true, file + ": the stream does not open");
			try {
				im.importDxl(in, db);
			} catch (NotesException e) {
				throw new DominoException(false, e.id + " " + e.text, im.getLog());
			}
			return im.getLog();
		} catch (NotesException e) {
			throw passing(cf.names, e);
		} finally {
			try {
				if (in != null) {
					in.close();
					in.recycle();
				}
				if (im != null)
					im.recycle();
			} catch (NotesException e) {
				// nothing to do
			}
		}
	}

	@Override
	public List<Deletion> deletionRequests() throws DominoException {
		List<Deletion> out = new ArrayList<Deletion>();
		try {
			DocumentCollection dc = names().search("Form = \"LMEDelete\"");
			Document d = dc.getFirstDocument();
			while (d != null) {
				out.add(new Deletion(d.getNoteID(), d.getItemValueString("TargetUNID"),
					d.getItemValueString("$NotesDXAStamp")));
				Document next = dc.getNextDocument(d);
				d.recycle();
				d = next;
			}
			dc.recycle();
			return out;
		} catch (NotesException e) {
			throw passing(cf.names, e);
		}
	}

	@Override
	public void applyDeletion(Deletion del) throws DominoException {
		try {
			Database db = names();
			if (del.targetUnid.matches("[0-9A-Fa-f]{32}") && !del.stamp.isEmpty()) {
				Document t = byUnid(db, del.targetUnid);
				if (t != null && del.stamp.equals(t.getItemValueString("$NotesDXAStamp")))
					t.remove(true);
			}
			Document r = db.getDocumentByID(del.requestNoteId);
			if (r != null)
				r.remove(true);
		} catch (NotesException e) {
			throw passing(cf.names, e);
		}
	}

	@Override
	public void exportDirectory(OutputStream out) throws DominoException, IOException {
		DxlExporter ex = null;
		String dxl;
		try {
			NoteCollection nc = names().createNoteCollection(false);
			nc.selectAllDocuments(true);
			nc.setSelectionFormula("Form = \"Person\" | Form = \"Group\" | Form = \"Database\""
				+ " | Type = \"Person\" | Type = \"Group\" | Type = \"Database\"");
			nc.buildCollection();
			ex = session.createDxlExporter();
			ex.setMIMEOption(MIMEOPTION_RAW);
			ex.setRichTextOption(RICHTEXTOPTION_DXL);
			ex.setForceNoteFormat(false);
			dxl = ex.exportDxl(nc);
			nc.recycle();
		} catch (NotesException e) {
			throw passing(cf.names, e);
		} finally {
			try {
				if (ex != null)
					ex.recycle();
			} catch (NotesException e) {
				// nothing to do
			}
		}
		out.write(dxl.getBytes(StandardCharsets.UTF_8));
	}
}
