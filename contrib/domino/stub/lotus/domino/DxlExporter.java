// Compile-only stub, never shipped or run: the members of the Domino Java API
// (lotus.domino in Notes.jar) that contrib/domino uses, written from HCL's Domino
// Designer Java reference (help.hcl-software.com/dom_designer/.../basic/H_*_JAVA.html).
// A wrong name or type in the bridge fails "make domino".  Build the add-in
// for a server against that server's own Notes.jar (contrib/domino/README).
package lotus.domino;

public interface DxlExporter extends Base {
	void setMIMEOption(int option) throws NotesException;

	void setRichTextOption(int option) throws NotesException;

	void setConvertNotesBitmapsToGIF(boolean flag) throws NotesException;

	void setUncompressAttachments(boolean flag) throws NotesException;

	void setOmitRichtextAttachments(boolean flag) throws NotesException;

	void setForceNoteFormat(boolean flag) throws NotesException;

	String exportDxl(Document doc) throws NotesException;

	String exportDxl(NoteCollection nc) throws NotesException;

	String getLog() throws NotesException;
}
