package lme.domino;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What the bridge needs from Domino, and nothing more: the protocol of
 * lme-domino(7) (in {@link Bridge}) runs against this interface, so that
 * the tests run it against a fake and the lotus.domino adapter
 * ({@link NotesSide}) stays thin.
 *
 * A {@link DominoException} says whether the failure is about the input
 * (refuse it) or passing (try again later).
 */
public interface DominoSide {

	/** The result of importing one memo into the staging database. */
	final class Staged {
		/** the note ids imported, as the importer lists them */
		public final List<String> noteIds;
		/** the importer's log (XML), never null */
		public final String log;
		/** the one imported note has a non-empty Recipients item */
		public final boolean hasRecipients;
		/** the one imported note has a RoutingState item */
		public final boolean hasRoutingState;

		public Staged(List<String> noteIds, String log, boolean hasRecipients, boolean hasRoutingState) {
			this.noteIds = noteIds;
			this.log = log == null ? "" : log;
			this.hasRecipients = hasRecipients;
			this.hasRoutingState = hasRoutingState;
		}
	}

	/** A deletion request of dxa found in names.nsf (form LMEDelete). */
	final class Deletion {
		public final String requestNoteId;
		public final String targetUnid;
		public final String stamp;

		public Deletion(String requestNoteId, String targetUnid, String stamp) {
			this.requestNoteId = requestNoteId;
			this.targetUnid = targetUnid;
			this.stamp = stamp;
		}
	}

	// outbound

	/** Import one DXL file into the staging database (CREATE, validating). */
	Staged importToStaging(Path file) throws DominoException;

	/** Copy the one staged note into the active mailbox. */
	void copyToMailbox(Staged staged) throws DominoException;

	/** Delete the staged notes. */
	void deleteStaged(Staged staged) throws DominoException;

	/** Delete every document of the staging database (at start-up). */
	int purgeStaging() throws DominoException;

	// inbound

	/** The UNIDs of the notes in the gateway mail file, at most max. */
	List<String> gatewayNotes(int max) throws DominoException;

	/** Export one gateway note as DXL to out. */
	void exportNote(String unid, OutputStream out) throws DominoException, IOException;

	/** Copy a gateway note into the bad database, with its reason. */
	void copyToBad(String unid, String reason) throws DominoException;

	/** Delete a gateway note; one already gone is no error. */
	void deleteGatewayNote(String unid) throws DominoException;

	// directory

	/** Import one dxa file into names.nsf (REPLACE_ELSE_CREATE); returns the importer's log. */
	String importDirectory(Path file) throws DominoException;

	/** dxa's deletion requests now in names.nsf. */
	List<Deletion> deletionRequests() throws DominoException;

	/** Delete the target when its stamp matches, then the request. */
	void applyDeletion(Deletion d) throws DominoException;

	/** Export the Person, Group and Database documents of names.nsf. */
	void exportDirectory(OutputStream out) throws DominoException, IOException;
}
