// Compile-only stub, never shipped or run: the members of the Domino Java API
// (lotus.domino in Notes.jar) that contrib/domino uses, written from HCL's Domino
// Designer Java reference (help.hcl-software.com/dom_designer/.../basic/H_*_JAVA.html).
// A wrong name or type in the bridge fails "make domino".  Build the add-in
// for a server against that server's own Notes.jar (contrib/domino/README).
package lotus.domino;

import java.util.Vector;

public interface Document extends Base {
	@SuppressWarnings("rawtypes")
	Vector getItemValue(String name) throws NotesException;

	String getItemValueString(String name) throws NotesException;

	boolean hasItem(String name) throws NotesException;

	String getUniversalID() throws NotesException;

	String getNoteID() throws NotesException;

	/** Also saves the new document. */
	Document copyToDatabase(Database db) throws NotesException;

	Item replaceItemValue(String name, Object value) throws NotesException;

	boolean save(boolean force, boolean createresponse) throws NotesException;

	boolean remove(boolean force) throws NotesException;
}
